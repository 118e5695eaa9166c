# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import importlib.util
import json
import subprocess
import sys

import pytest
import torch
from transformers import AutoModelForSequenceClassification

from conftest import REPO_ROOT, free_port
from lugpi_hf import LugpiMultimodalForSequenceClassification


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "trainers" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_a_few_steps_on_a_separable_task_lower_the_loss(vision, tmp_path):
    script = load_script("train_teacher")
    script_args, training_args = script.make_parser().parse_args_into_dataclasses(
        [
            "--demo", "--demo_vision", vision, "--output_dir", str(tmp_path), "--max_steps", "32", "--lr_scheduler_type", "constant",
            "--per_device_train_batch_size", "8", "--learning_rate", "2e-3", "--logging_steps", "8",
            "--save_strategy", "no", "--report_to", "none", "--use_cpu", "--seed", "0",
        ]
    )
    trainer = script.main(script_args, training_args)
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    assert len(losses) == 4
    assert losses[-1] < 0.7 * losses[0], losses
    assert json.loads((tmp_path / "eval_results.json").read_text())["eval_accuracy"] >= 0.9
    teacher = AutoModelForSequenceClassification.from_pretrained(tmp_path)
    assert isinstance(teacher, LugpiMultimodalForSequenceClassification)
    assert teacher.config.id2label == {0: "positive", 1: "negative"}
    assert (tmp_path / "processor_config.json").is_file()
    card = (tmp_path / "README.md").read_text()
    assert "LUGPI teacher" in card and "| accuracy |" in card


def test_readme_command_runs(tmp_path):
    """The README's main command, as a user types it (with fewer epochs)."""
    result = subprocess.run(
        [sys.executable, "trainers/train_teacher.py", "--demo", "--output_dir", str(tmp_path / "teacher-demo"),
         "--num_train_epochs", "1"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "teacher-demo" / "model.safetensors").is_file()
    assert "train_loss" in json.loads((tmp_path / "teacher-demo" / "train_results.json").read_text())


def test_without_dataset_is_a_clear_error(tmp_path):
    script = load_script("train_teacher")
    script_args, training_args = script.make_parser().parse_args_into_dataclasses(["--output_dir", str(tmp_path)])
    with pytest.raises(ValueError, match="--dataset_name is required"):
        script.main(script_args, training_args)


def test_trains_from_a_saved_dataset_with_pretrained_encoders(tmp_path):
    """The non-demo path: dataset from disk, encoders and processor from local checkpoints."""
    from datasets import DatasetDict

    from lugpi_hf.testing import get_tiny_processor, get_tiny_student, get_tiny_teacher, make_toy_text_image_dataset

    DatasetDict({"train": make_toy_text_image_dataset(16), "validation": make_toy_text_image_dataset(8, seed=1)}
                ).save_to_disk(tmp_path / "data")
    processor = get_tiny_processor("vit")
    get_tiny_student().distilbert.save_pretrained(tmp_path / "text")
    processor.tokenizer.save_pretrained(tmp_path / "text")
    get_tiny_teacher("vit").vision_model.save_pretrained(tmp_path / "vision")
    processor.image_processor.save_pretrained(tmp_path / "vision")

    script = load_script("train_teacher")
    script_args, training_args = script.make_parser().parse_args_into_dataclasses(
        ["--dataset_name", str(tmp_path / "data"), "--text_model_name_or_path", str(tmp_path / "text"),
         "--vision_model_name_or_path", str(tmp_path / "vision"), "--fusion_heads", "4", "--max_steps", "2",
         "--output_dir", str(tmp_path / "out"), "--eval_strategy", "steps", "--eval_steps", "2",
         "--save_strategy", "no", "--use_cpu"]
    )
    trainer = script.main(script_args, training_args)
    assert any("eval_accuracy" in entry for entry in trainer.state.log_history)
    reloaded = AutoModelForSequenceClassification.from_pretrained(tmp_path / "out")
    torch.testing.assert_close(reloaded.classifier.weight, trainer.model.classifier.weight)


def test_two_process_distributed_training(tmp_path):
    """DistributedDataParallel (gloo, 2 CPU processes) fails on any parameter without a gradient."""
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", str(free_port()),
         "trainers/train_teacher.py", "--demo", "--demo_vision", "clip", "--output_dir", str(tmp_path),
         "--num_train_epochs", "1", "--per_device_train_batch_size", "4", "--save_strategy", "no", "--use_cpu"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads((tmp_path / "trainer_state.json").read_text())
    # 64 toy rows, 4 per process: 8 steps with two processes (16 with one).
    assert state["global_step"] == 8
    assert (tmp_path / "model.safetensors").is_file()

