# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`LugpiDistillationArguments`: `TrainingArguments` plus the LUGPI distillation knobs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from transformers import TrainingArguments

from .losses import EMBEDDING_LOSSES, SOFT_LOSSES, validate_distillation_hyperparameters


@dataclass
class LugpiDistillationArguments(TrainingArguments):
    r"""
    Configuration of [`LugpiDistillationTrainer`]: every [`~transformers.TrainingArguments`] field, plus the ones
    below. Only the added fields are documented here.

    The student learns from `CE(y, s) + alpha * CE_T(t, s) + beta * L2_T(e_T, e_S)`. The teacher's signals come
    either from teacher caches (`teacher_cache`, written by `lugpi cache-teacher`: the teacher never runs while
    the student trains) or from a frozen teacher run online on its own text + image inputs
    (`teacher_model_name_or_path` with `teacher_cache=None`).

    Parameters:
        alpha (`float`, *optional*, defaults to `3.0`):
            Weight of the soft-label term (the paper's alpha); 0 switches it off.
        beta (`float`, *optional*, defaults to `1.0`):
            Weight of the embedding term (the paper's beta); 0 switches it off.
        temperature (`float`, *optional*, defaults to `8.0`):
            Softmax temperature tau of the soft-label term.
        soft_loss (`str`, *optional*, defaults to `"teacher_only"`):
            `"teacher_only"` (the paper's Eq. 2: only the teacher softened, `-sum softmax(z_T/tau) * log_softmax(z_S)`),
            `"ce"` (both softened, no tau^2) or `"ce_t2"` (both softened, times tau^2, Hinton). See
            [`~lugpi_hf.losses.lugpi_distillation_loss`].
        embedding_loss (`str`, *optional*, defaults to `"mse"`):
            `"mse"` (mean over batch and dimensions, `nn.MSELoss`) or `"sq_l2"` (squared L2 norm per sample,
            mean over the batch).
        teacher_model_name_or_path (`str`, *optional*):
            The trained LUGPI teacher (directory or Hub id). Without `teacher_cache` it runs online, frozen; with
            one cache it is only used to check that the cache was built from this teacher.
        teacher_cache (`list[str]`, *optional*):
            Directories written by `lugpi cache-teacher` over the training split. Several caches distil several
            teachers into one student (mean of their softened probabilities, one embedding term per teacher).

    Changed inherited default:
        ddp_find_unused_parameters (`bool`, *optional*, defaults to `False`, not `None`):
            The embedding projection (when the student and teacher widths differ) is used after the student's
            `forward`, which DDP's search for unused parameters would mark unused and then fail on ("marked as
            ready twice"). Students whose parameters all take part in the loss (DistilBERT, BERT, RoBERTa
            classifiers) need no search.

    `remove_unused_columns=True` (inherited) is honoured: the trainer keeps the columns its collator reads
    (`text`, `label`, the teacher columns, and `image` for an online teacher) on top of the student's `forward`
    arguments, and drops the rest.

    Example:

    ```python
    >>> from lugpi_hf.training_args import LugpiDistillationArguments

    >>> args = LugpiDistillationArguments(
    ...     output_dir="student", teacher_cache=["teacher-cache"], alpha=3.0, beta=1.0, temperature=8.0
    ... )
    ```
    """

    alpha: float = field(default=3.0, metadata={"help": "Weight of the soft-label term; 0 switches it off."})
    beta: float = field(default=1.0, metadata={"help": "Weight of the embedding term; 0 switches it off."})
    temperature: float = field(default=8.0, metadata={"help": "Softmax temperature of the soft-label term."})
    soft_loss: str = field(
        default="teacher_only",
        metadata={
            "help": "Soft-label term: 'teacher_only' (the paper's Eq. 2: only the teacher softened by tau), 'ce' "
            "(both softened, no tau^2) or 'ce_t2' (both softened, times tau^2).",
            "choices": list(SOFT_LOSSES),
        },
    )
    embedding_loss: str = field(
        default="mse",
        metadata={
            "help": "Embedding term: 'mse' (mean over batch and dimensions) or 'sq_l2' (squared L2 norm per "
            "sample, batch mean).",
            "choices": list(EMBEDDING_LOSSES),
        },
    )
    teacher_model_name_or_path: str | None = field(
        default=None,
        metadata={
            "help": "Trained LUGPI teacher. Runs online when no teacher_cache is given; with one cache, it is "
            "checked to be the teacher the cache was built from."
        },
    )
    teacher_cache: list[str] | None = field(
        default=None,
        metadata={"help": "Teacher cache directories (from `lugpi cache-teacher`); several = multi-teacher."},
    )

    ddp_find_unused_parameters: bool | None = field(
        default=False,
        metadata={
            "help": "DDP's find_unused_parameters. Defaults to False here: the embedding projection is used "
            "outside the student's forward, which the search cannot track."
        },
    )

    def __post_init__(self):
        super().__post_init__()
        if isinstance(self.teacher_cache, (str, os.PathLike)):
            self.teacher_cache = [self.teacher_cache]
        if self.teacher_cache is not None:
            self.teacher_cache = [str(path) for path in self.teacher_cache] or None
        validate_distillation_hyperparameters(
            self.alpha, self.beta, self.temperature, self.soft_loss, self.embedding_loss
        )


__all__ = ["LugpiDistillationArguments"]
