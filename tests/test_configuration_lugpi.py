# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
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
        ({"num_labels": 1}, "num_labels=1 needs problem_type='regression'"),
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
