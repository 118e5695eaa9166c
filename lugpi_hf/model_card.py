# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Model cards for LUGPI teachers and students, rendered from the Jinja templates in `lugpi_hf/templates/`.

A trainer mixes in [`LugpiModelCardMixin`]: it writes `README.md` beside the weights whenever the model is
saved and whenever it is pushed (in place of `Trainer`'s generic card), on the main process only.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from huggingface_hub import EvalResult, ModelCard, ModelCardData
from transformers import PretrainedConfig
from transformers.utils import logging

from .file_utils import is_hub_id
from .hub import ModelFilesPushMixin


logger = logging.get_logger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
# Beside README.md: what the card was rendered from, so `lugpi push` can render it again for the repo it goes to.
CARD_INFO_FILE = "lugpi_card.json"
CARD_TAGS = ["lugpi", "knowledge-distillation", "privileged-information", "generated_from_trainer"]
CITATION = """@inproceedings{menadil2024lugpi,
  title     = {Learning Using Generated Privileged Information by Text-to-Image Diffusion Models},
  author    = {Menadil, Rafael-Edy and Georgescu, Mariana-Iuliana and Ionescu, Radu Tudor},
  booktitle = {Proceedings of the International Conference on Pattern Recognition (ICPR)},
  year      = {2024}
}"""
# The metrics of `compute_classification_metrics` that go into a card's `model-index`, with their Hub names.
_MODEL_INDEX_METRICS = {"accuracy": ("accuracy", "Accuracy"), "f1_macro": ("f1", "Macro-F1")}
# Packages whose versions a card lists (Hub cards call this "Framework versions").
_FRAMEWORKS = ("lugpi_hf", "transformers", "torch", "datasets", "tokenizers", "accelerate")
# The TrainingArguments a reader needs to reproduce a run, in the order the card lists them.
_HYPERPARAMETERS = (
    "learning_rate",
    "lr_scheduler_type",
    "per_device_train_batch_size",
    "gradient_accumulation_steps",
    "num_train_epochs",
    "max_steps",
    "warmup_steps",
    "weight_decay",
    "optim",
    "seed",
)


@dataclass
class LugpiCardInfo:
    r"""
    What a LUGPI model card says, beyond what the model's config holds.

    Args:
        kind (`str`):
            `"teacher"` or `"student"`.
        model_name (`str`):
            Title of the card (the repository or output directory name).
        repo_id (`str`, *optional*):
            Where the model lives, for the usage snippet. Defaults to `model_name`.
        dataset (`str`, *optional*):
            The training data (Hub id or description).
        generator (`str`, *optional*):
            The text-to-image model that generated the privileged images.
        teacher (`str`, *optional*):
            For a student: the teacher it was distilled from.
        distillation (`dict`, *optional*):
            For a student: alpha, beta, temperature and the loss options.
        hyperparameters (`dict`, *optional*):
            Training hyper-parameters, see [`training_hyperparameters`].
        results (`dict`, *optional*):
            Final evaluation metrics (`accuracy` and `f1_macro` go into the card's `model-index`).
        eval_split (`str`, *optional*, defaults to `"validation"`):
            The split `results` were measured on, named in the `model-index`.
        tags (`list[str]`, *optional*):
            Tags added to LUGPI's own (`lugpi`, `knowledge-distillation`, ...).
        license (`str`, *optional*):
            The licence identifier of the model (e.g. `"apache-2.0"`); none is claimed when unset.
        image_attention_share (`float`, *optional*):
            For a teacher: the mean attention its text CLS token puts on the image tokens in the last fusion
            layer, from the evaluation (see [`~lugpi_hf.evaluation.evaluate_model`]).
        framework_versions (`dict`, *optional*):
            Versions of the packages the model was trained with. Defaults to those installed now.
    """

    kind: Literal["teacher", "student"]
    model_name: str
    repo_id: str | None = None
    dataset: str | None = None
    generator: str | None = None
    teacher: str | None = None
    distillation: dict[str, Any] = field(default_factory=dict)
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    results: dict[str, float] = field(default_factory=dict)
    eval_split: str = "validation"
    tags: list[str] = field(default_factory=list)
    license: str | None = None
    image_attention_share: float | None = None
    framework_versions: dict[str, str] = field(default_factory=lambda: framework_versions())


def framework_versions() -> dict[str, str]:
    """The installed versions of the packages a LUGPI model depends on, for its card."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in _FRAMEWORKS:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            continue
    return versions


def _eval_results(info: LugpiCardInfo) -> list[EvalResult] | None:
    dataset_id = _hub_id_or_none(info.dataset)
    # A local directory is named by its last part: its full path means nothing on the Hub.
    dataset_name = dataset_id or (Path(info.dataset).name if info.dataset and os.sep in info.dataset else info.dataset)
    results = []
    for key, (metric_type, metric_name) in _MODEL_INDEX_METRICS.items():
        if key in info.results:
            results.append(
                EvalResult(
                    task_type="text-classification",
                    task_name="Text Classification",
                    dataset_type=dataset_id or "custom",
                    dataset_name=dataset_name or "custom",
                    dataset_split=info.eval_split,
                    metric_type=metric_type,
                    metric_name=metric_name,
                    metric_value=float(info.results[key]),
                    metric_args={"average": "macro"} if key == "f1_macro" else None,
                )
            )
    return results or None


def training_hyperparameters(args) -> dict[str, Any]:
    """The hyper-parameters of `TrainingArguments` worth a line in a card (max_steps only when it is set)."""
    values = {name: getattr(args, name) for name in _HYPERPARAMETERS if hasattr(args, name)}
    if values.get("max_steps", -1) <= 0:
        values.pop("max_steps", None)
    values["lr_scheduler_type"] = str(getattr(values.get("lr_scheduler_type"), "value", values.get("lr_scheduler_type")))
    values["optim"] = str(getattr(values.get("optim"), "value", values.get("optim")))
    return values


def final_eval_metrics(log_history: list[dict[str, Any]]) -> dict[str, float]:
    """The last evaluation's metrics in a `Trainer` log history, without the `eval_` prefix and timings."""
    for entry in reversed(log_history):
        if any(key.startswith("eval_") for key in entry):
            return {
                key.removeprefix("eval_"): round(value, 4)
                for key, value in entry.items()
                if key.startswith("eval_") and not key.endswith(("_runtime", "_per_second"))
            }
    return {}


def render_model_card(info: LugpiCardInfo, config: PretrainedConfig) -> ModelCard:
    """Render the `info.kind` card for a model with `config` (a `LugpiConfig` or the student's config)."""
    if info.kind not in ("teacher", "student"):
        raise ValueError(f"Model card kind must be 'teacher' or 'student', got {info.kind!r}.")
    label_names = [config.id2label[i] for i in sorted(config.id2label)]
    base_model = _hub_id_or_none((config.text_config if info.kind == "teacher" else config).name_or_path)
    tags = CARD_TAGS + ([info.kind] if info.kind == "teacher" else ["text-classification"])
    tags += [tag for tag in info.tags if tag not in tags]
    dataset_id = _hub_id_or_none(info.dataset)
    card_kwargs = {}
    if info.kind == "student":
        card_kwargs["pipeline_tag"] = "text-classification"
    else:
        # No Hub task classifies a text together with an image, and the widget runs no custom code: a
        # `text-classification` tag would make it call the teacher without an image. `transformers.pipeline` runs it
        # through the pipeline its config names (see the usage section).
        card_kwargs["inference"] = False
    card_data = ModelCardData(
        model_name=info.model_name,
        library_name="transformers",
        license=info.license,
        tags=tags,
        base_model=base_model,
        datasets=[dataset_id] if dataset_id else None,
        metrics=["accuracy", "f1"],
        eval_results=_eval_results(info),
        **card_kwargs,
    )
    template_kwargs = dict(
        model_name=info.model_name,
        repo_id=info.repo_id or info.model_name,
        dataset=info.dataset,
        generator=info.generator,
        teacher=info.teacher,
        distillation=info.distillation,
        hyperparameters=info.hyperparameters,
        results=info.results,
        eval_split=info.eval_split,
        image_attention_share=info.image_attention_share,
        framework_versions=info.framework_versions,
        label_names=label_names,
        num_labels=config.num_labels,
        base_model=base_model,
        citation=CITATION,
    )
    if info.kind == "teacher":
        template_kwargs.update(
            text_encoder=_describe_encoder(config.text_config),
            vision_encoder=_describe_encoder(config.vision_config),
            fusion_layers=config.fusion_layers,
            fusion_heads=config.fusion_heads,
            classifier_hidden_size=config.classifier_hidden_size,
            classifier_activation=config.classifier_activation,
        )
    return ModelCard.from_template(
        card_data, template_path=str(TEMPLATES_DIR / f"{info.kind}_card.md"), **template_kwargs
    )


def _write_text_atomically(path: Path, text: str) -> None:
    from .file_utils import atomic_write

    atomic_write(path, text)


def save_model_card(info: LugpiCardInfo, config: PretrainedConfig, model_dir: str | os.PathLike) -> None:
    """Write the rendered card as `README.md` and what it was rendered from as `lugpi_card.json`."""
    model_dir = Path(model_dir)
    _write_text_atomically(model_dir / "README.md", str(render_model_card(info, config)))
    _write_text_atomically(model_dir / CARD_INFO_FILE, json.dumps(dataclasses.asdict(info), indent=2, default=str))


def update_model_card_results(
    model_dir: str | os.PathLike,
    results: dict[str, float],
    *,
    eval_split: str,
    dataset: str | None = None,
    image_attention_share: float | None = None,
) -> LugpiCardInfo:
    r"""
    Put an evaluation's scores into the card of a saved teacher or student (its `model-index` and results table),
    e.g. the test-split scores of [`~lugpi_hf.evaluation.evaluate_model`] in place of the last validation during
    training; rewrites `README.md` and `lugpi_card.json`.

    Args:
        model_dir (`str` or `os.PathLike`):
            A directory written by a LUGPI trainer (with `lugpi_card.json`).
        results (`dict`):
            Metrics as fractions, `accuracy` and `f1_macro` at least.
        eval_split (`str`):
            The split they were measured on.
        dataset (`str`, *optional*):
            The dataset they were measured on, when it is not the card's training data.
        image_attention_share (`float`, *optional*):
            For a teacher, see [`LugpiCardInfo`].
    """
    from transformers import AutoConfig

    info = load_card_info(model_dir)
    if info is None:
        raise ValueError(f"{model_dir}: no {CARD_INFO_FILE}; expected a teacher or student saved by a LUGPI trainer.")
    info.results = {key: round(float(value), 4) for key, value in results.items()}
    info.eval_split = eval_split
    if dataset is not None:
        info.dataset = dataset
    if image_attention_share is not None:
        info.image_attention_share = round(float(image_attention_share), 4)
    save_model_card(info, AutoConfig.from_pretrained(model_dir), model_dir)
    return info


def load_card_info(model_dir: str | os.PathLike) -> LugpiCardInfo | None:
    """The card information saved beside a model by [`save_model_card`], or `None` if there is none."""
    path = Path(model_dir) / CARD_INFO_FILE
    if not path.is_file():
        return None
    return LugpiCardInfo(**json.loads(path.read_text()))


def _hub_id_or_none(name: str | None) -> str | None:
    # Only a Hub id ("imdb", "distilbert-base-uncased") belongs in the metadata (`datasets`, `base_model`); a local
    # path or a description means nothing to a reader of the Hub.
    return name if is_hub_id(name) else None


def _describe_encoder(config: PretrainedConfig) -> str:
    name = _hub_id_or_none(config.name_or_path)
    shape = f"{config.model_type}, width {config.hidden_size}"
    return f"{name} ({shape})" if name else shape


class LugpiModelCardMixin(ModelFilesPushMixin):
    """
    For `transformers.Trainer` subclasses: write a LUGPI card on `save_model` and on `push_to_hub` (which would
    otherwise write `Trainer`'s generic card), and push only the model's files (see `ModelFilesPushMixin`). Set
    `card_kind` and, optionally, `card_metadata` (a dict of [`LugpiCardInfo`] fields such as `dataset`,
    `generator`, `teacher`) on the trainer.
    """

    card_kind: Literal["teacher", "student"]
    card_metadata: dict[str, Any]

    def card_info(self, model_name: str | None = None) -> LugpiCardInfo:
        metadata = dict(getattr(self, "card_metadata", None) or {})
        name = model_name or self.args.hub_model_id or Path(self.args.output_dir).name
        return LugpiCardInfo(
            kind=self.card_kind,
            model_name=name,
            repo_id=metadata.pop("repo_id", None) or self.args.hub_model_id or name,
            hyperparameters=training_hyperparameters(self.args),
            results=final_eval_metrics(self.state.log_history),
            **metadata,
        )

    def create_model_card(self, model_name: str | None = None, output_dir: str | None = None, **kwargs) -> None:
        if not self.is_world_process_zero():
            return
        model = self.accelerator.unwrap_model(self.model)
        save_model_card(self.card_info(model_name), model.config, output_dir or self.args.output_dir)

    def save_model(self, output_dir: str | None = None, _internal_call: bool = False) -> None:
        super().save_model(output_dir, _internal_call)
        # Checkpoints (internal calls) get no card; the final model does.
        if not _internal_call:
            self.create_model_card(output_dir=output_dir)


__all__ = [
    "CARD_INFO_FILE",
    "CARD_TAGS",
    "LugpiCardInfo",
    "LugpiModelCardMixin",
    "final_eval_metrics",
    "framework_versions",
    "load_card_info",
    "render_model_card",
    "save_model_card",
    "training_hyperparameters",
    "update_model_card_results",
]
