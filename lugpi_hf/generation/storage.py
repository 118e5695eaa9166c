# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
The output directory of the generation stage: settings, Parquet shards in the prepared order, resume checks.

    output_dir/
        generation_settings.json                   what generated the images (checked on every rerun)
        data/<split>-<k>-of-<n>.parquet             rows k*shard_size ... (k+1)*shard_size - 1 of the split

Shard k always holds the same rows, in the prepared dataset's order, whatever process wrote it or when, so
`datasets.load_dataset("parquet", data_dir=...)` (which reads shards in name order) and `load_dataset_dict` give
the prepared order back after any kill, resume or number of processes. Each shard is written under a temporary
name, then renamed: a crash leaves complete shards only.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import torch
from transformers.utils import logging

from ..file_utils import atomic_path, atomic_write


logger = logging.get_logger(__name__)

GENERATION_SETTINGS_FILE = "generation_settings.json"
DATA_DIR = "data"
IMAGE_FORMATS = ("jpeg", "png")
# Resizing runs where the images are (on the accelerator when there is one), with torch: one filter everywhere.
RESIZE_FILTER = "bicubic, antialiased (torch.nn.functional.interpolate)"
SETTINGS_METADATA_KEY = b"lugpi_generation_settings"
SPLIT_NAME = re.compile(r"^\w+(\.\w+)*$")
_SHARD_NAME = re.compile(r"^(?P<split>\w+(?:\.\w+)*)-(?P<index>\d{5})-of-(?P<count>\d{5})\.parquet$")


def shard_name(split: str, index: int, count: int) -> str:
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def read_generation_settings(output_dir: str | os.PathLike) -> dict:
    """The settings recorded in `output_dir/generation_settings.json` by [`generate_privileged_images`]."""
    path = Path(output_dir) / GENERATION_SETTINGS_FILE
    if not path.is_file():
        raise ValueError(f"{path}: not found; is {output_dir} the output directory of `lugpi generate`?")
    return json.loads(path.read_text(encoding="utf-8"))["settings"]


def settings_diff(there: dict, here: dict) -> str:
    parts = []
    for key in sorted(set(there) | set(here)):
        a, b = there.get(key), here.get(key)
        if a != b:
            short = all(not isinstance(v, (dict, list)) and len(repr(v)) <= 80 for v in (a, b))
            parts.append(f"{key}: {a!r} there, {b!r} here" if short else f"{key} differs")
    return "; ".join(parts)


def list_shards(data_dir: Path) -> dict[str, dict[int, Path]]:
    """Every shard of `data_dir` by split and index; a Parquet file that is not one of ours is an error."""
    shards: dict[str, dict[int, Path]] = {}
    if not data_dir.is_dir():
        return shards
    for path in sorted(data_dir.iterdir()):
        match = _SHARD_NAME.match(path.name)
        if match:
            shards.setdefault(match["split"], {})[int(match["index"])] = path
        elif path.suffix == ".parquet":
            # `load_dataset("parquet")` would read it as rows of the dataset.
            raise ValueError(
                f"{path}: not a shard of this generation stage (expected <split>-<k>-of-<n>.parquet; older "
                "lugpi_hf versions named shards per process); generate into a new output directory."
            )
    return shards


def check_output_dir(output_dir: Path, settings: dict) -> None:
    """Refuse an output directory that holds images made with other settings: one line saying what differs."""
    manifest = output_dir / GENERATION_SETTINGS_FILE
    if manifest.is_file():
        try:
            there = json.loads(manifest.read_text(encoding="utf-8"))["settings"]
        except (json.JSONDecodeError, KeyError) as error:
            raise ValueError(f"{manifest}: unreadable generation settings ({error}).") from None
        if there != settings:
            raise ValueError(
                f"{output_dir} holds images generated with other settings ({settings_diff(there, settings)}); "
                "use another output directory, or the same settings to resume."
            )
    for paths in list_shards(output_dir / DATA_DIR).values():
        for path in paths.values():
            raw = (pq.read_schema(path).metadata or {}).get(SETTINGS_METADATA_KEY)
            there = json.loads(raw) if raw else {}
            if there != settings:
                raise ValueError(
                    f"{path}: shard generated with other settings ({settings_diff(there, settings)}); "
                    "use another output directory, or the same settings to resume."
                )


def write_manifest(output_dir: Path, settings: dict) -> None:
    from .. import __version__

    manifest = output_dir / GENERATION_SETTINGS_FILE
    if manifest.is_file():
        return
    atomic_write(manifest, json.dumps({"lugpi_hf_version": __version__, "settings": settings}, indent=2) + "\n")


def remove_stale_temporaries(output_dir: Path) -> None:
    # Left by a process killed while writing; the directory lock guarantees that no live writer owns them.
    for directory in (output_dir, output_dir / DATA_DIR):
        if directory.is_dir():
            for path in directory.glob(".*.tmp"):
                path.unlink(missing_ok=True)


