# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 6c, evaluate: accuracy and macro-F1 of every model side by side, as the paper's Table 1.

Rows come in the paper's order: the text-only baseline, the image-only encoders, the teachers (text + image)
and the LUGPI students (text only). [`write_results`] writes them as a markdown table, a JSON file and a bar
chart.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import datasets
import numpy as np
import torch
from transformers import (
    AutoImageProcessor,
    AutoModelForImageClassification,
    AutoModelForSequenceClassification,
    AutoProcessor,
    AutoTokenizer,
    EvalPrediction,
)
from transformers.utils import logging

from .arguments import TextImageDatasetArguments
from .data_collator import ImageClassificationCollator, LugpiDistillationCollator, LugpiTextImageCollator
from .dataset_io import check_label_names, config_label_names, label_names, load_split, require_columns
from .file_utils import atomic_path, atomic_write
from .metrics import compute_classification_metrics
from .prediction import predict
from .redaction import redact_secrets
from .statistics import SeedSummary, summarize_seeds


logger = logging.get_logger(__name__)

# The kinds of model in Table 1, in its order, with the heading each gets.
GROUPS = {
    "baseline": "Baseline (text)",
    "image_only": "Image only",
    "teacher": "Teacher (text + image)",
    "student": "LUGPI student (text)",
}
RESULTS_NAMES = {"markdown": "results.md", "json": "results.json", "chart": "results.png"}


@dataclass
class ModelEvaluation:
    """
    One row of the table: which model, of which kind, and its scores (fractions in [0, 1]).

    For a teacher, `image_attention_share` is the mean, over the scored rows and the heads of the last fusion layer,
    of the attention weight the text CLS token puts on the image tokens: how much the teacher looks at the
    privileged image at all (the rest goes to the text tokens).
    """

    group: str
    name: str
    model: str
    accuracy: float
    f1_macro: float
    num_examples: int
    image_attention_share: float | None = None
    split: str | None = None


@dataclass
class _AskingForAttentions:
    """Wraps a collator so the teacher returns its attention weights (its fusion layers then use eager attention,
    whatever the encoders use; the config's own `output_attentions` refuses SDPA models)."""

    collator: Any

    def __call__(self, rows):
        batch = self.collator(rows)
        batch["output_attentions"] = True
        return batch


