# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Per-example predictions (`predictions.parquet`) and the results table over several training seeds."""

import json
import os
from unittest import mock

import matplotlib.axes
import numpy as np
import pyarrow.parquet as pq
import pytest
import torch

from lugpi_hf.evaluation import (
    ExamplePredictions,
    evaluate_model,
    plot_seed_results,
    read_predictions,
    seed_results_markdown,
    summarize_predictions,
    write_predictions,
    write_seed_results,
)
from lugpi_hf.statistics import paired_bootstrap
from lugpi_hf.testing import get_tiny_student, get_tiny_tokenizer, make_toy_text_image_dataset


NAMES = ["positive", "negative"]
LABELS = np.array([0, 1, 1, 0, 1, 0, 1, 1, 0, 0])
IDS = [f"toy-{index:05d}" for index in range(10)]


def _one_hot(predictions):
    """Logits whose argmax is `predictions`."""
    return np.eye(2, dtype=np.float32)[np.asarray(predictions)] * 2.0 - 1.0


def _entry(model, group, seed, predictions):
    return ExamplePredictions(model=model, group=group, ids=list(IDS), labels=LABELS, logits=_one_hot(predictions),
                              seed=seed)  # fmt: skip


def _flip(indices):
    predictions = LABELS.copy()
    predictions[list(indices)] = 1 - predictions[list(indices)]
    return predictions


# Baseline: 7/10 and 8/10 right; student: 9/10 and 9/10 right; teacher (one seed): all right.
ENTRIES = [
    _entry("DistilBERT", "baseline", 0, _flip([1, 4, 7])),
    _entry("DistilBERT", "baseline", 1, _flip([2, 4])),
    _entry("KD", "student", 0, _flip([4])),
    _entry("KD", "student", 1, _flip([9])),
    _entry("DistilBERT+ViT", "teacher", 0, LABELS),
]


def test_evaluate_model_returns_the_per_example_logits(tmp_path):
    test = make_toy_text_image_dataset(10, seed=2)
    get_tiny_student(label_names=NAMES, seed=1).save_pretrained(tmp_path / "student")
    get_tiny_tokenizer().save_pretrained(tmp_path / "student")
    evaluation, predictions = evaluate_model("student", str(tmp_path / "student"), test, batch_size=3,
                                             return_predictions=True)  # fmt: skip
    assert evaluation == evaluate_model("student", str(tmp_path / "student"), test, batch_size=4)
    model = get_tiny_student(label_names=NAMES, seed=1).eval()
    with torch.no_grad():
        logits = model(**get_tiny_tokenizer()(list(test["text"]), padding=True, return_tensors="pt")).logits
    np.testing.assert_allclose(predictions.logits, logits.numpy(), atol=1e-5)
    assert predictions.ids == list(test["id"]) and predictions.labels.tolist() == list(test["label"])
    assert (predictions.model, predictions.group, predictions.seed) == ("student", "student", None)
    assert evaluation.accuracy == pytest.approx(float((predictions.predictions == predictions.labels).mean()))


def test_predictions_parquet_round_trip(tmp_path):
    path = write_predictions(ENTRIES, tmp_path / "run" / "predictions.parquet")
    assert sorted(os.listdir(tmp_path / "run")) == ["predictions.parquet"]  # no temporary file left
    table = pq.read_table(path)
    assert table.column_names == ["model", "group", "seed", "id", "label", "prediction", "logits"]
    assert table.num_rows == 50
    rows = table.to_pylist()
    assert rows[10] == {"model": "DistilBERT", "group": "baseline", "seed": 1, "id": "toy-00000",
                        "label": 0, "prediction": 0, "logits": [1.0, -1.0]}  # fmt: skip
    back = read_predictions(path)
    assert [(entry.model, entry.group, entry.seed) for entry in back] == [
        (entry.model, entry.group, entry.seed) for entry in ENTRIES
    ]
    for entry, original in zip(back, ENTRIES):
        assert entry.ids == original.ids
        np.testing.assert_array_equal(entry.labels, original.labels)
        np.testing.assert_array_equal(entry.logits, original.logits)
    # One seed-less evaluation (seed None) is stored as a null seed.
    single = write_predictions([_entry("b", "baseline", None, LABELS)], tmp_path / "single.parquet")
    assert read_predictions(single)[0].seed is None
    bad = ExamplePredictions("b", "baseline", IDS[:3], LABELS, _one_hot(LABELS))
    with pytest.raises(ValueError, match="3 ids, 10 labels and 10 rows of logits"):
        write_predictions([bad], tmp_path / "bad.parquet")
    assert not (tmp_path / "bad.parquet").exists()


