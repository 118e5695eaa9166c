# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Loading the datasets the stages pass to each other: a local directory or a Hub id, one call."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import datasets
from transformers.utils import logging

from .outputs import check_replaceable


logger = logging.get_logger(__name__)

# What `save_to_disk` always writes: how `save_to_disk_atomic` knows an earlier dataset it may replace.
SAVE_TO_DISK_RECORDS = ("dataset_dict.json", "state.json")
_FILE_BUILDERS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}


def load_dataset_dict(name_or_path: str | Path, config_name: str | None = None) -> datasets.DatasetDict:
    """
    Load a `DatasetDict` from what a LUGPI stage wrote or a user points at:

    - a directory written by `save_to_disk` (a `DatasetDict`, or a single `Dataset`, returned as `train`);
    - a directory of Parquet files, or a csv/json/parquet file;
    - otherwise a dataset id on the Hugging Face Hub, with `config_name` if it has several.
    """
    path = Path(name_or_path)
    if path.is_dir():
        if (path / "dataset_dict.json").is_file():
            return datasets.load_from_disk(str(path))
        if (path / "state.json").is_file():
            return datasets.DatasetDict({"train": datasets.load_from_disk(str(path))})
        if any(path.rglob("*.parquet")):
            return datasets.load_dataset("parquet", data_dir=str(path))
        raise ValueError(
            f"{path}: not a dataset directory (expected `save_to_disk` output with dataset_dict.json or "
            "state.json, or Parquet files)."
        )
    if path.suffix in _FILE_BUILDERS:
        if not path.is_file():
            raise ValueError(f"{path}: no such file.")
        kwargs = {"delimiter": "\t"} if path.suffix == ".tsv" else {}
        return datasets.load_dataset(_FILE_BUILDERS[path.suffix], data_files=str(path), **kwargs)
    logger.info(f"{name_or_path} is not a local path; loading it from the Hugging Face Hub.")
    return datasets.load_dataset(str(name_or_path), config_name)


def load_split(name_or_path: str | Path, split: str, config_name: str | None = None) -> datasets.Dataset:
    """One split of [`load_dataset_dict`]; a missing split is a one-line `ValueError` listing the others."""
    dataset = load_dataset_dict(name_or_path, config_name)
    if split not in dataset:
        raise ValueError(f"{name_or_path}: no split {split!r} (splits: {list(dataset)}).")
    return dataset[split]


def require_columns(dataset: datasets.Dataset, columns, where: str = "The dataset") -> None:
    """Raise a one-line `ValueError` naming `where` and the first of `columns` that `dataset` lacks."""
    for column in columns:
        if column not in dataset.column_names:
            raise ValueError(f"{where}: no column {column!r} (columns: {dataset.column_names}).")


def label_names(dataset: datasets.Dataset, label_column: str = "label") -> list[str]:
    """The class names of `label_column`: a `ClassLabel`'s names, or the sorted distinct values as strings."""
    require_columns(dataset, [label_column])
    feature = dataset.features[label_column]
    if isinstance(feature, datasets.ClassLabel):
        return list(feature.names)
    return [str(value) for value in sorted(set(dataset[label_column]))]


def save_to_disk_atomic(
    dataset: datasets.Dataset | datasets.DatasetDict,
    output_dir: str | Path,
    *,
    overwrite: bool = False,
    extra_files: dict[str, str] | None = None,
) -> Path:
    """
    `dataset.save_to_disk(output_dir)`, all or nothing: written to a temporary sibling folder, then renamed, so an
    interrupted run never leaves a half-written dataset where the next stage looks for it.

    Args:
        dataset (`Dataset` or `DatasetDict`):
            What to save.
        output_dir (`str` or `Path`):
            The folder to create.
        overwrite (`bool`, *optional*, defaults to `False`):
            Replace `output_dir` if it is an earlier `save_to_disk` dataset (it holds `dataset_dict.json` or
            `state.json`) or an empty folder; anything else there is a `ValueError`, and so is an existing
            `output_dir` without `overwrite`.
        extra_files (`dict[str, str]`, *optional*):
            Text files to write beside the dataset, by name, before the rename: they appear with it or not at all.
    """
    output_dir = Path(output_dir)
    if output_dir.exists() and not overwrite:
        raise ValueError(f"{output_dir}: already exists (expected a new folder; pass overwrite to replace it).")
    check_replaceable(output_dir, recognised_by=SAVE_TO_DISK_RECORDS, what="a dataset saved by `save_to_disk`")
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    temporary = output_dir.with_name(f".{output_dir.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        dataset.save_to_disk(str(temporary))
        for name, text in (extra_files or {}).items():
            (temporary / name).write_text(text)
        if output_dir.exists():
            # A folder cannot be renamed onto a non-empty one: move the old one aside first.
            previous = output_dir.with_name(f".{output_dir.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(output_dir, previous)
            os.replace(temporary, output_dir)
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(temporary, output_dir)
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
    return output_dir


def config_label_names(config) -> list[str]:
    """The class names of a model config, in class-index order (`id2label`)."""
    id2label = {int(index): name for index, name in (config.id2label or {}).items()}
    return [id2label.get(index, f"LABEL_{index}") for index in range(config.num_labels)]


def _unnamed(names: list[str]) -> bool:
    # transformers' default names: a model created with only `num_labels` says nothing about what its classes mean.
    return names == [f"LABEL_{index}" for index in range(len(names))]


def check_label_names(names: list[str], what: str, other_names: list[str], other_what: str) -> None:
    """
    Raise a one-line `ValueError` when two label sets disagree: a different number of classes, or different
    names in class-index order. transformers' default names (`LABEL_0`, ...) match any names of the same length.
    """
    if len(names) != len(other_names):
        raise ValueError(
            f"{what} has {len(names)} labels {names} but {other_what} has {len(other_names)} {other_names}."
        )
    if names != other_names and not (_unnamed(names) or _unnamed(other_names)):
        raise ValueError(
            f"label names disagree: {what} has {names} but {other_what} has {other_names} (same order expected)."
        )


__all__ = [
    "SAVE_TO_DISK_RECORDS",
    "check_label_names",
    "config_label_names",
    "label_names",
    "load_dataset_dict",
    "load_split",
    "require_columns",
    "save_to_disk_atomic",
]
