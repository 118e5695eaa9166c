# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The student and baseline runs end to end: trainer scripts and `lugpi distill` / `lugpi baseline`."""

import importlib.util
import json
from pathlib import Path

import datasets
import pytest
from safetensors.torch import load_file
from transformers import AutoModelForSequenceClassification

from lugpi_hf.cli import main as cli_main
from lugpi_hf.testing import (
    get_tiny_processor,
    get_tiny_student,
    get_tiny_teacher,
    get_tiny_tokenizer,
    make_toy_text_image_dataset,
)


REPO_ROOT = Path(__file__).resolve().parents[1]
TRAIN_FLAGS = ["--max_steps", "2", "--per_device_train_batch_size", "4", "--report_to", "none", "--use_cpu",
               "--save_strategy", "no", "--dataloader_pin_memory", "false"]  # fmt: skip


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "trainers" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A toy text+image dataset on disk, a tiny teacher, its cache (through the CLI) and a tiny base student."""
    root = tmp_path_factory.mktemp("project")
    data = root / "data"
    datasets.DatasetDict(
        {"train": make_toy_text_image_dataset(16, seed=0), "validation": make_toy_text_image_dataset(8, seed=1)}
    ).save_to_disk(data)
    teacher = root / "teacher"
    get_tiny_teacher(classifier_hidden_size=48, label_names=["positive", "negative"]).save_pretrained(teacher)
    get_tiny_processor().save_pretrained(teacher)
    base = root / "base-student"
    get_tiny_student().save_pretrained(base)
    get_tiny_tokenizer().save_pretrained(base)
    cache = root / "cache"
    assert cli_main(["cache-teacher", "--teacher", str(teacher), "--dataset", str(data), "--output", str(cache)]) == 0
    return {"data": str(data), "teacher": str(teacher), "base": str(base), "cache": str(cache)}


def _check_saved(output_dir, baseline_keys=None):
    output_dir = Path(output_dir)
    model = AutoModelForSequenceClassification.from_pretrained(output_dir)
    assert model.config.id2label == {0: "positive", 1: "negative"}
    eval_results = json.loads((output_dir / "eval_results.json").read_text())
    assert 0.0 <= eval_results["eval_accuracy"] <= 1.0 and "eval_f1_macro" in eval_results
    keys = set(load_file(output_dir / "model.safetensors"))
    if baseline_keys is not None:
        assert keys == baseline_keys
    return keys


def test_baseline_script_and_distill_script(project, tmp_path):
    baseline = load_script("train_baseline")
    script_args, training_args = baseline.make_parser().parse_args_and_config(
        ["--dataset_name", project["data"], "--student_model_name_or_path", project["base"],
         "--output_dir", str(tmp_path / "baseline"), *TRAIN_FLAGS]
    )  # fmt: skip
    trainer = baseline.main(script_args, training_args)
    assert type(trainer).__name__ == "ModelFilesTrainer"  # a plain Trainer, pushing only the model's files
    baseline_keys = _check_saved(tmp_path / "baseline")

    distill = load_script("distill_student")
    script_args, training_args = distill.make_parser().parse_args_and_config(
        ["--dataset_name", project["data"], "--student_model_name_or_path", project["base"],
         "--teacher_cache", project["cache"], "--teacher_model_name_or_path", project["teacher"],
         "--alpha", "2", "--temperature", "4", "--logging_steps", "1", "--output_dir", str(tmp_path / "student"),
         *TRAIN_FLAGS]
    )  # fmt: skip
    trainer = distill.main(script_args, training_args)
    assert (training_args.alpha, training_args.temperature) == (2.0, 4.0)
    assert training_args.teacher_cache == [project["cache"]]
    logs = [log for log in trainer.state.log_history if "soft" in log]
    assert len(logs) == 2 and all(log["embedding"] > 0 for log in logs)
    # The student is the baseline's architecture with exactly its parameters: no projection saved.
    _check_saved(tmp_path / "student", baseline_keys)
    card = (tmp_path / "student" / "README.md").read_text()
    assert "LUGPI student" in card and "knowledge-distillation" in card
    for row in (f"| teacher | {project['teacher']} |", "| alpha | 2.0 |", "| temperature | 4.0 |",
                "| teacher signals | cache |", f"| training data | {project['data']} |"):  # fmt: skip
        assert row in card, row


def test_cli_distill_online_and_baseline(project, tmp_path):
    assert cli_main(["distill", "--dataset_name", project["data"], "--student_model_name_or_path", project["base"],
                     "--teacher_model_name_or_path", project["teacher"], "--output_dir", str(tmp_path / "s"),
                     *TRAIN_FLAGS]) == 0  # fmt: skip
    keys = _check_saved(tmp_path / "s")
    assert cli_main(["baseline", "--dataset_name", project["data"], "--student_model_name_or_path", project["base"],
                     "--output_dir", str(tmp_path / "b"), *TRAIN_FLAGS]) == 0  # fmt: skip
    _check_saved(tmp_path / "b", keys)


def test_cli_bad_input_is_one_line(project, tmp_path, capsys):
    assert cli_main(["distill", "--dataset_name", project["data"], "--student_model_name_or_path", project["base"],
                     "--teacher_cache", project["cache"], "--beta", "-1",
                     "--output_dir", str(tmp_path)]) == 1  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert err == "lugpi distill: error: beta (weight of the embedding term) must be >= 0, got -1.0."
    assert cli_main(["baseline", "--output_dir", str(tmp_path), "--report_to", "none"]) == 1
    assert "--dataset_name is required" in capsys.readouterr().err