def _image_attention_share_per_row(config):
    """A `preprocess_logits_for_metrics` hook keeping the logits and each row's image attention share."""
    vision = config.vision_config
    # ViT and CLIP vision towers: one CLS token and one token per patch, placed after the text in the fusion input.
    num_image_tokens = 1 + (vision.image_size // vision.patch_size) ** 2

    def preprocess(outputs, labels):
        logits, attentions = outputs[0], outputs[-1]
        text_cls_query = attentions[-1][:, :, 0, :]  # (batch, heads, keys) of the last fusion layer
        return logits, text_cls_query[:, :, -num_image_tokens:].sum(-1).mean(-1)

    return preprocess


def _load(group: str, model_name_or_path: str, text_column: str, image_column: str, max_length: int | None):
    if group in ("baseline", "student"):
        model = AutoModelForSequenceClassification.from_pretrained(model_name_or_path)
        tokenizer = AutoTokenizer.from_pretrained(model_name_or_path)
        collator = LugpiDistillationCollator(tokenizer, text_column=text_column, max_length=max_length)
        return model, collator, [text_column]
    if group == "teacher":
        model = AutoModelForSequenceClassification.from_pretrained(model_name_or_path)
        processor = AutoProcessor.from_pretrained(model_name_or_path)
        collator = LugpiTextImageCollator(processor, text_column, image_column, max_length=max_length)
        return model, collator, [text_column, image_column]
    if group == "image_only":
        model = AutoModelForImageClassification.from_pretrained(model_name_or_path)
        image_processor = AutoImageProcessor.from_pretrained(model_name_or_path)
        return model, ImageClassificationCollator(image_processor, image_column=image_column), [image_column]
    raise ValueError(f"Unknown model group {group!r}; expected one of {list(GROUPS)}.")


def evaluate_model(
    group: str,
    model_name_or_path: str,
    dataset: datasets.Dataset,
    *,
    name: str | None = None,
    batch_size: int = 32,
    text_column: str = "text",
    image_column: str = "image",
    label_column: str = "label",
    max_length: int | None = None,
    device: str | torch.device | None = None,
    dataloader_num_workers: int = 0,
    bf16: bool = False,
    split: str | None = None,
    return_predictions: bool = False,
) -> ModelEvaluation | tuple[ModelEvaluation, ExamplePredictions]:
    r"""
    Accuracy and macro-F1 of one saved model on a labelled split.

    Args:
        group (`str`):
            `"baseline"` or `"student"` (a text classifier), `"teacher"` (a LUGPI teacher, text + image) or
            `"image_only"` (an image classifier).
        model_name_or_path (`str`):
            The saved model (directory or Hub id), with its tokenizer, processor or image processor.
        dataset ([`datasets.Dataset`]):
            The split to score, with the label column and the text and/or image column the model reads.
        name (`str`, *optional*):
            The row's name in the table. Defaults to the directory's name.
        batch_size (`int`, *optional*, defaults to 32):
            Rows per forward pass.
        text_column (`str`, *optional*, defaults to `"text"`):
            Column with the text.
        image_column (`str`, *optional*, defaults to `"image"`):
            Column with the generated image.
        label_column (`str`, *optional*, defaults to `"label"`):
            Column with the class index.
        max_length (`int`, *optional*):
            Longest tokenized text. Defaults to the tokenizer's limit.
        device (`str` or `torch.device`, *optional*):
            `"cpu"`, or by default the accelerator `Trainer` finds (CUDA when available).
        dataloader_num_workers (`int`, *optional*, defaults to 0):
            Processes that read and collate the rows off the main process.
        bf16 (`bool`, *optional*, defaults to `False`):
            Run the model under bf16 autocast.
        split (`str`, *optional*):
            The split's name, for the table and the model cards. Defaults to `dataset.split`.
        return_predictions (`bool`, *optional*, defaults to `False`):
            Also return the per-example logits, as an [`ExamplePredictions`] (for [`write_predictions`] and the
            bootstrap over seeds): the result is then a tuple `(evaluation, predictions)`.

    It runs through `Trainer.predict` with the training stages' collators. For a teacher it also measures the image
    attention share (see [`ModelEvaluation`]).
    """
    model, collator, columns = _load(group, model_name_or_path, text_column, image_column, max_length)
    where = f"The test set of {GROUPS[group]} model {model_name_or_path}"
    require_columns(dataset, [*columns, label_column], where=where)
    check_label_names(config_label_names(model.config), f"model {model_name_or_path}",
                      label_names(dataset, label_column), f"the dataset's {label_column!r} column")  # fmt: skip
    preprocess = None
    if group == "teacher":
        collator = _AskingForAttentions(collator)
        preprocess = _image_attention_share_per_row(model.config)
    prediction = predict(
        model,
        dataset.select_columns(columns),
        collator,
        batch_size=batch_size,
        device=device,
        dataloader_num_workers=dataloader_num_workers,
        bf16=bf16,
        preprocess_logits_for_metrics=preprocess,
    )
    outputs = prediction.predictions
    logits = outputs[0] if isinstance(outputs, tuple) else outputs
    labels = np.asarray(dataset[label_column])
    metrics = compute_classification_metrics(EvalPrediction(predictions=np.asarray(logits), label_ids=labels))
    share = float(np.mean(outputs[1])) if group == "teacher" else None
    split = split if split is not None else (str(dataset.split) if dataset.split is not None else None)
    evaluation = ModelEvaluation(
        group=group,
        name=name or Path(str(model_name_or_path)).name,
        model=str(model_name_or_path),
        accuracy=float(metrics["accuracy"]),
        f1_macro=float(metrics["f1_macro"]),
        num_examples=len(labels),
        image_attention_share=share,
        split=split,
    )
    if not return_predictions:
        return evaluation
    ids = dataset["id"] if "id" in dataset.column_names else range(len(dataset))
    predictions = ExamplePredictions(
        model=evaluation.name, group=group, ids=[str(i) for i in ids], labels=labels, logits=np.asarray(logits),
        image_attention_share=share,
    )
    return evaluation, predictions


def _sorted(results: list[ModelEvaluation]) -> list[ModelEvaluation]:
    order = list(GROUPS)
    return sorted(results, key=lambda result: order.index(result.group))


def results_markdown(results: list[ModelEvaluation], title: str = "Results") -> str:
    """The paper's Table 1 layout: one row per model, grouped baseline / image only / teacher / student."""
    lines = [
        f"## {title}",
        "",
        "| Model | Kind | Accuracy (%) | Macro-F1 (%) | Image attention (%) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for result in _sorted(results):
        share = "—" if result.image_attention_share is None else f"{100 * result.image_attention_share:.2f}"
        lines.append(
            f"| {result.name} | {GROUPS[result.group]} | {100 * result.accuracy:.2f} | {100 * result.f1_macro:.2f} "
            f"| {share} |"
        )
    examples = sorted({result.num_examples for result in results})
    lines += [
        "",
        f"Scored on {', '.join(map(str, examples))} examples; macro-F1 is the unweighted mean over classes. Image "
        "attention: the teachers' mean attention from the text CLS token to the image tokens in the last fusion "
        "layer (over rows and heads).",
    ]
    return "\n".join(lines) + "\n"


def plot_results(results: list[ModelEvaluation], path: str | os.PathLike, title: str = "Results") -> None:
    """A grouped bar chart (accuracy and macro-F1 per model, in %) written as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = _sorted(results)
    x = np.arange(len(results))
    width = 0.38
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(results) + 2), 4.5))
    for offset, key, label in ((-width / 2, "accuracy", "Accuracy"), (width / 2, "f1_macro", "Macro-F1")):
        values = [100 * getattr(result, key) for result in results]
        bars = ax.bar(x + offset, values, width, label=label)
        ax.bar_label(bars, fmt="%.1f", fontsize=7, padding=2)
    ax.set_xticks(x, [f"{r.name}\n{GROUPS[r.group]}" for r in results], fontsize=7)
    ax.set_ylabel("%")
    ax.set_ylim(0, 105)
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=120)
    plt.close(fig)


def write_results(
    results: list[ModelEvaluation],
    output_dir: str | os.PathLike,
    *,
    title: str = "Results",
    metadata: dict | None = None,
) -> dict[str, Path]:
    """
    Write `results.md` (the table), `results.json` (the rows and `metadata`) and `results.png` (the bar chart)
    to `output_dir`; returns their paths by kind.
    """
    if not results:
        raise ValueError("No model was evaluated: give at least one of baseline, image-only, teacher or student.")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    paths = {kind: output_dir / name for kind, name in RESULTS_NAMES.items()}
    payload = {**(metadata or {}), "title": title, "results": [asdict(result) for result in _sorted(results)]}
    atomic_write(paths["markdown"], results_markdown(results, title))
    atomic_write(paths["json"], json.dumps(payload, indent=2) + "\n")
    with atomic_path(paths["chart"]) as tmp:
        plot_results(results, tmp, title)
    return paths


@dataclass
class EvaluateArguments(TextImageDatasetArguments):
    """
    Arguments of the evaluation stage (`lugpi evaluate`, `lugpi_hf.scripts.evaluate`): the models to score, each
    as `PATH` or `NAME=PATH`, on one split. Each model flag takes several values and may repeat.
    """

    output_dir: str | None = field(
        default=None, metadata={"help": "Where results.md, results.json and results.png go."}
    )
    split: str = field(default="test", metadata={"help": "Split to score."})
    baseline: list[str] = field(default_factory=list, metadata={"help": "Text-only baseline(s): [NAME=]PATH."})
    image_only: list[str] = field(
        default_factory=list, metadata={"help": "Image-only classifier(s) (ViT, CLIP): [NAME=]PATH."}
    )
    teacher: list[str] = field(default_factory=list, metadata={"help": "LUGPI teacher(s) (text + image): [NAME=]PATH."})
    student: list[str] = field(default_factory=list, metadata={"help": "Distilled LUGPI student(s): [NAME=]PATH."})
    batch_size: int = field(default=32, metadata={"help": "Rows per forward pass."})
    device: str | None = field(default=None, metadata={"help": "Default: cuda if available, else cpu."})
    dataloader_num_workers: int = field(default=0, metadata={"help": "Processes reading and collating the rows."})
    bf16: bool = field(default=False, metadata={"help": "Run the models under bf16 autocast."})

    def __post_init__(self):
        if not self.dataset_name or not self.output_dir:
            raise ValueError("--dataset_name and --output_dir are required.")
        if not self.models():
            raise ValueError("give at least one model: --baseline, --image_only, --teacher or --student.")

    def models(self) -> list[tuple[str, str | None, str]]:
        """`(group, name or None, path)` of every model, in the table's order."""
        models = []
        for group in GROUPS:
            for value in getattr(self, group):
                name, sep, path = value.partition("=")
                models.append((group, name, path) if sep else (group, None, value))
        return models


def run_evaluation(args: EvaluateArguments) -> tuple[list[ModelEvaluation], dict[str, Path]]:
    """What `lugpi evaluate` runs: score every model of `args` and write the results files."""
    from .locking import output_dir_lock

    with output_dir_lock(args.output_dir, what="lugpi evaluate"):
        return _run_evaluation(args)


def _run_evaluation(args: EvaluateArguments) -> tuple[list[ModelEvaluation], dict[str, Path]]:
    split = load_split(args.dataset_name, args.split, args.dataset_config)
    results = [
        evaluate_model(
            group,
            path,
            split,
            name=name,
            batch_size=args.batch_size,
            text_column=args.text_column,
            image_column=args.image_column,
            label_column=args.label_column,
            max_length=args.max_length,
            device=args.device,
            dataloader_num_workers=args.dataloader_num_workers,
            bf16=args.bf16,
            split=args.split,
        )
        for group, name, path in args.models()
    ]
    title = f"{args.dataset_name} ({args.split})"
    paths = write_results(results, args.output_dir, title=title, metadata={"dataset": args.dataset_name, "split": args.split})
    return results, paths


# ---- Several training seeds: per-example predictions, mean ± std and the paired bootstrap ----

PREDICTIONS_NAME = "predictions.parquet"


@dataclass
class ExamplePredictions:
    r"""
    One model's (and one seed's) logits on every example of a split, in the split's order.

    Args:
        model (`str`):
            The model's name in the table.
        group (`str`):
            Its kind, one of [`GROUPS`].
        ids (`list[str]`):
            The examples' ids (the split's `id` column, or the row index when it has none).
        labels (`np.ndarray` of shape `(num_examples,)`):
            The examples' classes.
        logits (`np.ndarray` of shape `(num_examples, num_labels)`):
            The model's logits.
        seed (`int`, *optional*):
            The training seed of the model (set it when one model is trained with several seeds).
        image_attention_share (`float`, *optional*):
            For a teacher, its image attention share on the split (see [`ModelEvaluation`]).
    """

    model: str
    group: str
    ids: list[str]
    labels: np.ndarray
    logits: np.ndarray
    seed: int | None = None
    image_attention_share: float | None = None

    @property
    def predictions(self) -> np.ndarray:
        """The predicted class of every example (the argmax of its logits)."""
        return np.asarray(self.logits).argmax(axis=-1)


def write_predictions(predictions: list[ExamplePredictions], path: str | os.PathLike) -> Path:
    """
    Write every model's and seed's per-example predictions as one Parquet file (written to a temporary name, then
    renamed), with the columns `model`, `group`, `seed`, `id`, `label`, `prediction` and `logits` (a list of
    floats per row), so that any other test can be run on them later. Returns the path.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not predictions:
        raise ValueError("No predictions to write: evaluate at least one model with return_predictions=True.")
    columns: dict[str, list] = {name: [] for name in ("model", "group", "seed", "id", "label", "prediction", "logits")}
    for entry in predictions:
        count = len(entry.ids)
        if len(entry.labels) != count or len(entry.logits) != count:
            raise ValueError(
                f"Predictions of {entry.model!r} (seed {entry.seed}): {count} ids, {len(entry.labels)} labels and "
                f"{len(entry.logits)} rows of logits; they must match."
            )
        columns["model"] += [entry.model] * count
        columns["group"] += [entry.group] * count
        columns["seed"] += [entry.seed] * count
        columns["id"] += list(entry.ids)
        columns["label"] += np.asarray(entry.labels).tolist()
        columns["prediction"] += entry.predictions.tolist()
        columns["logits"] += np.asarray(entry.logits, dtype=np.float32).tolist()
    schema = pa.schema(
        [("model", pa.string()), ("group", pa.string()), ("seed", pa.int64()), ("id", pa.string()),
         ("label", pa.int64()), ("prediction", pa.int64()), ("logits", pa.list_(pa.float32()))]
    )  # fmt: skip
    table = pa.table(columns, schema=schema)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        pq.write_table(table, str(tmp))
    return path


def read_predictions(path: str | os.PathLike) -> list[ExamplePredictions]:
    """The per-example predictions written by [`write_predictions`], one entry per model and seed, in file order."""
    import pyarrow.parquet as pq

    table = pq.read_table(path).to_pydict()
    entries: dict[tuple, dict[str, list]] = {}
    for index in range(len(table["model"])):
        key = (table["model"][index], table["group"][index], table["seed"][index])
        entry = entries.setdefault(key, {"ids": [], "labels": [], "logits": []})
        entry["ids"].append(table["id"][index])
        entry["labels"].append(table["label"][index])
        entry["logits"].append(table["logits"][index])
    return [
        ExamplePredictions(
            model=model, group=group, seed=seed, ids=entry["ids"], labels=np.asarray(entry["labels"]),
            logits=np.asarray(entry["logits"], dtype=np.float32),
        )  # fmt: skip
        for (model, group, seed), entry in entries.items()
    ]


def summarize_predictions(
    predictions: list[ExamplePredictions],
    *,
    baseline: str | None = None,
    num_resamples: int = 10_000,
    seed: int = 0,
    confidence: float = 0.95,
) -> list[SeedSummary]:
    r"""
    Per model, accuracy and macro-F1 mean ± std over its seeds, and the paired bootstrap of its accuracy against
    the baseline's (see [`~lugpi_hf.statistics.summarize_seeds`]). Models come in the paper's order.

    Args:
        predictions (`list[ExamplePredictions]`):
            Every model's and seed's predictions on the same split (the same ids, in any order).
        baseline (`str`, *optional*):
            The model to compare with. Defaults to the one model of kind `"baseline"`; with none, no comparison is
            made.
        num_resamples (`int`, *optional*, defaults to 10000):
            Bootstrap resamples.
        seed (`int`, *optional*, defaults to 0):
            Seed of the resampling.
        confidence (`float`, *optional*, defaults to 0.95):
            Level of the confidence intervals.
    """
    if not predictions:
        raise ValueError("No predictions to summarize: evaluate at least one model with return_predictions=True.")
    reference = predictions[0]
    order = {example_id: index for index, example_id in enumerate(reference.ids)}
    per_model: dict[str, dict] = {}
    groups: dict[str, str] = {}
    for entry in predictions:
        if sorted(entry.ids) != sorted(reference.ids):
            raise ValueError(
                f"Predictions of {entry.model!r} (seed {entry.seed}) are on other examples than those of "
                f"{reference.model!r} (seed {reference.seed}): every model must be scored on the same split."
            )
        positions = np.array([order[example_id] for example_id in entry.ids])
        labels = np.empty(len(positions), dtype=np.int64)
        labels[positions] = entry.labels
        if not np.array_equal(labels, reference.labels):
            raise ValueError(
                f"Predictions of {entry.model!r} (seed {entry.seed}) give other labels than those of "
                f"{reference.model!r} for the same ids."
            )
        if groups.setdefault(entry.model, entry.group) != entry.group:
            raise ValueError(f"Model {entry.model!r} is of two kinds: {groups[entry.model]!r} and {entry.group!r}.")
        seeds = per_model.setdefault(entry.model, {})
        if entry.seed in seeds:
            raise ValueError(f"Model {entry.model!r} has two sets of predictions for seed {entry.seed}.")
        aligned = np.empty(len(positions), dtype=np.int64)
        aligned[positions] = entry.predictions
        seeds[entry.seed] = aligned
    if baseline is None:
        baselines = [model for model, group in groups.items() if group == "baseline"]
        if len(baselines) > 1:
            raise ValueError(f"Several baselines ({baselines}): name the one to compare with.")
        baseline = baselines[0] if baselines else None
    group_order = list(GROUPS)
    ordered = sorted(per_model, key=lambda model: group_order.index(groups[model]))
    return summarize_seeds(
        {model: per_model[model] for model in ordered},
        reference.labels,
        baseline=baseline,
        groups=groups,
        num_resamples=num_resamples,
        seed=seed,
        confidence=confidence,
    )


def _percent(mean: float, std: float, show_std: bool) -> str:
    return f"{100 * mean:.2f} ± {100 * std:.2f}" if show_std else f"{100 * mean:.2f}"


def _signed(value: float) -> str:
    return f"{100 * value:+.2f}"


def seed_results_markdown(
    summaries: list[SeedSummary], title: str = "Results", image_attention: dict[str, float] | None = None
) -> str:
    """
    The paper's Table 1 over several training seeds: per model, accuracy and macro-F1 as mean ± std (in %), the
    number of seeds, and the accuracy difference to the baseline in points with its paired-bootstrap confidence
    interval and one-sided p-value. When every model has one seed, the table has today's columns (no ±, no seed
    count) plus the interval and the p-value. `image_attention` (mean share by model name, for the teachers) adds
    the column of [`results_markdown`].
    """
    if not summaries:
        raise ValueError("No model to tabulate.")
    several = any(summary.num_seeds > 1 for summary in summaries)
    comparisons = [summary.comparison for summary in summaries if summary.comparison is not None]
    level = f"{100 * comparisons[0].confidence:g}%" if comparisons else "95%"
    image_attention = image_attention or {}
    header = ["Model", "Kind", "Accuracy (%)", "Macro-F1 (%)", *(["Seeds"] if several else []),
              f"Δ accuracy (pp) [{level} CI]", "p-value", *(["Image attention (%)"] if image_attention else [])]  # fmt: skip
    lines = [f"## {title}", "", "| " + " | ".join(header) + " |",
             "| --- | --- | " + " | ".join(["---:"] * (len(header) - 2)) + " |"]  # fmt: skip
    for summary in summaries:
        show_std = summary.num_seeds > 1
        cells = [
            summary.name,
            GROUPS.get(summary.group, summary.group or ""),
            _percent(summary.accuracy_mean, summary.accuracy_std, show_std),
            _percent(summary.f1_macro_mean, summary.f1_macro_std, show_std),
        ]
        if several:
            cells.append(str(summary.num_seeds))
        comparison = summary.comparison
        if comparison is None:
            cells += ["—", "—"]
        else:
            cells += [
                f"{_signed(comparison.difference)} [{_signed(comparison.ci_low)}, {_signed(comparison.ci_high)}]",
                f"{comparison.p_value:.4f}",
            ]
        if image_attention:
            share = image_attention.get(summary.name)
            cells.append("—" if share is None else f"{100 * share:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    examples = sorted({summary.num_examples for summary in summaries})
    notes = [f"Scored on {', '.join(map(str, examples))} examples; macro-F1 is the unweighted mean over classes."]
    if several:
        notes.append("Mean ± sample standard deviation over the training seeds.")
    if image_attention:
        notes.append("Image attention: the teachers' mean attention from the text CLS token to the image tokens in the "
                     "last fusion layer (over rows, heads and seeds).")  # fmt: skip
    if comparisons:
        baseline = next(summary.baseline for summary in summaries if summary.comparison is not None)
        notes.append(
            f"Δ: {'mean-over-seeds ' if several else ''}accuracy minus that of {baseline}, in points, with a {level} "
            f"paired-bootstrap confidence interval over the test examples ({comparisons[0].num_resamples:,} "
            "resamples); p-value: one-sided, for the model being more accurate than the baseline."
        )
    return "\n".join([*lines, "", " ".join(notes)]) + "\n"


def plot_seed_results(summaries: list[SeedSummary], path: str | os.PathLike, title: str = "Results") -> None:
    """
    A grouped bar chart of accuracy and macro-F1 means per model (in %), with error bars of one standard deviation
    over seeds for the models trained with several, written as a PNG.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.arange(len(summaries))
    width = 0.38
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(summaries) + 2), 4.5))
    for offset, key, label in ((-width / 2, "accuracy", "Accuracy"), (width / 2, "f1_macro", "Macro-F1")):
        means = [100 * getattr(summary, f"{key}_mean") for summary in summaries]
        errors = [100 * getattr(summary, f"{key}_std") if summary.num_seeds > 1 else 0.0 for summary in summaries]
        bars = ax.bar(x + offset, means, width, yerr=errors, capsize=3, label=label)
        ax.bar_label(bars, fmt="%.1f", fontsize=7, padding=2)
    ax.set_xticks(x, [f"{s.name}\n{GROUPS.get(s.group, s.group or '')}\n(n={s.num_seeds})" for s in summaries],
                  fontsize=7)  # fmt: skip
    ax.set_ylabel("% (mean ± std over seeds)")
    ax.set_ylim(0, 105)
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=120)
    plt.close(fig)


