# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi_hf.statistics`: the paired bootstrap, mean ± std and the per-model summary, on hand-made arrays."""

import math
import tracemalloc
from fractions import Fraction

import numpy as np
import pytest

from lugpi_hf import statistics
from lugpi_hf.metrics import load_metric
from lugpi_hf.statistics import macro_f1, mean_std, paired_bootstrap, summarize_seeds


def _reference_bootstrap(correct_model, correct_baseline, num_resamples, seed):
    """One resample at a time, in exact fractions: the mean over seeds of each seed's accuracy on the resample."""
    rng = np.random.default_rng(seed)
    num_examples = correct_model.shape[1]
    differences = []
    for _ in range(num_resamples):
        indices = rng.integers(0, num_examples, size=num_examples)
        model = sum(Fraction(int(row[indices].sum()), num_examples) for row in correct_model) / len(correct_model)
        baseline = sum(Fraction(int(row[indices].sum()), num_examples) for row in correct_baseline) / len(
            correct_baseline
        )
        differences.append(model - baseline)
    return differences


def _unpaired_ci_width(correct_model, correct_baseline, num_resamples, seed):
    """The same statistic with the model's and the baseline's examples resampled independently (not paired)."""
    rng = np.random.default_rng(seed)
    num_examples = correct_model.shape[1]
    differences = [
        correct_model[:, rng.integers(0, num_examples, num_examples)].mean()
        - correct_baseline[:, rng.integers(0, num_examples, num_examples)].mean()
        for _ in range(num_resamples)
    ]
    low, high = np.quantile(differences, [0.025, 0.975])
    return high - low


def test_a_model_identical_to_the_baseline():
    rng = np.random.default_rng(0)
    correct = rng.random((3, 200)) < 0.8
    result = paired_bootstrap(correct, correct.copy(), num_resamples=500)
    assert result.difference == 0.0
    assert (result.ci_low, result.ci_high) == (0.0, 0.0)
    # Every resample has difference 0 (<= 0): p = (500 + 1) / (500 + 1).
    assert result.p_value == 1.0


def test_a_model_better_on_every_example():
    model = np.ones((2, 50), dtype=bool)
    baseline = np.zeros((3, 50), dtype=bool)
    result = paired_bootstrap(model, baseline, num_resamples=999)
    assert result.difference == 1.0
    assert (result.ci_low, result.ci_high) == (1.0, 1.0)
    assert result.p_value == pytest.approx(1 / 1000)


def test_a_worse_model_has_a_large_p_value_and_a_negative_interval():
    rng = np.random.default_rng(1)
    baseline = rng.random((2, 400)) < 0.9
    model = baseline & (rng.random((2, 400)) < 0.9)  # the baseline's errors and about 10% more
    result = paired_bootstrap(model, baseline, num_resamples=2000)
    assert result.difference < 0 and result.ci_high < 0
    assert result.p_value == 1.0


def test_the_interval_holds_the_observed_difference():
    rng = np.random.default_rng(2)
    for trial in range(5):
        model = rng.random((3, 300)) < 0.85
        baseline = rng.random((3, 300)) < 0.83
        result = paired_bootstrap(model, baseline, num_resamples=1000, seed=trial)
        assert result.difference == pytest.approx(model.mean() - baseline.mean())
        assert result.ci_low <= result.difference <= result.ci_high
        assert 0 < result.p_value <= 1
        narrower = paired_bootstrap(model, baseline, num_resamples=1000, seed=trial, confidence=0.5)
        assert result.ci_low <= narrower.ci_low <= narrower.ci_high <= result.ci_high


def test_the_same_seed_gives_the_same_result_and_chunks_do_not_change_it(monkeypatch):
    rng = np.random.default_rng(3)
    model, baseline = rng.random((2, 123)) < 0.7, rng.random((2, 123)) < 0.65
    first = paired_bootstrap(model, baseline, num_resamples=700, seed=5)
    assert paired_bootstrap(model, baseline, num_resamples=700, seed=5) == first
    assert paired_bootstrap(model, baseline, num_resamples=700, seed=6) != first
    # Chunks of 3 resamples (369 indices) give the very same resamples as the default single chunk.
    monkeypatch.setattr(statistics, "_CHUNK_ELEMENTS", 3 * 123 + 5)
    assert paired_bootstrap(model, baseline, num_resamples=700, seed=5) == first


def test_p_value_and_interval_match_a_reference_loop():
    rng = np.random.default_rng(4)
    model = rng.random((2, 9)) < 0.7
    baseline = rng.random((3, 9)) < 0.6
    result = paired_bootstrap(model, baseline, num_resamples=400, seed=11)
    differences = _reference_bootstrap(model, baseline, 400, seed=11)
    count = sum(difference <= 0 for difference in differences)
    assert 0 < count < 400  # the tiny case does straddle 0, so the count is not trivially all or nothing
    assert result.p_value == (count + 1) / 401
    low, high = np.quantile([float(difference) for difference in differences], [0.025, 0.975])
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high))
    assert result.difference == pytest.approx(float(Fraction(int(model.sum()), 18) - Fraction(int(baseline.sum()), 27)))


