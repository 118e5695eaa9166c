# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The LUGPI two-level distillation loss, a pure function of logits, labels and embeddings.

    L_KD = CE(y, s) + alpha * CE_T(t, s) + beta * L2_T(e_T, e_S)

(Menadil, Georgescu and Ionescu, ICPR 2024, Eq. 1-3). The trainer (`lugpi_hf.trainer`) only gathers the
tensors; everything the paper leaves open is decided here, once, and tested against hand-computed values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import torch
import torch.nn.functional as F


SOFT_LOSSES = ("ce", "ce_t2", "teacher_only")
EMBEDDING_LOSSES = ("mse", "sq_l2")


class LugpiDistillationLossOutput(NamedTuple):
    """
    The total distillation loss and its three parts, unweighted, so that each can be logged on its own.

    Args:
        loss (`torch.Tensor`):
            `hard + alpha * soft + beta * embedding`, a scalar to back-propagate.
        hard (`torch.Tensor`):
            Cross-entropy of the student's logits with the labels, mean over the batch.
        soft (`torch.Tensor`):
            Cross-entropy of the student with the teacher's softened probabilities, mean over the batch
            (0 when `alpha == 0`).
        embedding (`torch.Tensor`):
            Distance between the student and teacher embeddings (0 when `beta == 0`).
    """

    loss: torch.Tensor
    hard: torch.Tensor
    soft: torch.Tensor
    embedding: torch.Tensor


def validate_distillation_hyperparameters(
    alpha: float, beta: float, temperature: float, soft_loss: str, embedding_loss: str
) -> None:
    """Raise a one-line `ValueError` naming the first out-of-range hyper-parameter."""
    if alpha < 0:
        raise ValueError(f"alpha (weight of the soft-label term) must be >= 0, got {alpha}.")
    if beta < 0:
        raise ValueError(f"beta (weight of the embedding term) must be >= 0, got {beta}.")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}.")
    if soft_loss not in SOFT_LOSSES:
        raise ValueError(f"soft_loss must be one of {SOFT_LOSSES}, got {soft_loss!r}.")
    if embedding_loss not in EMBEDDING_LOSSES:
        raise ValueError(f"embedding_loss must be one of {EMBEDDING_LOSSES}, got {embedding_loss!r}.")


def _as_list(value: torch.Tensor | Sequence[torch.Tensor] | None) -> list[torch.Tensor]:
    if value is None:
        return []
    if isinstance(value, torch.Tensor):
        return [value]
    return list(value)


