# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The `lugpi` dispatcher: commands, fast help, one-line errors, --debug, env, and the accelerate relaunch."""

import json
import subprocess
import sys

import pytest

from conftest import REPO_ROOT, teacher_stage_arguments
from lugpi_hf.cli import COMMANDS, main


def test_every_stage_is_a_command():
    assert list(COMMANDS) == ["prepare", "generate", "train-teacher", "cache-teacher", "distill", "baseline",
                              "image-only", "evaluate", "push", "run", "env"]  # fmt: skip


@pytest.mark.parametrize("argv", [["--help"], ["distill", "--help"], ["run", "--help"], ["prepare", "-h"]])
def test_help_imports_no_torch_transformers_or_diffusers(argv):
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "lugpi_hf.cli", *argv],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "lugpi_hf.scripts" in imported  # the check sees the imports
    assert not imported & {"torch", "transformers", "diffusers", "datasets"}, sorted(imported)
    assert "usage: lugpi" in result.stdout


def test_the_installed_command_starts_fast_for_help():
    result = subprocess.run(["lugpi", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "train-teacher" in result.stdout


def test_bad_input_is_one_line_not_a_traceback(tmp_path, capsys):
    assert main(["train-teacher", "--output_dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == "lugpi train-teacher: error: --dataset_name is required: the dataset to read.\n"


def test_debug_shows_the_traceback(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="--dataset_name is required"):
        main(["--debug", "train-teacher", "--output_dir", str(tmp_path)])
    monkeypatch.setenv("LUGPI_DEBUG", "1")
    with pytest.raises(ValueError, match="--dataset_name is required"):
        main(["train-teacher", "--output_dir", str(tmp_path)])


def test_unknown_commands_and_options_are_refused(capsys):
    assert main(["trian-teacher"]) == 2
    assert "unknown command 'trian-teacher'" in capsys.readouterr().err
    assert main(["distill", "--no-such-option", "1"]) == 1
    assert "lugpi distill: error: unrecognized arguments: --no-such-option 1" in capsys.readouterr().err


def test_env_prints_the_versions(capsys):
    assert main(["env"]) == 0
    printed = capsys.readouterr().out
    for name in ("lugpi_hf", "Python", "torch", "transformers", "diffusers", "datasets", "accelerate",
                 "CUDA available", "accelerate config"):  # fmt: skip
        assert f"- {name}: " in printed


def test_old_spellings_still_work(tmp_path):
    """`--output`, `--teacher`, `--dataset`, `--output-dir` and `--repo-id` are aliases of the field names."""
    from lugpi_hf.scripts import cache_teacher, push, run

    (args,) = cache_teacher.make_parser().parse_args_and_config(
        ["--teacher", "t", "--dataset", "d", "--output", "o", "--batch-size", "4"]
    )
    assert (args.teacher_model_name_or_path, args.dataset_name, args.output_dir, args.batch_size) == ("t", "d", "o", 4)
    (args,) = push.make_parser().parse_args_and_config(["run-dir", "--repo-id", "me/x"])
    assert (args.path, args.repo_id) == ("run-dir", "me/x")
    (args,) = run.make_parser().parse_args_and_config(["--preset", "demo", "--output-dir", "o", "--data-dir", "d"])
    assert (args.output_dir, args.data_dir) == ("o", "d")


def test_two_process_distill_relaunches_through_accelerate(tmp_path):
    """`lugpi distill --num_processes 2` on CPU: one gloo group of two processes, half the steps of one."""
    inputs = teacher_stage_arguments(tmp_path / "inputs")
    teacher = tmp_path / "teacher"
    assert main(["train-teacher", *inputs, "--output_dir", str(teacher), "--max_steps", "1", "--use_cpu"]) == 0
    assert main(["cache-teacher", "--teacher", str(teacher), "--dataset", str(tmp_path / "inputs" / "data"),
                 "--output", str(tmp_path / "cache"), "--max_length", "64"]) == 0  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "lugpi_hf.cli", "distill", "--num_processes", "2",
         "--dataset_name", str(tmp_path / "inputs" / "data"), "--student_model", str(tmp_path / "inputs" / "models" / "text"),
         "--teacher_cache", str(tmp_path / "cache"), "--output_dir", str(tmp_path / "student"), "--num_train_epochs", "1",
         "--per_device_train_batch_size", "4", "--max_length", "64", "--use_cpu", "--ddp_backend", "gloo",
         "--save_strategy", "no"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    state = json.loads((tmp_path / "student" / "trainer_state.json").read_text())
    assert state["global_step"] == 8  # 64 rows, 4 per process, 2 processes
    assert (tmp_path / "student" / "model.safetensors").is_file()
