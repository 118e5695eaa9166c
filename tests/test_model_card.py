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


def test_model_index_eval_results_tags_license_and_versions(tmp_path):
    import transformers

    config = get_tiny_teacher_config("vit", num_labels=2, label_names=["neg", "pos"])
    info = LugpiCardInfo(kind="teacher", model_name="my-teacher", dataset="imdb", eval_split="test",
                         results={"accuracy": 0.875, "f1_macro": 0.8612, "loss": 0.3}, tags=["imdb", "lugpi"],
                         license="apache-2.0", image_attention_share=0.1234)  # fmt: skip
    card = render_model_card(info, config)
    card.save(tmp_path / "README.md")
    loaded = ModelCard.load(tmp_path / "README.md")
    results = {result.metric_type: result for result in loaded.data.eval_results}
    assert set(results) == {"accuracy", "f1"}
    assert results["accuracy"].metric_value == 0.875 and results["f1"].metric_value == 0.8612
    assert {r.task_type for r in results.values()} == {"text-classification"}
    assert {(r.dataset_type, r.dataset_split) for r in results.values()} == {("imdb", "test")}
    assert loaded.data.license == "apache-2.0"
    assert loaded.data.datasets == ["imdb"]
    assert loaded.data.tags.count("lugpi") == 1 and "imdb" in loaded.data.tags
    # The widget cannot run a text + image classifier: no text-classification tag that would call it without one.
    assert loaded.data.pipeline_tag is None and loaded.data.to_dict()["inference"] is False
    text = str(card)
    assert f"- transformers: {transformers.__version__}" in text
    assert "| image attention share | 0.1234 |" in text
    assert "On the test split of imdb" in text


def test_student_model_index_and_local_dataset_left_out(tmp_path):
    info = LugpiCardInfo(kind="student", model_name="s", dataset=str(tmp_path), results={"accuracy": 0.5})
    card = render_model_card(info, get_tiny_student().config)
    assert card.data.datasets is None  # a local directory means nothing on the Hub
    assert card.data.pipeline_tag == "text-classification"
    assert [r.metric_value for r in card.data.eval_results] == [0.5]
    assert card.data.eval_results[0].dataset_split == "validation"
    assert card.data.eval_results[0].dataset_name == tmp_path.name  # not the local path


def test_update_model_card_results_rewrites_the_card(tmp_path):
    from lugpi_hf.model_card import save_model_card, update_model_card_results

    model = get_tiny_student(num_labels=2)
    model.save_pretrained(tmp_path)
    save_model_card(LugpiCardInfo(kind="student", model_name="s", dataset="imdb", results={"accuracy": 0.5}),
                    model.config, tmp_path)  # fmt: skip
    update_model_card_results(tmp_path, {"accuracy": 0.8, "f1_macro": 0.75}, eval_split="test")
    loaded = ModelCard.load(tmp_path / "README.md")
    assert {(r.metric_type, r.metric_value, r.dataset_split) for r in loaded.data.eval_results} == {
        ("accuracy", 0.8, "test"), ("f1", 0.75, "test")}  # fmt: skip
    with pytest.raises(ValueError, match="lugpi_card.json"):
        update_model_card_results(tmp_path / "missing", {"accuracy": 1.0}, eval_split="test")
