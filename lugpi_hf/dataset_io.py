# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Loading the datasets the stages pass to each other: a local directory or a Hub id, one call."""

from __future__ import annotations

import codecs
import hashlib
import os
import shutil
import uuid
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
from datasets.exceptions import DatasetGenerationError
from transformers.utils import logging

from .outputs import check_replaceable


logger = logging.get_logger(__name__)

# What `save_to_disk` always writes: how `save_to_disk_atomic` knows an earlier dataset it may replace.
SAVE_TO_DISK_RECORDS = ("dataset_dict.json", "state.json")
_FILE_BUILDERS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}
_TEXT_SUFFIXES = (".csv", ".tsv", ".json", ".jsonl")
_UTF8_CHUNK = 1 << 24


def check_utf8(path: str | Path) -> None:
    """
    Raise a one-line `ValueError` naming `path` and the line of its first byte that is not UTF-8.

    Read in chunks, so a file of any size costs one pass and little memory. A UTF-8 byte-order mark is accepted.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines_before = 0  # newlines in the bytes already decoded
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(_UTF8_CHUNK)
            # An incomplete character at a chunk's end waits in the decoder's buffer and holds no newline.
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                data = pending + chunk
                line = lines_before + data.count(b"\n", 0, error.start) + 1
                raise ValueError(
                    f"{path}, line {line}: byte 0x{data[error.start]:02x} is not UTF-8 "
                    "(expected a UTF-8 text file; re-save it as UTF-8)."
                ) from None
            if not chunk:
                return
            lines_before += chunk.count(b"\n")


def _check_parquet_footers(files: list[Path]) -> None:
    # A truncated shard loses its footer, the last bytes of the file: reading the footers is cheap and names it.
    for file in files:
        try:
            pq.read_metadata(file)
        except (pa.ArrowException, OSError) as error:
            raise ValueError(
                f"{file}: not a readable Parquet file, truncated or corrupted ({_one_line(error)})."
            ) from None


def _one_line(error: BaseException) -> str:
    # datasets wraps the builder's error in a DatasetGenerationError that says only "An error occurred".
    while isinstance(error, DatasetGenerationError) and error.__cause__ is not None:
        error = error.__cause__
    return " ".join(f"{type(error).__name__}: {error}".split())


def _first_unreadable(files: list[Path], read) -> tuple[Path, BaseException] | tuple[None, None]:
    """The first of `files` that `read` fails on, and its error: a load failed and the user needs the file."""
    for file in files:
        try:
            read(file)
        except (pa.ArrowException, OSError, ValueError) as error:
            return file, error
    return None, None


def _read_arrow_file(file: Path) -> None:
    with pa.memory_map(str(file)) as source:
        pa.ipc.open_stream(source).read_all()


def _load_parquet(path: Path, files: list[Path]) -> datasets.DatasetDict:
    _check_parquet_footers(files)
    try:
        if path.is_dir():
            return datasets.load_dataset("parquet", data_dir=str(path))
        return datasets.load_dataset("parquet", data_files=str(path))
    except (DatasetGenerationError, pa.ArrowException, OSError) as error:
        file, cause = _first_unreadable(files, pq.read_table)
        raise ValueError(
            f"{file or path}: not a readable Parquet file, corrupted ({_one_line(cause or error)})."
        ) from error


def _load_from_disk(path: Path):
    try:
        return datasets.load_from_disk(str(path))
    except (pa.ArrowException, OSError) as error:
        file, cause = _first_unreadable(sorted(path.rglob("*.arrow")), _read_arrow_file)
        raise ValueError(
            f"{file or path}: not a readable Arrow file of a saved dataset, truncated or corrupted "
            f"({_one_line(cause or error)})."
        ) from error


def load_dataset_dict(name_or_path: str | Path, config_name: str | None = None) -> datasets.DatasetDict:
    """
    Load a `DatasetDict` from what a LUGPI stage wrote or a user points at:

    - a directory written by `save_to_disk` (a `DatasetDict`, or a single `Dataset`, returned as `train`);
    - a directory of Parquet files, or a csv/tsv/json/jsonl/parquet file;
    - otherwise a dataset id on the Hugging Face Hub, with `config_name` if it has several.

    Bad local files are a one-line `ValueError` naming the file: a text file that is not UTF-8 (with the line of
    the first bad byte), a truncated or corrupted Parquet or Arrow file, a file of another type, or one `datasets`
    cannot parse (with its parser's reason).
    """
    path = Path(name_or_path)
    if path.is_dir():
        if (path / "dataset_dict.json").is_file():
            return _load_from_disk(path)
        if (path / "state.json").is_file():
            return datasets.DatasetDict({"train": _load_from_disk(path)})
        parquet_files = sorted(path.rglob("*.parquet"))
        if parquet_files:
            return _load_parquet(path, parquet_files)
        raise ValueError(
            f"{path}: not a dataset directory (expected `save_to_disk` output with dataset_dict.json or "
            "state.json, or Parquet files)."
        )
    if path.suffix in _FILE_BUILDERS:
        if not path.is_file():
            raise ValueError(f"{path}: no such file.")
        if path.suffix == ".parquet":
            return _load_parquet(path, [path])
        check_utf8(path)
        kwargs = {"delimiter": "\t"} if path.suffix == ".tsv" else {}
        try:
            return datasets.load_dataset(_FILE_BUILDERS[path.suffix], data_files=str(path), **kwargs)
        except (DatasetGenerationError, pa.ArrowException, OSError, ValueError) as error:
            raise ValueError(
                f"{path}: cannot be read as {path.suffix[1:].upper()} ({_one_line(error)})."
            ) from error
    if path.is_file():
        raise ValueError(
            f"{path}: unsupported file type {path.suffix or '(no suffix)'!r} "
            f"(expected one of {', '.join(_FILE_BUILDERS)}, or a dataset directory)."
        )
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
            raise ValueError(f"{where} has no {column!r} column (columns: {dataset.column_names}).")


def rows_fingerprint(dataset: datasets.Dataset, columns: list[str], batch_size: int = 1024) -> str:
    """
    The sha256 of the rows' values in `columns` (image bytes included), whatever their order and wherever the files
    are: each row is hashed on its own and the sorted row hashes are hashed together. `datasets`' own `_fingerprint`
    is not that: for Parquet shards it follows their paths and modification times, so a copied or moved run
    directory, or another spelling of the same path, would look like another dataset.
    """
    require_columns(dataset, columns)
    table = dataset.select_columns(list(columns)).with_format("arrow")
    row_hashes = []
    for batch in table.iter(batch_size=batch_size):
        values = [batch.column(name).to_pylist() for name in columns]
        for row in zip(*values):
            digest = hashlib.sha256()
            for value in row:
                _hash_value(digest, value)
            row_hashes.append(digest.digest())
    digest = hashlib.sha256()
    for row_hash in sorted(row_hashes):
        digest.update(row_hash)
    return digest.hexdigest()


def _hash_value(digest, value) -> None:
    # Length-prefixed, so that no two different rows feed the same bytes; an image is {"bytes", "path"}.
    if isinstance(value, dict):
        if value.get("bytes") is not None:
            value = {"bytes": value["bytes"]}  # an embedded image's `path` is only the name it once had
        for key in sorted(value):
            _hash_value(digest, key)
            _hash_value(digest, value[key])
        return
    data = value if isinstance(value, bytes) else repr(value).encode()
    digest.update(b"%c%d:" % (98 if isinstance(value, bytes) else 118, len(data)))
    digest.update(data)


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
    "check_utf8",
    "config_label_names",
    "label_names",
    "load_dataset_dict",
    "load_split",
    "require_columns",
    "rows_fingerprint",
    "save_to_disk_atomic",
]
