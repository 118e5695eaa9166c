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

from huggingface_hub import ModelCard, ModelCardData
from transformers import PretrainedConfig
from transformers.utils import logging

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
            Final evaluation metrics.
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
    base_model = _name_or_none(config.text_config if info.kind == "teacher" else config)
    card_data = ModelCardData(
        library_name="transformers",
        pipeline_tag="text-classification",
        tags=CARD_TAGS + ([info.kind] if info.kind == "teacher" else ["text-classification"]),
        base_model=base_model,
        datasets=[info.dataset] if info.dataset and "/" in info.dataset else None,
        metrics=["accuracy", "f1"],
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


def save_model_card(info: LugpiCardInfo, config: PretrainedConfig, model_dir: str | os.PathLike) -> None:
    """Write the rendered card as `README.md` and what it was rendered from as `lugpi_card.json`."""
    model_dir = Path(model_dir)
    render_model_card(info, config).save(model_dir / "README.md")
    (model_dir / CARD_INFO_FILE).write_text(json.dumps(dataclasses.asdict(info), indent=2, default=str))


def load_card_info(model_dir: str | os.PathLike) -> LugpiCardInfo | None:
    """The card information saved beside a model by [`save_model_card`], or `None` if there is none."""
    path = Path(model_dir) / CARD_INFO_FILE
    if not path.is_file():
        return None
    return LugpiCardInfo(**json.loads(path.read_text()))


def _name_or_none(config: PretrainedConfig) -> str | None:
    # Only a Hub id belongs in `base_model`; a local directory means nothing to a reader of the Hub.
    name = getattr(config, "name_or_path", "") or ""
    return name if name and not os.path.isabs(name) and not os.path.exists(name) else None


def _describe_encoder(config: PretrainedConfig) -> str:
    name = _name_or_none(config)
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
    "load_card_info",
    "render_model_card",
    "save_model_card",
    "training_hyperparameters",
]
