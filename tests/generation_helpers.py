# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""What the stage-2 tests share: prepared splits, a prompt spy, image bytes, subprocess environments."""

import functools
import io
import os
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import datasets
import numpy as np
from PIL import Image


REPO_ROOT = Path(__file__).resolve().parents[1]
# PNG keeps pixels exact, so comparisons see the generator's output, not JPEG's.
FAST = dict(num_inference_steps=2, image_size=None, image_format="png", show_progress=False)
WORDS = "red blue green castle dog sea movie story night city forest river cat bird tree sun".split()


def make_prepared(num_rows: int, num_prompts: int | None = None, start: int = 0) -> datasets.Dataset:
    """A prepared split: id, text, prompt, label (ClassLabel); prompts repeat every `num_prompts` rows."""
    num_prompts = num_prompts or num_rows
    prompts = [f"a {WORDS[i % 16]} {WORDS[(i // 16 + 3) % 16]} number {i}" for i in range(num_prompts)]
    rows = range(start, start + num_rows)
    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "text": datasets.Value("string"),
            "prompt": datasets.Value("string"),
            "label": datasets.ClassLabel(names=["neg", "pos"]),
        }
    )
    return datasets.Dataset.from_dict(
        {
            "id": [f"row-{i:04d}" for i in rows],
            "text": [f"text of row {i}" for i in rows],
            "prompt": [prompts[i % num_prompts] for i in rows],
            "label": [i % 2 for i in rows],
        },
        features=features,
    )


@contextmanager
def record_calls(pipeline_class):
    """Patch a pipeline class to record the keyword arguments of every call (the real pipeline still runs)."""
    calls: list[dict] = []
    original = pipeline_class.__call__

    @functools.wraps(original)  # keeps the signature, which generation reads
    def spy(self, *args, **kwargs):
        calls.append(dict(kwargs))
        return original(self, *args, **kwargs)

    with mock.patch.object(pipeline_class, "__call__", spy):
        yield calls


@contextmanager
def count_prompts(pipeline_class=None):
    """The prompts of every pipeline call, one list per call (the real pipeline still runs)."""
    from diffusers import StableDiffusionPipeline

    pipeline_class = pipeline_class or StableDiffusionPipeline
    prompts: list[list[str]] = []
    original = pipeline_class.__call__

    @functools.wraps(original)  # keeps the signature, which generation reads
    def spy(self, *args, **kwargs):
        prompts.append(list(kwargs["prompt"]))
        return original(self, *args, **kwargs)

    with mock.patch.object(pipeline_class, "__call__", spy):
        yield prompts


def image_bytes(dataset: datasets.Dataset) -> dict[str, bytes]:
    raw = dataset.cast_column("image", datasets.Image(decode=False))
    return {row["id"]: row["image"]["bytes"] for row in raw}


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def shard_files(output_dir: Path) -> list[Path]:
    return sorted((output_dir / "data").glob("*.parquet"))


def read_back(output_dir: Path) -> datasets.Dataset:
    """The train split as the next stage reads it: `load_dataset("parquet", data_dir=...)`, files in name order."""
    return datasets.load_dataset("parquet", data_dir=str(output_dir), split="train")


def subprocess_env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "CUDA_VISIBLE_DEVICES": "",
        "HF_HUB_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",
    }


# Generation in a subprocess: the prepared dataset's directory, the output directory, seconds of sleep per call.
GENERATE_SCRIPT = """
import functools, sys, time
import datasets, torch
from diffusers import StableDiffusionPipeline
from lugpi_hf.generation import generate_privileged_images
from lugpi_hf.testing import get_tiny_text_to_image_pipeline

torch.set_num_threads(1)
dataset_dir, output_dir, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])
if delay:
    original = StableDiffusionPipeline.__call__
    @functools.wraps(original)  # generation reads the pipeline's defaults from its signature
    def slow_call(self, *args, **kwargs):
        time.sleep(delay)
        return original(self, *args, **kwargs)
    StableDiffusionPipeline.__call__ = slow_call
generate_privileged_images(
    datasets.load_from_disk(dataset_dir), get_tiny_text_to_image_pipeline(), output_dir,
    batch_size=2, shard_size=4, num_inference_steps=2, image_size=None, image_format="png", show_progress=False,
)
"""
