# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import pytest
from huggingface_hub import ModelCard
from transformers import TrainingArguments

from lugpi_hf.model_card import LugpiCardInfo, final_eval_metrics, render_model_card, training_hyperparameters
from lugpi_hf.testing import get_tiny_student, get_tiny_teacher_config


def test_teacher_card_describes_the_architecture_and_results():
    config = get_tiny_teacher_config("clip", num_labels=2, label_names=["neg", "pos"])
    card = render_model_card(
        LugpiCardInfo(kind="teacher", model_name="my-teacher", repo_id="me/my-teacher", dataset="stanfordnlp/imdb",
                      generator="stabilityai/stable-diffusion-2", results={"accuracy": 0.91}),
        config,
    )
    text = str(card)
    for expected in ("LUGPI teacher", "clip_vision_model, width 32", "1 transformer block(s), 4 heads",
                     "| labels | neg, pos |", "| image generator | stabilityai/stable-diffusion-2 |",
                     'from_pretrained("me/my-teacher")', "trust_remote_code=True", "| accuracy | 0.91 |",
                     "@inproceedings{menadil2024lugpi"):
        assert expected in text, expected
    assert set(card.data.tags) >= {"lugpi", "knowledge-distillation", "privileged-information",
                                   "generated_from_trainer"}
    assert card.data.datasets == ["stanfordnlp/imdb"]


def test_student_card_says_no_extra_inference_cost(tmp_path):
    config = get_tiny_student(num_labels=2).config
    info = LugpiCardInfo(kind="student", model_name="my-student", teacher="me/my-teacher",
                         distillation={"alpha": 3.0, "beta": 1.0, "temperature": 8.0})
    card = render_model_card(info, config)
    card.save(tmp_path / "README.md")
    text = (tmp_path / "README.md").read_text()
    for expected in ("LUGPI student", "No extra inference cost", 'pipeline("text-classification", model="my-student")',
                     "| teacher | me/my-teacher |", "| alpha | 3.0 |", "| temperature | 8.0 |"):
        assert expected in text, expected
    assert ModelCard.load(tmp_path / "README.md").data.pipeline_tag == "text-classification"


def test_unknown_card_kind():
    with pytest.raises(ValueError, match="'teacher' or 'student'"):
        render_model_card(LugpiCardInfo(kind="judge", model_name="x"), get_tiny_student().config)


def test_hyperparameters_and_final_metrics(tmp_path):
    args = TrainingArguments(output_dir=str(tmp_path), learning_rate=5e-5, per_device_train_batch_size=14)
    values = training_hyperparameters(args)
    assert values["learning_rate"] == 5e-5 and values["per_device_train_batch_size"] == 14
    assert values["lr_scheduler_type"] == "linear"
    assert "max_steps" not in values  # unset (-1) is left out
    history = [{"eval_accuracy": 0.5, "epoch": 1}, {"loss": 0.3}, {"eval_accuracy": 0.81234, "eval_runtime": 2.0}]
    assert final_eval_metrics(history) == {"accuracy": 0.8123}


@pytest.mark.parametrize(
    ("soft_loss", "expected"),
    [("teacher_only", "the same s as in the hard term, as in the paper's Eq. 2"),
     ("ce", "both softened by\ntau: Hinton et al.'s form"),
     ("ce_t2", "both softened by\ntau, times tau^2: Hinton et al.'s form")],
)  # fmt: skip
def test_student_card_says_which_soft_term(soft_loss, expected):
    info = LugpiCardInfo(kind="student", model_name="s", distillation={"alpha": 3.0, "soft_loss": soft_loss})
    text = str(render_model_card(info, get_tiny_student(num_labels=2).config))
    assert expected in text
    assert f"| soft_loss | {soft_loss} |" in text
