# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 6c, evaluate: accuracy and macro-F1 of every model side by side, as the paper's Table 1.

Rows come in the paper's order: the text-only baseline, the image-only encoders, the teachers (text + image)
and the LUGPI students (text only). [`write_results`] writes them as a markdown table, a JSON file and a bar
chart.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
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

from .data_collator import ImageClassificationCollator, LugpiDistillationCollator, LugpiTextImageCollator
from .dataset_io import check_label_names, config_label_names, label_names
from .metrics import compute_classification_metrics
from .prediction import predict


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
) -> ModelEvaluation:
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

    It runs through `Trainer.predict` with the training stages' collators. For a teacher it also measures the image
    attention share (see [`ModelEvaluation`]).
    """
    model, collator, columns = _load(group, model_name_or_path, text_column, image_column, max_length)
    for column in [*columns, label_column]:
        if column not in dataset.column_names:
            raise ValueError(
                f"{GROUPS[group]} model {model_name_or_path} reads the column {column!r}, which the dataset lacks "
                f"(columns: {dataset.column_names})."
            )
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
    return ModelEvaluation(
        group=group,
        name=name or Path(str(model_name_or_path)).name,
        model=str(model_name_or_path),
        accuracy=float(metrics["accuracy"]),
        f1_macro=float(metrics["f1_macro"]),
        num_examples=len(labels),
        image_attention_share=share,
        split=split,
    )


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


def _write_atomically(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


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
    _write_atomically(paths["markdown"], lambda tmp: Path(tmp).write_text(results_markdown(results, title)))
    _write_atomically(paths["json"], lambda tmp: Path(tmp).write_text(json.dumps(payload, indent=2) + "\n"))
    _write_atomically(paths["chart"], lambda tmp: plot_results(results, tmp, title))
    return paths


__all__ = ["GROUPS", "ModelEvaluation", "evaluate_model", "plot_results", "results_markdown", "write_results"]
