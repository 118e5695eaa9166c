# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Results over several training seeds: mean ± std, and a paired bootstrap against the baseline.

The paper's gain over the baseline is about one point of accuracy, the same order as the spread between two
training seeds of one model. [`paired_bootstrap`] says how sure one can be that a model beats the baseline on
the test set: it resamples the test examples (the same ones for both models and every seed) and reports the
difference of mean-over-seeds accuracies with a percentile confidence interval and a one-sided p-value.
[`summarize_seeds`] puts this together with accuracy and macro-F1 mean ± std per model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np


# Resample indices drawn per chunk (resamples x examples): about 32 MB of int64, whatever the test set's size.
_CHUNK_ELEMENTS = 1 << 22


@dataclass(frozen=True)
class PairedBootstrapResult:
    r"""
    A model's accuracy difference to the baseline, with its paired-bootstrap confidence interval and p-value.

    Args:
        difference (`float`):
            Mean-over-seeds accuracy of the model minus that of the baseline, on the test set as it is (a fraction:
            0.01 is one point).
        ci_low (`float`):
            Lower end of the percentile confidence interval of `difference`.
        ci_high (`float`):
            Upper end of the percentile confidence interval of `difference`.
        p_value (`float`):
            One-sided p-value for "model > baseline": `(count + 1) / (num_resamples + 1)`, where `count` is the
            number of resamples whose difference is `<= 0`. Its smallest possible value is `1 / (num_resamples + 1)`.
        num_resamples (`int`):
            Number of bootstrap resamples.
        confidence (`float`):
            Level of the confidence interval (0.95 for a 95% interval).
    """

    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    num_resamples: int
    confidence: float


def _correctness(values, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (num_seeds, num_examples), got shape {array.shape}.")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}): give at least one seed and one example.")
    if array.dtype != bool:
        if not np.isin(array, (0, 1)).all():
            raise ValueError(f"{name} must hold per-example correctness (booleans or 0/1), got other values.")
        array = array.astype(bool)
    return array


