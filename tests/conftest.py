# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Every test runs offline, on CPU, with Hugging Face caches in a temp directory."""

import os
import socket
import tempfile
from pathlib import Path

import pytest


# Set before transformers / datasets are imported: they read these once, at import time. Caches (remote
# code, datasets) go to a temp dir, never to the user's ~/.cache.
os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="lugpi-tests-hf-home-")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ["CUDA_VISIBLE_DEVICES"] = ""

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def free_port() -> int:
    """A free loopback port, so that distributed test runs on one machine do not collide."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def shared_data() -> Path:
    """`../shared/data` beside the repository; tests that need it skip with a reason where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data files not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def local_hub(tmp_path):
    """
    A loopback-only Hugging Face Hub (`tests/hub_server.py`'s `LocalHub`) for this test. The clients read the Hub
    settings at import time, so run them in a subprocess: `subprocess.run(..., env=local_hub.env(tmp_path / "home"))`.
    """
    from hub_server import LocalHub

    with LocalHub(tmp_path / "local-hub") as hub:
        yield hub


def teacher_stage_arguments(directory: Path, vision: str = "vit", train_rows: int = 64) -> list[str]:
    """
    What `lugpi train-teacher` needs, made offline under `directory`: the tiny demo checkpoints as pretrained
    encoders and a toy text+image dataset on disk (train and validation); returns the command-line options.
    """
    from datasets import DatasetDict

    from lugpi_hf.testing import make_toy_text_image_dataset, save_tiny_checkpoints

    models = save_tiny_checkpoints(directory / "models")
    data = DatasetDict(
        {"train": make_toy_text_image_dataset(train_rows, seed=0), "validation": make_toy_text_image_dataset(32, seed=1)}
    )
    data.save_to_disk(directory / "data")
    return ["--dataset_name", str(directory / "data"), "--text_model_name_or_path", str(models["text"]),
            "--vision_model_name_or_path", str(models[vision]), "--max_length", "64"]  # fmt: skip
