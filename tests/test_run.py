# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi run --preset demo` end to end, as a user runs it: a subprocess into a temporary directory."""

import json
import subprocess
import sys

import pytest
from huggingface_hub import ModelCard
from PIL import Image

from lugpi_hf.dataset_io import load_dataset_dict
from lugpi_hf.run import DEMO_NOTICE, LugpiRunConfig, list_presets


def lugpi_run(output_dir, *extra):
    result = subprocess.run(
        [sys.executable, "-m", "lugpi_hf.cli", "run", "--preset", "demo", "--output-dir", str(output_dir), *extra],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout, json.loads((output_dir / "run_summary.json").read_text())


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("demo")
    stdout, summary = lugpi_run(output_dir)
    return output_dir, stdout, summary


STAGES = ["models", "prepare", "generate", "teacher-vit", "cache-vit", "student-vit", "teacher-clip", "cache-clip",
          "student-clip", "baseline", "image-only-vit", "image-only-clip", "results"]


def test_demo_writes_every_artefact(demo_run):
    output_dir, stdout, summary = demo_run
    assert summary["ran"] == STAGES and summary["skipped"] == []
    prepared = load_dataset_dict(output_dir / "prepare" / "dataset")
    assert {split: len(prepared[split]) for split in prepared} == {"train": 96, "validation": 32, "test": 48}
    generated = load_dataset_dict(output_dir / "generate" / "dataset")
    assert type(generated["train"].features["image"]).__name__ == "Image"
    assert generated["train"][0]["image"].size == (32, 32)
    for name in ("teacher-vit", "teacher-clip"):
        assert (output_dir / name / "model.safetensors").is_file()
        assert "LUGPI teacher" in (output_dir / name / "README.md").read_text()
    for name in ("student-vit", "student-clip"):
        assert (output_dir / name / "model.safetensors").is_file()
        assert "LUGPI student" in (output_dir / name / "README.md").read_text()
    # The cards' model-index names the dataset the run prepared, not its generate/dataset folder.
    for name in ("teacher-vit", "student-clip"):
        card = ModelCard.load(output_dir / name / "README.md")
        assert {result.dataset_name for result in card.data.eval_results} == {"lugpi demo (toy)"}, name
        assert not card.data.datasets, name  # a local toy set: no Hub dataset to link
    assert (output_dir / "cache-vit" / "cache").is_dir()
    results = json.loads((output_dir / "results" / "results.json").read_text())
    names = [row["name"] for row in results["results"]]
    assert sorted(names) == sorted(["baseline", "image-only vit", "image-only clip", "teacher vit", "teacher clip",
                                    "student vit", "student clip"])
    for png in (output_dir / "results" / "results.png", output_dir / "generate" / "image_grid.png"):
        assert Image.open(png).format == "PNG"
    # The table is printed, and the demo says what it is.
    assert "| teacher vit |" in stdout and "| student clip |" in stdout
    assert DEMO_NOTICE in stdout


def test_rerun_skips_finished_stages_and_redoes_a_corrupted_one(demo_run):
    output_dir, _, _ = demo_run
    _, summary = lugpi_run(output_dir)
    assert summary["ran"] == [] and summary["skipped"] == STAGES

    weights = output_dir / "student-clip" / "model.safetensors"
    original = weights.read_bytes()
    data = bytearray(original)
    data[-1] ^= 0xFF  # same size, one flipped byte
    weights.write_bytes(bytes(data))
    stdout, summary = lugpi_run(output_dir)
    assert summary["ran"] == ["student-clip", "results"]
    assert "student-clip: " in stdout and "changed since the stage finished" in stdout
    # Redone alone, after the other stages: the same seed gives the same weights, bit for bit.
    assert weights.read_bytes() == original


def test_presets_and_config_errors(tmp_path):
    assert {"demo", "imdb", "20newsgroups", "cwi-news", "cwi-wikinews"} <= set(list_presets())
    imdb = LugpiRunConfig.from_preset("imdb")
    assert imdb.distillation == {"alpha": 3.0, "beta": 1.0, "temperature": 8.0, "soft_loss": "teacher_only",
                                 "embedding_loss": "mse"}
    assert imdb.training["learning_rate"] == 5e-5 and imdb.training["per_device_train_batch_size"] == 14
    assert imdb.training["num_train_epochs"] == 100
    with pytest.raises(ValueError, match="Unknown preset 'mnist'"):
        LugpiRunConfig.from_preset("mnist")
    bad = tmp_path / "bad.yaml"
    bad.write_text("dataset: imdb\nteachers: {vit: {text_model: t, vision_model: v}}\nepochs: 3\n")
    with pytest.raises(ValueError, match=r"bad.yaml: unknown key 'epochs'"):
        LugpiRunConfig.from_yaml(bad)
    bad.write_text("dataset: imdb\nteachers: {vit: {text_model: t}}\n")
    with pytest.raises(ValueError, match=r"bad.yaml: teachers.vit: missing 'vision_model_name_or_path'"):
        LugpiRunConfig.from_yaml(bad)


def test_push_the_run_and_load_it_back(demo_run, local_hub, tmp_path):
    """`lugpi push` with the real clients against the loopback Hub, then everything pulled back and compared."""
    from hub_server import DEFAULT_USER

    output_dir = demo_run[0]
    env = local_hub.env(tmp_path / "home")
    push = subprocess.run(
        [sys.executable, "-m", "lugpi_hf.cli", "push", str(output_dir), "--namespace", DEFAULT_USER, "--prefix", "demo"],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert push.returncode == 0, push.stderr[-4000:]
    for stage in ("generate", "teacher-vit", "student-vit", "teacher-clip", "student-clip"):
        assert f"{stage}: pushed to {DEFAULT_USER}/demo-" in push.stdout

    code = f"""
import numpy as np, torch
from datasets import load_dataset
from huggingface_hub import hf_hub_download
from transformers import AutoModelForSequenceClassification, pipeline
import lugpi_hf
from lugpi_hf.dataset_io import load_dataset_dict

user, run = {DEFAULT_USER!r}, {str(output_dir)!r}
teacher = AutoModelForSequenceClassification.from_pretrained(f"{{user}}/demo-teacher-vit")
local = AutoModelForSequenceClassification.from_pretrained(f"{{run}}/teacher-vit")
assert all(torch.equal(a, b) for a, b in zip(teacher.state_dict().values(), local.state_dict().values()))

texts = ["the movie was great", "the worst film"]
pulled = pipeline("text-classification", model=f"{{user}}/demo-student-clip", top_k=None)(texts)
expected = pipeline("text-classification", model=f"{{run}}/student-clip", top_k=None)(texts)
assert pulled == expected, (pulled, expected)
card = open(hf_hub_download(f"{{user}}/demo-student-clip", "README.md")).read()
assert f"| teacher | {{user}}/demo-teacher-clip |" in card, card

images = load_dataset(f"{{user}}/demo-images")
generated = load_dataset_dict(f"{{run}}/generate/dataset")
assert sorted(images) == sorted(generated)
for split in generated:
    assert images[split]["id"] == generated[split]["id"]
    assert np.array_equal(np.asarray(images[split][0]["image"]), np.asarray(generated[split][0]["image"]))
print("ROUND-TRIP-OK")
"""
    pull = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert pull.returncode == 0, pull.stderr[-4000:]
    assert "ROUND-TRIP-OK" in pull.stdout
    assert local_hub.refused == []


def test_a_config_file_with_local_checkpoints_and_parquet_files(tmp_path):
    """The non-demo path: a user's YAML naming checkpoint directories and a local dataset, one teacher."""
    from lugpi_hf.run import run_lugpi
    from lugpi_hf.testing import make_toy_demo_dataset, save_tiny_checkpoints

    models = save_tiny_checkpoints(tmp_path / "models")
    (tmp_path / "reviews").mkdir()
    for split, rows in make_toy_demo_dataset().items():
        rows.rename_columns({"text": "review", "label": "sentiment"}).remove_columns("prompt").to_parquet(
            tmp_path / "reviews" / f"{split}.parquet"
        )
    config = tmp_path / "experiment.yaml"
    config.write_text(
        f"""
dataset: {tmp_path / "reviews"}
prepare: {{text_column: review, label_column: sentiment}}
generation: {{generator: {models["generator"]}, num_inference_steps: 1, image_size: 0, batch_size: 32}}
teachers:
  clip: {{text_model: {models["text"]}, vision_model: {models["clip"]}, max_length: 64}}
student_model: {models["text"]}
image_only: false
training: {{learning_rate: 3.0e-3, num_train_epochs: 2, per_device_train_batch_size: 32, use_cpu: true}}
distillation: {{alpha: 3.0, beta: 1.0, temperature: 8.0}}
"""
    )
    lines = []
    summary = run_lugpi(LugpiRunConfig.from_yaml(config), tmp_path / "run", report=lines.append)
    assert summary["ran"] == ["prepare", "generate", "teacher-clip", "cache-clip", "student-clip", "baseline", "results"]
    prepared = load_dataset_dict(tmp_path / "run" / "prepare" / "dataset")
    assert prepared["train"].features["label"].names == ["positive", "negative"]
    assert prepared["test"]["text"] == make_toy_demo_dataset()["test"]["text"]
    results = json.loads((tmp_path / "run" / "results" / "results.json").read_text())
    assert sorted(row["name"] for row in results["results"]) == ["baseline", "student clip", "teacher clip"]
    assert DEMO_NOTICE not in lines