def write_seed_results(
    predictions: list[ExamplePredictions],
    output_dir: str | os.PathLike,
    *,
    title: str = "Results",
    metadata: dict | None = None,
    baseline: str | None = None,
    num_resamples: int = 10_000,
    seed: int = 0,
) -> dict[str, Path]:
    """
    Write `predictions.parquet` (every model's and seed's per-example predictions), `results.md` (the table of
    [`seed_results_markdown`]), `results.json` (`metadata` with its secrets redacted, the per-seed figures under
    `results` and the summary per model under `summary`) and `results.png` (means with error bars) to
    `output_dir`; returns their paths by kind. See [`summarize_predictions`] for `baseline`, `num_resamples` and
    `seed`.
    """
    summaries = summarize_predictions(predictions, baseline=baseline, num_resamples=num_resamples, seed=seed)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    paths = {kind: output_dir / name for kind, name in RESULTS_NAMES.items()}
    paths["predictions"] = write_predictions(predictions, output_dir / PREDICTIONS_NAME)
    per_seed = [
        {"group": summary.group, "name": summary.name, "seed": model_seed, "accuracy": accuracy,
         "f1_macro": f1_macro, "num_examples": summary.num_examples}
        for summary in summaries
        for model_seed, accuracy, f1_macro in zip(summary.seeds, summary.accuracy, summary.f1_macro)
    ]  # fmt: skip
    # `metadata` may carry a run's settings: no token reaches the file.
    payload = redact_secrets({**(metadata or {}), "title": title, "results": per_seed,
                              "summary": [summary.to_dict() for summary in summaries]})  # fmt: skip
    shares: dict[str, list[float]] = {}
    for entry in predictions:
        if entry.image_attention_share is not None:
            shares.setdefault(entry.model, []).append(entry.image_attention_share)
    image_attention = {model: float(np.mean(values)) for model, values in shares.items()}
    if image_attention:
        payload["image_attention_share"] = image_attention
    table = seed_results_markdown(summaries, title, image_attention)
    atomic_write(paths["markdown"], table)
    atomic_write(paths["json"], json.dumps(payload, indent=2) + "\n")
    with atomic_path(paths["chart"]) as tmp:
        plot_seed_results(summaries, tmp, title)
    return paths


__all__ = [
    "GROUPS",
    "PREDICTIONS_NAME",
    "EvaluateArguments",
    "ExamplePredictions",
    "ModelEvaluation",
    "evaluate_model",
    "plot_results",
    "plot_seed_results",
    "read_predictions",
    "results_markdown",
    "run_evaluation",
    "seed_results_markdown",
    "summarize_predictions",
    "write_predictions",
    "write_results",
    "write_seed_results",
]