def generated_features(features: datasets.Features) -> datasets.Features:
    features = features.copy()
    features["image"] = datasets.Image()
    features["seed"] = datasets.Value("int64")
    return features


class ShardWriter:
    """Writes the shards of one split: whole rows of the prepared dataset, their images and seeds."""

    def __init__(self, dataset: datasets.Dataset, data_dir: Path, split: str, settings: dict, shard_size: int):
        self.dataset = dataset.with_format("arrow")
        self.data_dir = data_dir
        self.split = split
        self.shard_size = shard_size
        self.num_shards = max(1, -(-dataset.num_rows // shard_size))
        features = generated_features(dataset.features)
        schema = features.arrow_schema
        self.schema = schema.with_metadata(
            {**schema.metadata, SETTINGS_METADATA_KEY: json.dumps(settings, sort_keys=True)}
        )
        self.image_type = features["image"].pa_type

    def rows(self, index: int) -> range:
        return range(index * self.shard_size, min((index + 1) * self.shard_size, self.dataset.num_rows))

    def path(self, index: int) -> Path:
        return self.data_dir / shard_name(self.split, index, self.num_shards)

    def write(self, index: int, images: list[bytes], seeds: list[int]) -> Path:
        """Write shard `index` (its rows' images and seeds, in row order) under a temporary name, then rename it."""
        rows = self.rows(index)
        table = self.dataset[rows.start : rows.stop]
        columns = table.columns + [
            pa.array([{"bytes": image, "path": None} for image in images], type=self.image_type),
            pa.array(seeds, type=pa.int64()),
        ]
        table = pa.Table.from_arrays(columns, schema=self.schema)
        path = self.path(index)
        with atomic_path(path, fsync=True) as tmp:
            # Row groups of 100 rows let the Hub's viewer and streaming readers page through images.
            pq.write_table(table, tmp, row_group_size=100)
        return path


def to_uint8(images: torch.Tensor, image_size: int | None) -> torch.Tensor:
    """
    (B, 3, H, W) floats in [0, 1] to (B, H', W', 3) uint8, the shorter side resized to `image_size` (bicubic,
    antialiased). On an accelerator the resize runs in float before rounding; on CPU after it, on uint8 pixels, where
    torch has a vectorised channels-last kernel about 10x faster (the two round differently by a few levels at most).
    """
    # diffusers' own conversion (`numpy_to_pil`): x * 255, rounded. `mul` copies: the pipeline's tensor is not ours.
    size = None
    if image_size is not None and min(images.shape[-2:]) != image_size:
        height, width = images.shape[-2:]
        scale = image_size / min(height, width)
        size = (round(height * scale), round(width * scale))
    if size is not None and images.device.type != "cpu":
        images = torch.nn.functional.interpolate(images.float(), size=size, mode="bicubic", antialias=True)
        size = None
    if images.device.type == "cpu":
        # One image at a time: a 3 MB temporary stays in cache, where a whole batch's 50 MB would not (6x faster).
        pixels = torch.empty(images.shape, dtype=torch.uint8)
        for index in range(images.shape[0]):
            pixels[index].copy_(images[index].float().mul(255).round_().clamp_(0, 255))
    else:
        pixels = images.float().mul(255).round_().clamp_(0, 255).to(torch.uint8)
    if size is not None:
        pixels = pixels.contiguous(memory_format=torch.channels_last)
        pixels = torch.nn.functional.interpolate(pixels, size=size, mode="bicubic", antialias=True)
    return pixels.permute(0, 2, 3, 1).contiguous()


def encode_images(pixels, image_format: str, jpeg_quality: int) -> list[bytes]:
    """Encode (B, H, W, 3) uint8 pixels as JPEG or PNG files' bytes."""
    from PIL import Image

    encoded = []
    for array in pixels.numpy():
        buffer = io.BytesIO()
        image = Image.fromarray(array)
        if image_format == "jpeg":
            image.save(buffer, format="JPEG", quality=jpeg_quality)
        else:
            image.save(buffer, format="PNG")
        encoded.append(buffer.getvalue())
    return encoded


def load_split(writer: ShardWriter, features, ids: list, id_column: str) -> datasets.Dataset:
    """The split's shards as one `Dataset`: the prepared rows, in the prepared order, each exactly once."""
    paths = [str(writer.path(index)) for index in range(writer.num_shards)]
    missing = [path for path in paths if not os.path.isfile(path)]
    if missing:
        raise ValueError(f"{missing[0]}: missing ({len(missing)} shards of {writer.split!r}); rerun to finish.")
    result = datasets.Dataset.from_parquet(paths, features=features, split=writer.split)
    if result[id_column] != ids:
        raise ValueError(f"{writer.data_dir}: the {writer.split!r} shards do not hold the prepared rows in order.")
    return result


__all__ = ["GENERATION_SETTINGS_FILE", "read_generation_settings"]
