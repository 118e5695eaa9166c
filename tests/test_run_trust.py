# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Results you can trust: a killed run resumes to the same weights and table, several seeds give a table with a
paired bootstrap, a moved run directory reruns, and a token given in the config is in no file of the run."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO_ROOT


SECRET = "hf_SECRETtoken1234567890"
CONFIG = f"""\
dataset: demo
demo: true
seeds: [0, 1]
generation: {{generator: generator, batch_size: 16, num_inference_steps: 1, guidance_scale: 1.0, image_size: 0,
             image_format: png, seed: 0}}
teachers:
  vit: {{text_model: text, vision_model: vit, max_length: 64}}
student_model: text
image_only: false
training: {{learning_rate: 3.0e-3, per_device_train_batch_size: 16, num_train_epochs: 6, logging_steps: 4,
           hub_token: {SECRET}}}
distillation: {{alpha: 3.0, beta: 1.0, temperature: 8.0}}
"""
TRAINED = ["teacher-vit-seed0", "student-vit-seed0", "baseline-seed0",
           "teacher-vit-seed1", "student-vit-seed1", "baseline-seed1"]  # fmt: skip


def command(config, output_dir):
    return [sys.executable, "-m", "lugpi_hf.cli", "run", "--config", str(config), "--output_dir", str(output_dir)]


def run(config, output_dir):
    result = subprocess.run(command(config, output_dir), capture_output=True, text=True, timeout=900, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads((output_dir / "run_summary.json").read_text())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("trust")
    config = root / "seeds.yaml"
    config.write_text(CONFIG)
    reference = root / "reference"
    run(config, reference)

    # The same run, killed while a teacher trains (after its first epoch's checkpoint), then run again.
    killed = root / "killed"
    process = subprocess.Popen(command(config, killed), cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 600
    checkpoint_state = killed / "teacher-vit-seed0"
    while not list(checkpoint_state.glob("checkpoint-*/trainer_state.json")):
        assert process.poll() is None and time.monotonic() < deadline, "the run ended before a checkpoint"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (killed / "teacher-vit-seed0" / "model.safetensors").exists(), "killed too late to test a resume"
    resumed = run(config, killed)
    return config, reference, killed, resumed


def test_a_killed_run_resumes_to_the_same_weights_and_table(runs):
    _, reference, killed, resumed = runs
    assert resumed["ran"][0] == "teacher-vit-seed0"  # prepare and generate were done; the teacher goes on
    for stage in TRAINED:
        assert (killed / stage / "model.safetensors").read_bytes() == (reference / stage / "model.safetensors").read_bytes(), stage
    assert (killed / "results" / "results.md").read_text() == (reference / "results" / "results.md").read_text()


def test_two_seeds_give_mean_std_ci_and_p_value(runs):
    _, reference, _, _ = runs
    table = (reference / "results" / "results.md").read_text()
    assert "±" in table and "p" in table and "95%" in table
    results = json.loads((reference / "results" / "results.json").read_text())
    assert results["seeds"] == [0, 1]
    assert {(row["name"], row["seed"]) for row in results["results"]} >= {("baseline", 0), ("baseline", 1),
                                                                          ("student vit", 1)}  # fmt: skip
    from lugpi_hf.evaluation import read_predictions

    predictions = read_predictions(reference / "results" / "predictions.parquet")
    assert sorted({(p.model, p.seed) for p in predictions}) == sorted(
        (name, seed) for name in ("baseline", "teacher vit", "student vit") for seed in (0, 1)
    )


def test_a_token_in_the_config_is_in_no_file_of_the_run(runs):
    _, reference, _, _ = runs
    leaks = [str(path) for path in reference.rglob("*") if path.is_file() and SECRET.encode() in path.read_bytes()]
    assert leaks == []


def test_a_moved_run_directory_reruns_nothing(runs, tmp_path):
    config, reference, _, _ = runs
    moved = tmp_path / "moved"
    shutil.move(str(reference), moved)
    summary = run(config, moved)
    assert summary["ran"] == [] and "results" in summary["skipped"]
    shutil.move(str(moved), reference)
