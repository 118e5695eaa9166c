# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import json

import pytest
from transformers import AutoConfig, BertConfig, CLIPVisionConfig, DistilBertConfig, ViTConfig

from lugpi_hf import LugpiConfig
from lugpi_hf.testing import get_tiny_teacher_config, get_tiny_text_config, get_tiny_vision_config


def test_defaults_follow_the_design():
    config = LugpiConfig()
    assert isinstance(config.text_config, DistilBertConfig)
    assert isinstance(config.vision_config, ViTConfig)
    assert (config.fusion_layers, config.fusion_heads) == (1, 8)
    # e_T has the student's width (768 for DistilBERT base) unless told otherwise.
    assert config.classifier_hidden_size == 768
    assert config.fusion_intermediate_size == 4 * 768
    assert config.num_labels == 2


def test_sub_configs_from_dicts_pick_their_class():
    config = LugpiConfig(
        text_config={"model_type": "bert", "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 37},
        vision_config={"model_type": "clip_vision_model", "hidden_size": 48, "num_attention_heads": 4},
        fusion_heads=4,
        classifier_hidden_size=16,
    )
    assert isinstance(config.text_config, BertConfig)
    assert isinstance(config.vision_config, CLIPVisionConfig)
    assert config.text_hidden_size == 64 and config.vision_hidden_size == 48
    assert config.classifier_hidden_size == 16


def test_save_and_load_through_auto_config(tmp_path):
    config = get_tiny_teacher_config("clip", num_labels=3, label_names=["a", "b", "c"], fusion_layers=2)
    config.save_pretrained(tmp_path)
    loaded = AutoConfig.from_pretrained(tmp_path)
    assert isinstance(loaded, LugpiConfig)
    without_path = lambda c: {k: v for k, v in c.to_dict().items() if k != "_name_or_path"}  # noqa: E731
    assert without_path(loaded) == without_path(config)
    assert loaded.id2label == {0: "a", 1: "b", 2: "c"}
    assert isinstance(loaded.vision_config, CLIPVisionConfig)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fusion_heads": 5}, "fusion_heads=5 must divide the text width 32"),
        ({"fusion_heads": 0}, "fusion_heads=0"),
        ({"fusion_layers": 0}, "fusion_layers must be >= 1"),
        ({"vision_config": {"model_type": "bert"}}, "unknown vision_config model_type 'bert'"),
        ({"num_labels": 1, "problem_type": "single_label_classification"}, "requires `num_labels > 1`"),
        ({"classifier_dropout": 1.0}, "classifier_dropout must be in"),
    ],
)
def test_invalid_values_say_which(kwargs, message):
    base = {"text_config": get_tiny_text_config(), "vision_config": get_tiny_vision_config("vit"), "fusion_heads": 4}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        LugpiConfig(**{**base, **kwargs})


def test_regression_head_is_allowed_with_one_label():
    config = get_tiny_teacher_config(num_labels=1, label_names=["score"], problem_type="regression")
    assert config.num_labels == 1


def test_one_label_means_regression_as_in_transformers():
    config = get_tiny_teacher_config(num_labels=1, label_names=["score"])
    assert config.problem_type == "regression"
    multi = get_tiny_teacher_config(num_labels=3, problem_type="multi_label_classification")
    assert multi.problem_type == "multi_label_classification"
    assert get_tiny_teacher_config(num_labels=3).problem_type is None  # inferred from the labels' dtype


def test_pre_norm_is_an_option_and_post_norm_the_default():
    assert get_tiny_teacher_config().fusion_norm_first is False
    assert get_tiny_teacher_config(fusion_norm_first=True).fusion_norm_first is True


def test_saved_config_names_the_teacher_pipeline(tmp_path):
    config = get_tiny_teacher_config()
    config.save_pretrained(tmp_path)
    saved = json.loads((tmp_path / "config.json").read_text())
    pipeline = saved["custom_pipelines"]["lugpi-text-image-classification"]
    assert pipeline["impl"] == "pipeline_lugpi.LugpiTextImageClassificationPipeline"
    assert pipeline["pt"] == ["AutoModelForSequenceClassification"]


def test_checkpoints_saved_before_the_new_keys_still_load(tmp_path):
    # A config.json written before fusion_norm_first / custom_pipelines existed.
    config = get_tiny_teacher_config().to_dict()
    for key in ("fusion_norm_first", "fusion_layer_norm_eps", "custom_pipelines"):
        config.pop(key)
    (tmp_path / "config.json").write_text(json.dumps(config))
    loaded = AutoConfig.from_pretrained(tmp_path)
    assert loaded.fusion_norm_first is False and loaded.fusion_layer_norm_eps == 1e-5
    assert "lugpi-text-image-classification" in loaded.custom_pipelines
