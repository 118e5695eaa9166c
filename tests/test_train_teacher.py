# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import json
import subprocess
import sys

import pytest
import torch
from transformers import AutoModelForSequenceClassification

from conftest import REPO_ROOT, free_port, teacher_stage_arguments
from lugpi_hf import LugpiMultimodalForSequenceClassification
from lugpi_hf.scripts import train_teacher


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_a_few_steps_on_a_separable_task_lower_the_loss(vision, tmp_path):
    script_args, training_args = train_teacher.make_parser().parse_args_and_config(
        [
            *teacher_stage_arguments(tmp_path / "inputs", vision), "--output_dir", str(tmp_path / "out"),
            "--max_steps", "32", "--lr_scheduler_type", "constant", "--per_device_train_batch_size", "8",
            "--learning_rate", "2e-3", "--logging_steps", "8", "--save_strategy", "no", "--use_cpu", "--seed", "0",
        ]
    )  # fmt: skip
    trainer = train_teacher.main(script_args, training_args)
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    assert len(losses) == 4
    assert losses[-1] < 0.7 * losses[0], losses
    out = tmp_path / "out"
    assert json.loads((out / "eval_results.json").read_text())["eval_accuracy"] >= 0.9
    teacher = AutoModelForSequenceClassification.from_pretrained(out)
    assert isinstance(teacher, LugpiMultimodalForSequenceClassification)
    assert teacher.config.id2label == {0: "positive", 1: "negative"}
    assert (out / "processor_config.json").is_file()
    card = (out / "README.md").read_text()
    assert "LUGPI teacher" in card and "| accuracy |" in card
    reloaded = AutoModelForSequenceClassification.from_pretrained(out)
    torch.testing.assert_close(reloaded.classifier.weight, trainer.model.classifier.weight)


def test_the_trainers_launcher_from_a_clone_runs_the_script(tmp_path):
    """`trainers/train_teacher.py` only calls `lugpi_hf.scripts.train_teacher`: same options, same result."""
    result = subprocess.run(
        [sys.executable, "trainers/train_teacher.py", *teacher_stage_arguments(tmp_path / "inputs"),
         "--output_dir", str(tmp_path / "teacher"), "--num_train_epochs", "1", "--use_cpu"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"teacher saved to {tmp_path / 'teacher'}" in result.stdout
    assert "train_loss" in json.loads((tmp_path / "teacher" / "train_results.json").read_text())


def test_without_dataset_is_a_clear_error(tmp_path):
    script_args, training_args = train_teacher.make_parser().parse_args_and_config(["--output_dir", str(tmp_path)])
    with pytest.raises(ValueError, match="--dataset_name is required"):
        train_teacher.main(script_args, training_args)


def test_two_process_distributed_training(tmp_path):
    """DistributedDataParallel (gloo, 2 CPU processes) fails on any parameter without a gradient."""
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", str(free_port()),
         "-m", "lugpi_hf.scripts.train_teacher", *teacher_stage_arguments(tmp_path / "inputs", "clip"),
         "--output_dir", str(tmp_path / "out"), "--num_train_epochs", "1", "--per_device_train_batch_size", "4",
         "--save_strategy", "no", "--use_cpu"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads((tmp_path / "out" / "trainer_state.json").read_text())
    # 64 toy rows, 4 per process: 8 steps with two processes (16 with one).
    assert state["global_step"] == 8
    assert (tmp_path / "out" / "model.safetensors").is_file()
