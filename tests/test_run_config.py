# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""A run configuration is checked whole, against the stages' own dataclasses, before any stage runs."""

import subprocess
import sys

import pytest

from lugpi_hf.run import LugpiRunConfig, list_presets
from lugpi_hf.schema import ConfigError


GOOD = """\
dataset: imdb
generation: {preset: fast, batch_size: 8}
teachers:
  vit: {text_model: distilbert-base-uncased, vision_model: google/vit-base-patch16-224-in21k}
training: {learning_rate: 5.0e-5, per_device_train_batch_size: 14}
distillation: {alpha: 3.0}
"""


@pytest.mark.parametrize(
    "change, message",
    [
        (("batch_size: 8", "batch_sise: 8"), "generation: unknown key 'batch_sise'"),
        (("learning_rate: 5.0e-5", "learning_rate: fast"), "training.learning_rate: expected a number, got str 'fast'"),
        (("batch_size: 8", 'batch_size: "sixteen"'), "generation.batch_size: expected an integer, got str 'sixteen'"),
        (("dataset: imdb", 'dataset: imdb\nimage_only: "no"'), "image_only: expected a boolean (true or false), got str 'no'"),
        (("generation: {preset: fast, batch_size: 8}", "generation: [fast, 8]"), "generation: expected a mapping"),
        (("distillation: {alpha: 3.0}", "distillation: {alpha: -1.0}"), "distillation"),
        (("distillation: {alpha: 3.0}", "distillation: {learning_rate: 1.0}"), "distillation.learning_rate: a training"),
        (("{text_model: distilbert-base-uncased,", "{text_model: distilbert-base-uncased, fusion_heads: eight,"),
         "teachers.vit.fusion_heads: expected an integer"),
        (("{text_model: distilbert-base-uncased,", "{"), "teachers.vit: missing 'text_model_name_or_path'"),
        (("preset: fast", "preset: fastest"), "generation.preset: expected one of"),
        (("training: {", "training: {output_dir: x, "), "training.output_dir: set by lugpi itself"),
        (("dataset: imdb", "dataset: imdb\nepochs: 3"), "unknown key 'epochs'"),
        (("dataset: imdb", "dataset: imdb\ndata_dir: /no/such/aclImdb"), "prepare: /no/such/aclImdb: no such"),
    ],
)
def test_a_bad_key_or_type_at_any_depth_names_the_file_and_key(tmp_path, change, message):
    path = tmp_path / "run.yaml"
    path.write_text(GOOD.replace(*change))
    with pytest.raises(ConfigError) as error:
        LugpiRunConfig.from_yaml(path)
    assert str(error.value).startswith(f"{path}: "), error.value
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_good_file_loads_with_the_field_names(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(GOOD)
    config = LugpiRunConfig.from_yaml(path)
    assert config.teachers["vit"] == {"text_model_name_or_path": "distilbert-base-uncased",
                                      "vision_model_name_or_path": "google/vit-base-patch16-224-in21k"}  # fmt: skip
    assert config.training["learning_rate"] == 5e-5


def test_yaml_syntax_errors_name_the_line(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("dataset: imdb\nteachers: {vit: [\n")
    with pytest.raises(ConfigError, match=rf"{path}: line \d+, column \d+: invalid YAML"):
        LugpiRunConfig.from_yaml(path)


def test_every_preset_passes_the_check():
    for name in list_presets():
        LugpiRunConfig.from_preset(name)


def test_the_cli_refuses_a_bad_file_and_writes_nothing(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(GOOD.replace("learning_rate: 5.0e-5", "learning_rate: fast"))
    result = subprocess.run(
        [sys.executable, "-m", "lugpi_hf.cli", "run", "--config", str(path), "--output_dir", str(tmp_path / "run")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert f"lugpi run: error: {path}: training.learning_rate: expected a number" in result.stderr
    assert not (tmp_path / "run").exists()


def test_hardware_dependent_settings_fail_before_any_stage_directory(tmp_path):
    """bf16 on a machine without a GPU: TrainingArguments refuses it while the plan is built, before prepare."""
    result = subprocess.run(
        [sys.executable, "-m", "lugpi_hf.cli", "run", "--preset", "imdb", "--output_dir", str(tmp_path / "run")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "lugpi run: error: stage teacher-vit: " in result.stderr and "bf16" in result.stderr
    assert not (tmp_path / "run").exists()


def test_a_missing_data_dir_on_the_command_line_fails_before_any_stage(tmp_path):
    from lugpi_hf.run import RunArguments

    path = tmp_path / "run.yaml"
    path.write_text(GOOD)
    missing = r"overrides: prepare: /no/such/aclImdb: no such directory or \.tar\.gz archive \(expected aclImdb/"
    with pytest.raises(ConfigError, match=missing):
        RunArguments(config=str(path), data_dir="/no/such/aclImdb", output_dir=str(tmp_path / "run")).load()
    assert not (tmp_path / "run").exists()
