# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The LUGPI loss against values worked out by hand (scalar Python, no torch), for every option."""

import math

import pytest
import torch

from lugpi_hf.losses import lugpi_distillation_loss


# Two samples, two classes, tau = 2.
STUDENT = torch.tensor([[1.0, 2.0], [0.5, -0.5]])
LABELS = torch.tensor([1, 0])
TEACHER = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
TEACHER_2 = torch.tensor([[0.0, 0.0], [3.0, -1.0]])
TAU = 2.0
# e_S - e_T = [[0, 1, 2], [-1, 0, 1]]: squares sum to 5 and 2 per sample, 7 over all 6 entries.
E_S = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
E_T = torch.tensor([[1.0, 1.0, 1.0], [1.0, 0.0, -1.0]])

# Both samples: -log softmax picks the smaller logit 1 below the larger one, i.e. log(1 + e^-1).
HARD = math.log(1 + math.exp(-1))
MSE = 7 / 6
SQ_L2 = (5 + 2) / 2


def _softmax(z):
    exps = [math.exp(x) for x in z]
    return [e / sum(exps) for e in exps]


def _log_softmax(z):
    log_sum = math.log(sum(math.exp(x) for x in z))
    return [x - log_sum for x in z]


def _soft_ce(student, teachers, student_tau, teacher_tau):
    """-sum_c mean_k softmax(z_Tk / tau)_c * log_softmax(z_S / tau_s)_c, mean over samples."""
    total = 0.0
    for i in range(len(student)):
        probs = [_softmax([z / teacher_tau for z in teacher[i]]) for teacher in teachers]
        target = [sum(p[c] for p in probs) / len(probs) for c in range(len(student[i]))]
        log_q = _log_softmax([z / student_tau for z in student[i]])
        total -= sum(t * q for t, q in zip(target, log_q))
    return total / len(student)


S, T, T2 = STUDENT.tolist(), TEACHER.tolist(), TEACHER_2.tolist()
SOFT_CE = _soft_ce(S, [T], TAU, TAU)


def test_hand_values_match_literals():
    # The scalar reference itself, pinned to numbers computed once by hand.
    assert HARD == pytest.approx(0.3132616875)
    assert SOFT_CE == pytest.approx(0.8124564616)
    assert _soft_ce(S, [T], 1.0, TAU) == pytest.approx(0.9900206424)
    assert _soft_ce(S, [T, T2], TAU, TAU) == pytest.approx(0.7206670882)


@pytest.mark.parametrize(
    ("soft_loss", "expected_soft"),
    [("ce", SOFT_CE), ("ce_t2", SOFT_CE * TAU**2), ("teacher_only", _soft_ce(S, [T], 1.0, TAU))],
)
@pytest.mark.parametrize(("embedding_loss", "expected_embedding"), [("mse", MSE), ("sq_l2", SQ_L2)])
def test_every_option(soft_loss, expected_soft, embedding_loss, expected_embedding):
    out = lugpi_distillation_loss(
        STUDENT, LABELS, TEACHER, E_S, E_T,
        alpha=3.0, beta=0.5, temperature=TAU, soft_loss=soft_loss, embedding_loss=embedding_loss,
    )  # fmt: skip
    assert out.hard.item() == pytest.approx(HARD, rel=1e-6)
    assert out.soft.item() == pytest.approx(expected_soft, rel=1e-6)
    assert out.embedding.item() == pytest.approx(expected_embedding, rel=1e-6)
    assert out.loss.item() == pytest.approx(HARD + 3.0 * expected_soft + 0.5 * expected_embedding, rel=1e-6)


def test_paper_defaults():
    out = lugpi_distillation_loss(STUDENT, LABELS, TEACHER, E_S, E_T)  # alpha 3, beta 1, tau 8, teacher_only, mse
    # Eq. 2: the teacher softened by tau, the student's own probabilities s (as in the hard term).
    expected_soft = _soft_ce(S, [T], 1.0, 8.0)
    assert out.soft.item() == pytest.approx(expected_soft, rel=1e-6)
    assert expected_soft != pytest.approx(_soft_ce(S, [T], 8.0, 8.0), rel=1e-3)  # "ce" would differ
    assert out.loss.item() == pytest.approx(HARD + 3 * expected_soft + MSE, rel=1e-6)