def lugpi_distillation_loss(
    student_logits: torch.Tensor,
    labels: torch.Tensor,
    teacher_logits: torch.Tensor | Sequence[torch.Tensor] | None = None,
    student_embedding: torch.Tensor | Sequence[torch.Tensor] | None = None,
    teacher_embedding: torch.Tensor | Sequence[torch.Tensor] | None = None,
    *,
    alpha: float = 3.0,
    beta: float = 1.0,
    temperature: float = 8.0,
    soft_loss: str = "teacher_only",
    embedding_loss: str = "mse",
) -> LugpiDistillationLossOutput:
    r"""
    `CE(y, s) + alpha * CE_T(t, s) + beta * L2_T(e_T, e_S)`, the LUGPI distillation loss.

    Args:
        student_logits (`torch.Tensor` of shape `(batch_size, num_labels)`):
            The student's logits z_S.
        labels (`torch.LongTensor` of shape `(batch_size,)`):
            Class indices; `-100` rows are ignored by the hard term, as in `nn.CrossEntropyLoss`.
        teacher_logits (`torch.Tensor` or a sequence of them, *optional*):
            The teacher's logits z_T, `(batch_size, num_labels)`. With several teachers, the soft target is
            the mean of their softened probabilities. Only needed when `alpha > 0`.
        student_embedding (`torch.Tensor` or a sequence of them, *optional*):
            The student's embedding e_S (the input of its classification layer), already projected to the
            teacher's width where the widths differ. With several teachers, one per teacher (each projected
            to that teacher's width), or a single one shared by all. Only needed when `beta > 0`.
        teacher_embedding (`torch.Tensor` or a sequence of them, *optional*):
            The teacher's embedding e_T (the input of its last linear layer), one per teacher. Only needed
            when `beta > 0`.
        alpha (`float`, *optional*, defaults to 3.0):
            Weight of the soft-label term; 0 switches it off.
        beta (`float`, *optional*, defaults to 1.0):
            Weight of the embedding term; 0 switches it off.
        temperature (`float`, *optional*, defaults to 8.0):
            The softmax temperature tau of the soft-label term.
        soft_loss (`str`, *optional*, defaults to `"teacher_only"`):
            `"teacher_only"`: only the teacher is softened, `-sum softmax(z_T / tau) * log_softmax(z_S)`, mean over
            the batch. This is the paper's Eq. 2 read literally: it uses the same student probabilities s_ij in the
            hard and the soft term, and the text softens only the teacher's output, following Ba & Caruana and
            Lopez-Paz et al., whose generalized distillation softens the teacher alone. `"ce"`: both softened,
            `-sum softmax(z_T / tau) * log_softmax(z_S / tau)`, not scaled by tau^2 (Hinton et al.'s form without
            the tau^2). `"ce_t2"`: the same times tau^2 (Hinton et al.).
        embedding_loss (`str`, *optional*, defaults to `"mse"`):
            `"mse"`: mean squared error over the batch and the dimensions (`nn.MSELoss`, as the paper's text
            says). `"sq_l2"`: the squared L2 norm of `e_S - e_T` per sample, mean over the batch. With several
            teachers, the mean of the per-teacher terms.

    Returns:
        [`LugpiDistillationLossOutput`]: the total and its unweighted parts `hard`, `soft`, `embedding`.

    Example:

    ```python
    >>> import torch
    >>> from lugpi_hf.losses import lugpi_distillation_loss

    >>> out = lugpi_distillation_loss(
    ...     torch.randn(4, 2), torch.tensor([0, 1, 1, 0]), torch.randn(4, 2), torch.randn(4, 8), torch.randn(4, 8)
    ... )
    >>> out.loss, out.hard, out.soft, out.embedding  # doctest: +SKIP
    ```
    """
    validate_distillation_hyperparameters(alpha, beta, temperature, soft_loss, embedding_loss)
    # Softmaxes in float32: under bf16/fp16 autocast the logits may come in half precision.
    student_logits = student_logits.float()
    hard = F.cross_entropy(student_logits, labels)
    zero = hard.new_zeros(())

    soft = zero
    if alpha > 0:
        teachers = _as_list(teacher_logits)
        if not teachers:
            raise ValueError("alpha > 0 needs teacher_logits (or set alpha=0 to switch the soft term off).")
        for logits in teachers:
            if logits.shape != student_logits.shape:
                raise ValueError(
                    f"teacher_logits have shape {tuple(logits.shape)} but the student's logits have "
                    f"{tuple(student_logits.shape)}: teacher and student must share the batch and num_labels."
                )
        target = torch.stack([F.softmax(logits.float() / temperature, dim=-1) for logits in teachers]).mean(0)
        student_temperature = 1.0 if soft_loss == "teacher_only" else temperature
        soft = -(target * F.log_softmax(student_logits / student_temperature, dim=-1)).sum(-1).mean()
        if soft_loss == "ce_t2":
            soft = soft * temperature**2

    embedding = zero
    if beta > 0:
        targets = _as_list(teacher_embedding)
        students = _as_list(student_embedding)
        if not targets or not students:
            raise ValueError(
                "beta > 0 needs student_embedding and teacher_embedding (or set beta=0 to switch the embedding "
                "term off)."
            )
        if len(students) == 1:
            students = students * len(targets)
        if len(students) != len(targets):
            raise ValueError(f"{len(students)} student embeddings given for {len(targets)} teacher embeddings.")
        terms = []
        for student, target in zip(students, targets):
            if student.shape != target.shape:
                raise ValueError(
                    f"student embedding has shape {tuple(student.shape)} but the teacher embedding has "
                    f"{tuple(target.shape)}: project e_S to the teacher's width first."
                )
            diff = student.float() - target.float()
            terms.append(diff.pow(2).mean() if embedding_loss == "mse" else diff.pow(2).sum(-1).mean())
        embedding = torch.stack(terms).mean()

    loss = hard + alpha * soft + beta * embedding
    return LugpiDistillationLossOutput(loss=loss, hard=hard, soft=soft, embedding=embedding)


__all__ = [
    "EMBEDDING_LOSSES",
    "SOFT_LOSSES",
    "LugpiDistillationLossOutput",
    "lugpi_distillation_loss",
    "validate_distillation_hyperparameters",
]
