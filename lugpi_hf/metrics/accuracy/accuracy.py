# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Accuracy, as an `evaluate` module shipped with lugpi_hf so that it loads offline."""

import datasets
import evaluate
import numpy as np


_DESCRIPTION = "Accuracy: the fraction of predictions equal to the references."


class Accuracy(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description="predictions and references: lists of class indices",
            features=datasets.Features(
                {"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}
            ),
        )

    def _compute(self, predictions, references):
        predictions = np.asarray(predictions)
        references = np.asarray(references)
        return {"accuracy": float((predictions == references).mean()) if len(references) else 0.0}
