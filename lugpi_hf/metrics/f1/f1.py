# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Macro-averaged F1, as an `evaluate` module shipped with lugpi_hf so that it loads offline.

Classes absent from both predictions and references are left out of the mean, as scikit-learn does
with the labels it infers.
"""

import datasets
import evaluate
import numpy as np


_DESCRIPTION = "F1: the harmonic mean of precision and recall, averaged over classes (macro) by default."


class F1(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description="predictions and references: lists of class indices; average: 'macro' or 'micro'",
            features=datasets.Features(
                {"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}
            ),
        )

    def _compute(self, predictions, references, average="macro"):
        predictions = np.asarray(predictions)
        references = np.asarray(references)
        if average == "micro":
            return {"f1": float((predictions == references).mean()) if len(references) else 0.0}
        if average != "macro":
            raise ValueError(f"f1: average must be 'macro' or 'micro', got {average!r}.")
        scores = []
        for label in np.union1d(predictions, references):
            true_positive = np.sum((predictions == label) & (references == label))
            predicted = np.sum(predictions == label)
            actual = np.sum(references == label)
            scores.append(2 * true_positive / (predicted + actual) if predicted + actual else 0.0)
        return {"f1": float(np.mean(scores)) if scores else 0.0}