def test_zero_weights_switch_terms_off_and_need_no_teacher():
    out = lugpi_distillation_loss(STUDENT, LABELS, alpha=0.0, beta=0.0)
    assert out.loss.item() == pytest.approx(HARD, rel=1e-6)
    assert out.soft.item() == 0.0 and out.embedding.item() == 0.0

    only_embedding = lugpi_distillation_loss(STUDENT, LABELS, None, E_S, E_T, alpha=0.0, beta=2.0)
    assert only_embedding.loss.item() == pytest.approx(HARD + 2 * MSE, rel=1e-6)
    only_soft = lugpi_distillation_loss(STUDENT, LABELS, TEACHER, alpha=1.0, beta=0.0, temperature=TAU)
    assert only_soft.loss.item() == pytest.approx(HARD + _soft_ce(S, [T], 1.0, TAU), rel=1e-6)


def test_multi_teacher_means_probabilities_and_embedding_terms():
    # Second teacher's embedding equals e_S in sample 0 and differs by [1, 1, 1] in sample 1: squares 3 of 6.
    e_t2 = torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    out = lugpi_distillation_loss(
        STUDENT, LABELS, [TEACHER, TEACHER_2], [E_S, E_S], [E_T, e_t2], alpha=1.0, beta=1.0, temperature=TAU
    )
    assert out.soft.item() == pytest.approx(_soft_ce(S, [T, T2], 1.0, TAU), rel=1e-6)
    assert out.embedding.item() == pytest.approx((MSE + 3 / 6) / 2, rel=1e-6)
    both_softened = lugpi_distillation_loss(STUDENT, LABELS, [TEACHER, TEACHER_2], alpha=1.0, beta=0.0,
                                            temperature=TAU, soft_loss="ce")  # fmt: skip
    assert both_softened.soft.item() == pytest.approx(_soft_ce(S, [T, T2], TAU, TAU), rel=1e-6)


def test_gradients_flow_to_student_only():
    student = STUDENT.clone().requires_grad_(True)
    e_s = E_S.clone().requires_grad_(True)
    teacher = TEACHER.clone().requires_grad_(True)
    lugpi_distillation_loss(student, LABELS, teacher.detach(), e_s, E_T).loss.backward()
    assert student.grad is not None and student.grad.abs().sum() > 0
    assert e_s.grad is not None and e_s.grad.abs().sum() > 0
    assert teacher.grad is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"alpha": -1.0}, "alpha"),
        ({"beta": -0.1}, "beta"),
        ({"temperature": 0.0}, "temperature"),
        ({"temperature": -2.0}, "temperature"),
        ({"soft_loss": "kl"}, "soft_loss"),
        ({"embedding_loss": "cosine"}, "embedding_loss"),
    ],
)
def test_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lugpi_distillation_loss(STUDENT, LABELS, TEACHER, E_S, E_T, **kwargs)


def test_missing_or_mismatched_tensors():
    with pytest.raises(ValueError, match="needs teacher_logits"):
        lugpi_distillation_loss(STUDENT, LABELS, None, E_S, E_T)
    with pytest.raises(ValueError, match="needs student_embedding and teacher_embedding"):
        lugpi_distillation_loss(STUDENT, LABELS, TEACHER, None, None)
    with pytest.raises(ValueError, match="project e_S"):
        lugpi_distillation_loss(STUDENT, LABELS, TEACHER, E_S, torch.zeros(2, 4))
    with pytest.raises(ValueError, match="num_labels"):
        lugpi_distillation_loss(STUDENT, LABELS, torch.zeros(2, 3), E_S, E_T)