def test_pairing_narrows_the_interval_when_errors_are_shared():
    # Both models fail on the same hard examples; the model also gets 15 of them right. Paired, the hard examples
    # cancel out of the difference; resampled independently, they add their variance twice.
    rng = np.random.default_rng(5)
    baseline = np.repeat(rng.random((1, 500)) < 0.75, 2, axis=0)
    model = baseline.copy()
    fixed = rng.choice(np.flatnonzero(~baseline[0]), size=15, replace=False)
    model[:, fixed] = True
    paired = paired_bootstrap(model, baseline, num_resamples=1000, seed=0)
    paired_width = paired.ci_high - paired.ci_low
    unpaired_width = _unpaired_ci_width(model, baseline, 1000, seed=0)
    assert paired.difference == pytest.approx(15 / 500)
    assert paired_width < 0.5 * unpaired_width, (paired_width, unpaired_width)
    # The model never loses an example, so no resample can favour the baseline.
    assert paired.p_value == pytest.approx(1 / 1001)


def test_memory_stays_bounded_for_a_large_test_set():
    rng = np.random.default_rng(6)
    model, baseline = rng.random((3, 25_000)) < 0.93, rng.random((3, 25_000)) < 0.92
    tracemalloc.start()
    try:
        paired_bootstrap(model, baseline, num_resamples=2000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # All indices at once would be 2000 x 25,000 int64 = 400 MB (times 3 seeds if drawn per seed).
    assert peak < 100 * 2**20, peak


def test_bad_inputs_are_one_line_errors():
    with pytest.raises(ValueError, match="10 examples but correct_baseline has 9"):
        paired_bootstrap(np.ones((2, 10)), np.ones((2, 9)))
    with pytest.raises(ValueError, match="correctness"):
        paired_bootstrap(np.full((1, 4), 2), np.ones((1, 4)))
    with pytest.raises(ValueError, match="shape"):
        paired_bootstrap(np.ones((1, 2, 3)), np.ones((1, 2, 3)))
    with pytest.raises(ValueError, match="num_resamples"):
        paired_bootstrap(np.ones(4), np.ones(4), num_resamples=0)
    # A 1-D array is one seed.
    assert paired_bootstrap([1, 1, 0, 1], [1, 0, 0, 1], num_resamples=10).difference == pytest.approx(0.25)


def test_mean_std():
    assert mean_std([0.90, 0.92, 0.94]) == pytest.approx((0.92, 0.02))
    mean, std = mean_std([0.9])
    assert mean == 0.9 and math.isnan(std)
    with pytest.raises(ValueError):
        mean_std([])


@pytest.mark.parametrize("seed", range(4))
def test_macro_f1_matches_the_shipped_metric(seed):
    rng = np.random.default_rng(seed)
    references = rng.integers(0, 4, 60)
    predictions = np.where(rng.random(60) < 0.6, references, rng.integers(0, 5, 60))  # class 4 never a label
    expected = load_metric("f1").compute(predictions=predictions, references=references, average="macro")["f1"]
    assert macro_f1(predictions, references) == pytest.approx(expected)


def test_summarize_seeds():
    labels = [0, 1, 1, 0, 1, 0, 1, 1]
    baseline = {0: [0, 1, 0, 0, 1, 1, 1, 0], 1: [0, 1, 1, 1, 1, 0, 0, 0]}  # 5/8 and 5/8 right
    student = {0: [0, 1, 1, 0, 1, 1, 1, 0], 1: [0, 1, 1, 0, 1, 0, 1, 0]}  # 6/8 and 7/8 right
    teacher = {3: labels}
    summaries = summarize_seeds(
        {"baseline": baseline, "student": student, "teacher": teacher},
        labels,
        baseline="baseline",
        groups={"baseline": "baseline", "student": "student", "teacher": "teacher"},
        num_resamples=500,
    )
    by_name = {summary.name: summary for summary in summaries}
    assert [summary.name for summary in summaries] == ["baseline", "student", "teacher"]
    student_summary = by_name["student"]
    assert student_summary.accuracy == [0.75, 0.875] and student_summary.seeds == [0, 1]
    assert (student_summary.accuracy_mean, student_summary.accuracy_std) == pytest.approx((0.8125, 0.0883883476))
    assert student_summary.f1_macro == pytest.approx([macro_f1(student[s], labels) for s in (0, 1)])
    assert student_summary.num_seeds == 2 and student_summary.group == "student"
    assert student_summary.comparison.difference == pytest.approx(0.8125 - 0.625)
    assert student_summary.comparison == paired_bootstrap(
        np.array([student[0], student[1]]) == labels, np.array([baseline[0], baseline[1]]) == labels,
        num_resamples=500,
    )
    assert by_name["baseline"].comparison is None and by_name["baseline"].baseline is None
    teacher_dict = by_name["teacher"].to_dict()
    assert teacher_dict["accuracy_mean"] == 1.0 and teacher_dict["accuracy_std"] is None
    assert teacher_dict["comparison"]["accuracy_difference"] == pytest.approx(0.375)
    assert teacher_dict["num_seeds"] == 1 and teacher_dict["baseline"] == "baseline"
    with pytest.raises(ValueError, match="seed 1: 3 predictions for 8 labels"):
        summarize_seeds({"b": {1: [0, 1, 1]}}, labels)
    with pytest.raises(ValueError, match="baseline 'x' is not among"):
        summarize_seeds({"b": baseline}, labels, baseline="x")