def test_summarize_predictions_aligns_by_id_and_compares_with_the_baseline():
    shuffled = np.random.default_rng(0).permutation(10)
    student_seed_1 = ENTRIES[3]
    reordered = ExamplePredictions("KD", "student", [IDS[i] for i in shuffled], LABELS[shuffled],
                                   student_seed_1.logits[shuffled], seed=1)  # fmt: skip
    entries = [ENTRIES[2], reordered, ENTRIES[4], ENTRIES[0], ENTRIES[1]]
    summaries = summarize_predictions(entries, num_resamples=500)
    assert [summary.name for summary in summaries] == ["DistilBERT", "DistilBERT+ViT", "KD"]  # the paper's order
    baseline, teacher, student = summaries
    assert baseline.accuracy == [0.7, 0.8] and baseline.comparison is None
    assert student.accuracy == [0.9, 0.9] and student.seeds == [0, 1]
    assert student.baseline == "DistilBERT"
    correct = lambda indices: np.stack([ENTRIES[i].predictions == LABELS for i in indices])  # noqa: E731
    assert student.comparison == paired_bootstrap(correct([2, 3]), correct([0, 1]), num_resamples=500)
    assert teacher.comparison.difference == pytest.approx(1.0 - 0.75)

    with pytest.raises(ValueError, match="other examples"):
        summarize_predictions([ENTRIES[0], ExamplePredictions("x", "student", IDS[:5], LABELS[:5], _one_hot(LABELS[:5]))])
    with pytest.raises(ValueError, match="two sets of predictions for seed 0"):
        summarize_predictions([ENTRIES[0], ENTRIES[0]])
    with pytest.raises(ValueError, match="Several baselines"):
        summarize_predictions([ENTRIES[0], _entry("BERT", "baseline", 0, LABELS)])


def test_table_with_seeds():
    table = seed_results_markdown(summarize_predictions(ENTRIES, num_resamples=1000), "toy (test)")
    lines = table.splitlines()
    assert lines[0] == "## toy (test)"
    assert lines[2] == "| Model | Kind | Accuracy (%) | Macro-F1 (%) | Seeds | Δ accuracy (pp) [95% CI] | p-value |"
    assert lines[4].startswith("| DistilBERT | Baseline (text) | 75.00 ± 7.07 | ")
    assert lines[4].endswith(" | 2 | — | — |")
    teacher = lines[5].split(" | ")
    assert teacher[:5] == ["| DistilBERT+ViT", "Teacher (text + image)", "100.00", "100.00", "1"]
    assert teacher[5].startswith("+25.00 [")
    student = lines[6].split(" | ")
    assert student[:3] == ["| KD", "LUGPI student (text)", "90.00 ± 0.00"]
    assert student[5].startswith("+15.00 [")
    assert 0 < float(student[6].rstrip(" |")) < 1
    assert "Mean ± sample standard deviation over the training seeds." in table
    assert "paired-bootstrap confidence interval over the test examples (1,000 resamples)" in table


def test_table_with_one_seed_keeps_todays_columns():
    entries = [ENTRIES[0], ENTRIES[2]]
    lines = seed_results_markdown(summarize_predictions(entries, num_resamples=1000)).splitlines()
    assert lines[2] == "| Model | Kind | Accuracy (%) | Macro-F1 (%) | Δ accuracy (pp) [95% CI] | p-value |"
    assert lines[4].startswith("| DistilBERT | Baseline (text) | 70.00 | ")
    assert lines[5].startswith("| KD | LUGPI student (text) | 90.00 | ") and "| +20.00 [" in lines[5]
    assert "±" not in "\n".join(lines)


def test_chart_has_error_bars_for_models_with_several_seeds(tmp_path):
    summaries = summarize_predictions(ENTRIES, num_resamples=100)
    original = matplotlib.axes.Axes.bar
    with mock.patch.object(matplotlib.axes.Axes, "bar", autospec=True, side_effect=original) as bar:
        plot_seed_results(summaries, tmp_path / "chart.png")
    accuracy_errors = bar.call_args_list[0].kwargs["yerr"]
    assert accuracy_errors == pytest.approx([100 * summaries[0].accuracy_std, 0.0, 0.0])
    assert accuracy_errors[0] > 0
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_write_seed_results(tmp_path):
    metadata = {"split": "test", "config": {"training": {"hub_token": "hf_SECRET123"}}}
    paths = write_seed_results(ENTRIES, tmp_path / "out", title="toy", metadata=metadata, num_resamples=200)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "predictions.parquet", "results.json", "results.md", "results.png"
    ]
    payload = json.loads(paths["json"].read_text())
    assert payload["split"] == "test" and payload["title"] == "toy"
    assert payload["config"]["training"]["hub_token"] == "<redacted>" and "hf_SECRET123" not in paths["json"].read_text()
    assert [(row["name"], row["seed"], row["accuracy"]) for row in payload["results"]] == [
        ("DistilBERT", 0, 0.7), ("DistilBERT", 1, 0.8), ("DistilBERT+ViT", 0, 1.0), ("KD", 0, 0.9), ("KD", 1, 0.9)
    ]
    summary = {entry["name"]: entry for entry in payload["summary"]}
    assert summary["KD"]["comparison"]["num_resamples"] == 200
    assert summary["DistilBERT+ViT"]["accuracy_std"] is None  # one seed: undefined, not NaN in the JSON
    assert paths["markdown"].read_text().startswith("## toy\n")
    assert len(read_predictions(paths["predictions"])) == 5
