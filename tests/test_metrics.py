# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import numpy as np
import pytest
from transformers import EvalPrediction

from lugpi_hf.metrics import compute_classification_metrics, load_metric


def test_accuracy_and_macro_f1_against_hand_values():
    predictions, references = [0, 1, 1, 2], [0, 1, 0, 2]
    assert load_metric("accuracy").compute(predictions=predictions, references=references) == {"accuracy": 0.75}
    # per class F1: class 0 = 2*1/(1+2) = 2/3, class 1 = 2*1/(2+1) = 2/3, class 2 = 1 -> mean 7/9
    f1 = load_metric("f1").compute(predictions=predictions, references=references)["f1"]
    assert f1 == pytest.approx(7 / 9)


def test_compute_metrics_from_logits():
    logits = np.array([[2.0, 0.0], [0.0, 1.0], [3.0, 1.0], [0.0, 2.0]])
    metrics = compute_classification_metrics(EvalPrediction(predictions=logits, label_ids=np.array([0, 1, 1, 1])))
    assert metrics["accuracy"] == 0.75
    # class 0: 2*1/(2+1) = 2/3; class 1: 2*2/(2+3) = 4/5
    assert metrics["f1_macro"] == pytest.approx((2 / 3 + 4 / 5) / 2)


def test_unknown_metric_lists_the_shipped_ones():
    with pytest.raises(ValueError, match=r"ships \['accuracy', 'f1'\]"):
        load_metric("bleu")