def paired_bootstrap(
    correct_model,
    correct_baseline,
    *,
    num_resamples: int = 10_000,
    seed: int = 0,
    confidence: float = 0.95,
) -> PairedBootstrapResult:
    r"""
    Paired bootstrap over test examples of the difference in mean-over-seeds accuracy, model minus baseline.

    Each resample draws `num_examples` test examples with replacement; the same draw is used for the model, the
    baseline and every seed of both (which is what makes it paired: an example that is hard for both moves both
    accuracies together and cancels out of the difference). The difference of mean-over-seeds accuracies is
    computed on each resample; its percentiles give the confidence interval, and the share of resamples where
    the model does not beat the baseline gives the p-value.

    The resamples are drawn in chunks, so memory stays bounded (about 32 MB of indices) whatever `num_resamples`
    and the test set's size; the seeds never multiply it, since the per-example correctness is averaged over
    seeds first (the mean over seeds of an accuracy on a resample is the mean over the resample of the
    per-example mean over seeds).

    Args:
        correct_model (array-like of shape `(num_seeds, num_examples)`):
            Per-example correctness (booleans or 0/1) of the model, one row per training seed. A 1-D array is one
            seed.
        correct_baseline (array-like of shape `(num_seeds, num_examples)`):
            The same for the baseline, on the same test examples in the same order. Its number of seeds may
            differ from the model's.
        num_resamples (`int`, *optional*, defaults to 10000):
            Number of bootstrap resamples.
        seed (`int`, *optional*, defaults to 0):
            Seed of the resampling; the same seed gives the same interval and p-value.
        confidence (`float`, *optional*, defaults to 0.95):
            Level of the percentile confidence interval.

    Returns:
        [`PairedBootstrapResult`]: the observed difference, the interval and the one-sided p-value.

    Example:

    ```python
    >>> import numpy as np
    >>> from lugpi_hf.statistics import paired_bootstrap

    >>> labels = np.array([0, 1, 1, 0, 1])
    >>> student = np.array([[0, 1, 1, 0, 0], [0, 1, 1, 0, 1]])  # predictions of two seeds
    >>> baseline = np.array([[0, 1, 0, 0, 0], [1, 1, 1, 0, 0]])
    >>> result = paired_bootstrap(student == labels, baseline == labels, num_resamples=1000)
    >>> round(result.difference, 2)
    0.3
    ```
    """
    model = _correctness(correct_model, "correct_model")
    baseline = _correctness(correct_baseline, "correct_baseline")
    if model.shape[1] != baseline.shape[1]:
        raise ValueError(
            f"correct_model has {model.shape[1]} examples but correct_baseline has {baseline.shape[1]}: both must "
            "be scored on the same test examples."
        )
    if num_resamples < 1:
        raise ValueError(f"num_resamples must be >= 1, got {num_resamples}.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}.")

    model_seeds, num_examples = model.shape
    baseline_seeds = baseline.shape[0]
    # Per-example difference of mean-over-seeds correctness, scaled to integers (times both seed counts) so that
    # the sums below are exact and "difference <= 0" has no rounding error.
    scaled = model.sum(0, dtype=np.int64) * baseline_seeds - baseline.sum(0, dtype=np.int64) * model_seeds
    scale = num_examples * model_seeds * baseline_seeds

    rng = np.random.default_rng(seed)
    chunk = max(1, _CHUNK_ELEMENTS // num_examples)
    sums = np.empty(num_resamples, dtype=np.int64)
    for start in range(0, num_resamples, chunk):
        stop = min(start + chunk, num_resamples)
        indices = rng.integers(0, num_examples, size=(stop - start, num_examples))
        sums[start:stop] = scaled[indices].sum(1)

    differences = sums / scale
    tail = (1 - confidence) / 2
    ci_low, ci_high = np.quantile(differences, [tail, 1 - tail])
    p_value = (np.count_nonzero(sums <= 0) + 1) / (num_resamples + 1)
    return PairedBootstrapResult(
        difference=float(scaled.sum() / scale),
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        p_value=float(p_value),
        num_resamples=num_resamples,
        confidence=confidence,
    )


def mean_std(values) -> tuple[float, float]:
    """
    The mean and the sample standard deviation (`ddof=1`) of per-seed figures.

    With one value the sample standard deviation is undefined: it is returned as `nan` (not 0, which would claim
    that the seeds agree). [`seed_results_markdown`](lugpi_hf.evaluation) shows no ± for one seed.
    """
    array = np.asarray(values, dtype=np.float64).ravel()
    if array.size == 0:
        raise ValueError("mean_std needs at least one value.")
    std = float(array.std(ddof=1)) if array.size > 1 else math.nan
    return float(array.mean()), std


def macro_f1(predictions, references) -> float:
    """
    Macro-averaged F1, as lugpi_hf's `f1` metric computes it: the mean over the classes present in the predictions
    or the references of `2 TP / (predicted + actual)`.
    """
    predictions = np.asarray(predictions)
    references = np.asarray(references)
    classes = np.union1d(predictions, references)
    if classes.size == 0:
        return 0.0
    scores = []
    for label in classes:
        predicted = predictions == label
        actual = references == label
        scores.append(2 * np.count_nonzero(predicted & actual) / (np.count_nonzero(predicted) + np.count_nonzero(actual)))
    return float(np.mean(scores))


@dataclass
class SeedSummary:
    r"""
    One model's figures over its training seeds, and its comparison with the baseline.

    Args:
        name (`str`):
            The model's name.
        seeds (`list[int]`):
            The training seeds, in the order of the per-seed lists.
        accuracy (`list[float]`):
            Accuracy of each seed (fractions in [0, 1]).
        f1_macro (`list[float]`):
            Macro-F1 of each seed.
        accuracy_mean, accuracy_std, f1_macro_mean, f1_macro_std (`float`):
            Mean and sample standard deviation over seeds (std `nan` with one seed, see [`mean_std`]).
        num_examples (`int`):
            Number of test examples.
        group (`str`, *optional*):
            The kind of model (`"baseline"`, `"image_only"`, `"teacher"`, `"student"`), for tables.
        baseline (`str`, *optional*):
            The model compared with; `None` for the baseline itself or when there is none.
        comparison ([`PairedBootstrapResult`], *optional*):
            The accuracy difference to the baseline with its confidence interval and p-value.
    """

    name: str
    seeds: list[int]
    accuracy: list[float]
    f1_macro: list[float]
    accuracy_mean: float
    accuracy_std: float
    f1_macro_mean: float
    f1_macro_std: float
    num_examples: int
    group: str | None = None
    baseline: str | None = None
    comparison: PairedBootstrapResult | None = field(default=None)

    @property
    def num_seeds(self) -> int:
        return len(self.seeds)

    def to_dict(self) -> dict:
        """A JSON-ready dict: every field, `num_seeds`, and `None` for an undefined (`nan`) std."""
        payload = {
            "name": self.name,
            "group": self.group,
            "num_seeds": self.num_seeds,
            "seeds": list(self.seeds),
            "num_examples": self.num_examples,
            "accuracy": list(self.accuracy),
            "f1_macro": list(self.f1_macro),
            "accuracy_mean": self.accuracy_mean,
            "accuracy_std": None if math.isnan(self.accuracy_std) else self.accuracy_std,
            "f1_macro_mean": self.f1_macro_mean,
            "f1_macro_std": None if math.isnan(self.f1_macro_std) else self.f1_macro_std,
            "baseline": self.baseline,
            "comparison": None,
        }
        if self.comparison is not None:
            payload["comparison"] = {
                "accuracy_difference": self.comparison.difference,
                "ci_low": self.comparison.ci_low,
                "ci_high": self.comparison.ci_high,
                "p_value": self.comparison.p_value,
                "num_resamples": self.comparison.num_resamples,
                "confidence": self.comparison.confidence,
                "test": "paired bootstrap over test examples, one-sided (model > baseline)",
            }
        return payload


def summarize_seeds(
    predictions: Mapping[str, Mapping[int, Sequence[int]]],
    labels: Sequence[int],
    *,
    baseline: str | None = None,
    groups: Mapping[str, str] | None = None,
    num_resamples: int = 10_000,
    seed: int = 0,
    confidence: float = 0.95,
) -> list[SeedSummary]:
    r"""
    Accuracy and macro-F1 mean ± std per model over its training seeds, and each model's paired bootstrap against
    the baseline.

    Args:
        predictions (`Mapping[str, Mapping[int, Sequence[int]]]`):
            Per model name, per training seed, the predicted class of every test example (in the order of
            `labels`).
        labels (`Sequence[int]`):
            The test examples' classes.
        baseline (`str`, *optional*):
            The model every other one is compared with ([`paired_bootstrap`] of accuracy, model minus baseline).
            Without one, no comparison is made.
        groups (`Mapping[str, str]`, *optional*):
            The kind of each model, copied to [`SeedSummary.group`].
        num_resamples (`int`, *optional*, defaults to 10000):
            Bootstrap resamples of each comparison.
        seed (`int`, *optional*, defaults to 0):
            Seed of the resampling (the same for every model, so that they are compared on the same resamples).
        confidence (`float`, *optional*, defaults to 0.95):
            Level of the confidence intervals.

    Returns:
        `list[SeedSummary]`: one per model, in the order of `predictions`.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D sequence of classes, got shape {labels.shape}.")
    if baseline is not None and baseline not in predictions:
        raise ValueError(f"The baseline {baseline!r} is not among the models {list(predictions)}.")
    correct: dict[str, np.ndarray] = {}
    summaries = []
    for name, per_seed in predictions.items():
        if not per_seed:
            raise ValueError(f"Model {name!r} has no seed's predictions.")
        seeds = list(per_seed)
        rows = []
        for model_seed in seeds:
            row = np.asarray(per_seed[model_seed])
            if row.shape != labels.shape:
                raise ValueError(
                    f"Model {name!r}, seed {model_seed}: {row.shape[0] if row.ndim == 1 else row.shape} predictions "
                    f"for {labels.size} labels."
                )
            rows.append(row)
        correct[name] = np.stack(rows) == labels
        accuracy = [float(row.mean()) for row in correct[name]]
        f1_macro = [macro_f1(row, labels) for row in rows]
        accuracy_mean, accuracy_std = mean_std(accuracy)
        f1_macro_mean, f1_macro_std = mean_std(f1_macro)
        summaries.append(
            SeedSummary(
                name=name,
                seeds=seeds,
                accuracy=accuracy,
                f1_macro=f1_macro,
                accuracy_mean=accuracy_mean,
                accuracy_std=accuracy_std,
                f1_macro_mean=f1_macro_mean,
                f1_macro_std=f1_macro_std,
                num_examples=int(labels.size),
                group=(groups or {}).get(name),
            )
        )
    if baseline is not None:
        for summary in summaries:
            if summary.name == baseline:
                continue
            summary.baseline = baseline
            summary.comparison = paired_bootstrap(
                correct[summary.name],
                correct[baseline],
                num_resamples=num_resamples,
                seed=seed,
                confidence=confidence,
            )
    return summaries


__all__ = ["PairedBootstrapResult", "SeedSummary", "macro_f1", "mean_std", "paired_bootstrap", "summarize_seeds"]
