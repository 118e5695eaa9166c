# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Classification metrics through `evaluate`, from metric modules shipped in this package.

`evaluate.load("accuracy")` fetches its script from the Hub, which fails offline; these modules load
from the installed package instead, and give the same numbers.
"""

from __future__ import annotations

from pathlib import Path

import evaluate
import numpy as np


METRICS_DIR = Path(__file__).parent


def load_metric(name: str) -> evaluate.EvaluationModule:
    """`evaluate.load` of a metric shipped with lugpi_hf: `"accuracy"` or `"f1"` (macro)."""
    path = METRICS_DIR / name
    if not (path / f"{name}.py").is_file():
        shipped = sorted(p.name for p in METRICS_DIR.iterdir() if (p / f"{p.name}.py").is_file())
        raise ValueError(f"Unknown metric {name!r}; lugpi_hf ships {shipped}.")
    return evaluate.load(str(path))


def compute_classification_metrics(eval_pred) -> dict[str, float]:
    """`compute_metrics` for `transformers.Trainer`: accuracy and macro-F1 from logits and labels."""
    logits, labels = eval_pred.predictions, eval_pred.label_ids
    if isinstance(logits, tuple):
        logits = logits[0]
    predictions = np.asarray(logits).argmax(axis=-1)
    return {
        "accuracy": load_metric("accuracy").compute(predictions=predictions, references=labels)["accuracy"],
        "f1_macro": load_metric("f1").compute(predictions=predictions, references=labels, average="macro")["f1"],
    }


__all__ = ["compute_classification_metrics", "load_metric"]
