# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 4, cache-teacher: one pass of the frozen teacher over the training set, stored per row id.

The teacher is deterministic in eval mode, so distilling from its cached logits and embeddings gives exactly the
online teacher's loss, at the cost of plain fine-tuning. A cache records which teacher checkpoint (a hash of
its weights and config) and which dataset (its `datasets` fingerprint) it was built from, and refuses to be
used with another.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
import numpy as np
import torch
from transformers import AutoModelForSequenceClassification, AutoProcessor
from transformers.utils import logging

from .arguments import TextImageDatasetArguments
from .data_collator import LugpiTextImageCollator, teacher_signal_columns
from .dataset_io import (
    check_label_names,
    config_label_names,
    label_names,
    require_columns,
    rows_fingerprint,
    save_to_disk_atomic,
)
from .file_utils import sha256_file
from .outputs import check_replaceable
from .prediction import predict


logger = logging.get_logger(__name__)

CACHE_METADATA_NAME = "lugpi_teacher_cache.json"
# 2: the dataset is identified by its rows' content (`rows_fingerprint`), not by `datasets`' `_fingerprint`.
CACHE_FORMAT_VERSION = 2


def _checkpoint_directory(teacher_model_name_or_path: str | os.PathLike, revision: str | None) -> Path:
    path = Path(teacher_model_name_or_path)
    if path.is_dir():
        return path
    from huggingface_hub import snapshot_download

    # Only what the hash reads; `from_pretrained` finds the same files in the cache afterwards.
    return Path(
        snapshot_download(
            str(teacher_model_name_or_path),
            revision=revision,
            allow_patterns=["config.json", "*.safetensors", "*.safetensors.index.json"],
        )
    )


def teacher_fingerprint(teacher_model_name_or_path: str | os.PathLike, revision: str | None = None) -> str:
    """
    The sha256 of a teacher checkpoint: its `config.json` and every `*.safetensors` weight file, by name and
    content. Two directories holding the same checkpoint give the same hash.

    Args:
        teacher_model_name_or_path (`str` or `os.PathLike`):
            A local checkpoint directory or a Hub id (resolved to its snapshot in the local cache).
        revision (`str`, *optional*):
            Hub revision of a Hub id.
    """
    directory = _checkpoint_directory(teacher_model_name_or_path, revision)
    weights = sorted(directory.glob("*.safetensors"))
    config = directory / "config.json"
    if not config.is_file() or not weights:
        raise ValueError(
            f"{teacher_model_name_or_path}: not a safetensors checkpoint (expected config.json and *.safetensors)."
        )
    digest = hashlib.sha256()
    for file in [config, *weights]:
        digest.update(file.name.encode())
        sha256_file(file, digest)
    return digest.hexdigest()


@dataclass
class TeacherCache:
    r"""
    A teacher's logits and embeddings for every row of a dataset split, keyed by the row id, with what they were
    built from.

    Args:
        dataset ([`datasets.Dataset`]):
            Columns: the id column, `teacher_logits` (`num_labels` floats) and `teacher_embedding` (the teacher
            embedding e_T, `embedding_size` floats).
        metadata (`dict`):
            `teacher`, `teacher_fingerprint`, `dataset_fingerprint` (the [`rows_fingerprint`] of the id, text and
            image columns), `text_fingerprint` (of the id and text columns), `id_column`, `text_column`,
            `image_column`, `label_names`, `embedding_size`, `num_rows`, `format_version`.
        path (`str`, *optional*):
            The directory it was loaded from, for error messages.

    Example:

    ```python
    >>> from lugpi_hf.teacher_cache import TeacherCache, build_teacher_cache

    >>> cache = build_teacher_cache("teacher-imdb-vit", dataset["train"])
    >>> cache.save_to_disk("teacher-cache-imdb-vit")
    >>> cache = TeacherCache.load("teacher-cache-imdb-vit")
    >>> cache.dataset.column_names
    ['id', 'teacher_logits', 'teacher_embedding']
    ```
    """

    dataset: datasets.Dataset
    metadata: dict[str, Any]
    path: str | None = field(default=None)

    @property
    def name(self) -> str:
        return f"teacher cache {self.path}" if self.path else "teacher cache"

    @property
    def label_names(self) -> list[str]:
        return list(self.metadata["label_names"])

    @property
    def embedding_size(self) -> int:
        return int(self.metadata["embedding_size"])

    def save_to_disk(self, path: str | os.PathLike) -> None:
        """
        Write the cache to `path`, dataset and metadata all or nothing. An existing `path` is replaced only if it is
        an earlier teacher cache (it holds `lugpi_teacher_cache.json`) or an empty folder; anything else there (a
        teacher checkpoint, a dataset) is a `ValueError`, and left as it is.
        """
        check_replaceable(path, recognised_by=(CACHE_METADATA_NAME,), what="a LUGPI teacher cache")
        metadata = {CACHE_METADATA_NAME: json.dumps(self.metadata, indent=2) + "\n"}
        path = save_to_disk_atomic(self.dataset, path, overwrite=True, extra_files=metadata)
        self.path = str(path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> TeacherCache:
        """Load a cache written by [`TeacherCache.save_to_disk`] (or `lugpi cache-teacher`)."""
        path = Path(path)
        metadata_file = path / CACHE_METADATA_NAME
        if not metadata_file.is_file():
            raise ValueError(f"{path}: not a LUGPI teacher cache (no {CACHE_METADATA_NAME}); build one with "
                             "`lugpi cache-teacher`.")  # fmt: skip
        metadata = json.loads(metadata_file.read_text())
        if metadata.get("format_version") != CACHE_FORMAT_VERSION:
            raise ValueError(
                f"{metadata_file}: format_version {metadata.get('format_version')!r}, expected "
                f"{CACHE_FORMAT_VERSION}; rebuild the cache with this version of lugpi_hf."
            )
        return cls(dataset=datasets.load_from_disk(str(path)), metadata=metadata, path=str(path))

    def check_teacher(self, teacher_model_name_or_path: str | os.PathLike, revision: str | None = None) -> None:
        """Raise a `ValueError` unless this cache was built from `teacher_model_name_or_path`'s checkpoint."""
        fingerprint = teacher_fingerprint(teacher_model_name_or_path, revision)
        if fingerprint != self.metadata["teacher_fingerprint"]:
            raise ValueError(
                f"{self.name} was built from another teacher ({self.metadata['teacher']}, sha256 "
                f"{self.metadata['teacher_fingerprint'][:12]}), not {teacher_model_name_or_path} (sha256 "
                f"{fingerprint[:12]}); rebuild it with `lugpi cache-teacher`."
            )

    def rows_for(self, dataset: datasets.Dataset, id_column: str | None = None) -> datasets.Dataset:
        """
        The cache rows in the order of `dataset`'s ids, after checking that the cache was built from this dataset
        and covers every id.
        """
        id_column = id_column or self.metadata["id_column"]
        # The rows the teacher read, compared by content; a text-only training set (the student needs no image
        # once the teacher's outputs are cached) is compared on its ids and texts.
        text_column, image_column = self.metadata["text_column"], self.metadata["image_column"]
        if image_column in dataset.column_names:
            columns, recorded = [id_column, text_column, image_column], self.metadata["dataset_fingerprint"]
        else:
            columns, recorded = [id_column, text_column], self.metadata["text_fingerprint"]
        require_columns(dataset, columns, where=f"The training set (looked up in the {self.name})")
        if rows_fingerprint(dataset, columns) != recorded:
            raise ValueError(
                f"{self.name} was built from another dataset than the training set (their {', '.join(columns)} "
                "columns differ); rebuild it on this dataset with `lugpi cache-teacher`."
            )
        position = {row_id: index for index, row_id in enumerate(self.dataset[self.metadata["id_column"]])}
        ids = list(dataset[id_column])
        missing = [row_id for row_id in ids if row_id not in position]
        if missing:
            raise ValueError(
                f"{self.name} is missing {len(missing)} of the training set's {len(ids)} ids (first: "
                f"{missing[:3]}); rebuild it with `lugpi cache-teacher`."
            )
        return self.dataset.select([position[row_id] for row_id in ids]).flatten_indices()


def build_teacher_cache(
    teacher_model_name_or_path: str | os.PathLike,
    dataset: datasets.Dataset,
    *,
    batch_size: int = 32,
    text_column: str = "text",
    image_column: str = "image",
    id_column: str = "id",
    label_column: str = "label",
    max_length: int | None = None,
    device: str | torch.device | None = None,
    revision: str | None = None,
    dataloader_num_workers: int = 0,
    bf16: bool = False,
) -> TeacherCache:
    r"""
    Run the frozen teacher (eval mode, no gradient, batched) once over a text + image dataset split and keep its
    logits and embeddings e_T per row id. It runs through `Trainer.predict` with the teacher stage's collator, so
    under `accelerate launch` every process takes a share of the rows.

    Args:
        teacher_model_name_or_path (`str` or `os.PathLike`):
            A trained LUGPI teacher (directory written by `trainers/train_teacher.py`, or a Hub id) with its
            processor.
        dataset ([`datasets.Dataset`]):
            The split the student will train on, with id, text and image columns.
        batch_size (`int`, *optional*, defaults to 32):
            Rows per teacher forward pass.
        text_column (`str`, *optional*, defaults to `"text"`):
            Column with the text.
        image_column (`str`, *optional*, defaults to `"image"`):
            Column with the generated image.
        id_column (`str`, *optional*, defaults to `"id"`):
            Column with a unique id per row, the key of the cache.
        label_column (`str`, *optional*, defaults to `"label"`):
            Column whose class names are checked against the teacher's (skipped if absent).
        max_length (`int`, *optional*):
            Longest tokenized text. Defaults to the tokenizer's limit.
        device (`str` or `torch.device`, *optional*):
            Where the teacher runs: `"cpu"`, or by default the accelerator `Trainer` finds (CUDA when available).
        revision (`str`, *optional*):
            Hub revision of a Hub teacher.
        dataloader_num_workers (`int`, *optional*, defaults to 0):
            Processes that decode the images and run the processor off the main process.
        bf16 (`bool`, *optional*, defaults to `False`):
            Run the teacher under bf16 autocast (the cache stores float32).
    """
    require_columns(dataset, (id_column, text_column, image_column))
    ids = list(dataset[id_column])
    if len(set(ids)) != len(ids):
        seen, duplicates = set(), []
        for row_id in ids:
            if row_id in seen:
                duplicates.append(row_id)
            seen.add(row_id)
        raise ValueError(f"Column {id_column!r} must be unique to key the cache; repeated ids: {duplicates[:3]}.")

    teacher = AutoModelForSequenceClassification.from_pretrained(str(teacher_model_name_or_path), revision=revision)
    processor = AutoProcessor.from_pretrained(str(teacher_model_name_or_path), revision=revision)
    names = config_label_names(teacher.config)
    if label_column in dataset.column_names:
        check_label_names(names, f"teacher {teacher_model_name_or_path}", label_names(dataset, label_column),
                          f"the dataset's {label_column!r} column")  # fmt: skip
    prediction = predict(
        teacher,
        dataset.select_columns([text_column, image_column]),
        LugpiTextImageCollator(processor, text_column, image_column, max_length=max_length),
        batch_size=batch_size,
        device=device,
        dataloader_num_workers=dataloader_num_workers,
        bf16=bf16,
    )
    outputs = prediction.predictions
    # A LUGPI teacher's outputs after the loss are (logits, embedding); another classifier gives logits alone.
    if not isinstance(outputs, tuple) or len(outputs) != 2:
        raise ValueError(
            f"{teacher_model_name_or_path}: the model's output has no `embedding`; expected a LUGPI teacher "
            "(LugpiMultimodalForSequenceClassification)."
        )
    logits, embeddings = (np.asarray(values, dtype=np.float32) for values in outputs)

    logits_column, embedding_column = teacher_signal_columns(0)
    cache_dataset = datasets.Dataset.from_dict(
        {id_column: ids, logits_column: logits, embedding_column: embeddings},
        features=datasets.Features(
            {
                id_column: dataset.features[id_column],
                logits_column: datasets.List(datasets.Value("float32")),
                embedding_column: datasets.List(datasets.Value("float32")),
            }
        ),
    )
    metadata = {
        "format_version": CACHE_FORMAT_VERSION,
        "teacher": str(teacher_model_name_or_path),
        "teacher_revision": revision,
        "teacher_fingerprint": teacher_fingerprint(teacher_model_name_or_path, revision),
        "dataset_fingerprint": rows_fingerprint(dataset, [id_column, text_column, image_column]),
        "text_fingerprint": rows_fingerprint(dataset, [id_column, text_column]),
        "num_rows": len(ids),
        "id_column": id_column,
        "text_column": text_column,
        "image_column": image_column,
        "label_names": names,
        "embedding_size": int(embeddings.shape[-1]),
    }
    logger.info(f"Cached the teacher {teacher_model_name_or_path} over {len(ids)} rows.")
    return TeacherCache(dataset=cache_dataset, metadata=metadata)


def attach_teacher_caches(
    dataset: datasets.Dataset, caches: list[TeacherCache], *, id_column: str | None = None
) -> datasets.Dataset:
    """
    Add each cache's signals to `dataset` by row id: `teacher_logits` / `teacher_embedding` for the first cache,
    `teacher_logits_1` / `teacher_embedding_1` for the second, and so on. Refuses a cache built from another
    dataset or missing ids.
    """
    source = teacher_signal_columns(0)
    parts = [dataset]
    # Every cache is checked against the dataset as given: each attached column changes its fingerprint.
    for index, cache in enumerate(caches):
        target = teacher_signal_columns(index)
        clash = [column for column in target if column in dataset.column_names]
        if clash:
            raise ValueError(f"The training set already has the column(s) {clash}; remove them first.")
        rows = cache.rows_for(dataset, id_column).select_columns(list(source))
        parts.append(rows.rename_columns(dict(zip(source, target))))
    return datasets.concatenate_datasets(parts, axis=1)




@dataclass
class CacheTeacherArguments(TextImageDatasetArguments):
    """Arguments of the cache-teacher stage (`lugpi cache-teacher`, `lugpi_hf.scripts.cache_teacher`)."""

    teacher_model_name_or_path: str | None = field(
        default=None, metadata={"aliases": ["--teacher"], "help": "Trained LUGPI teacher: directory or Hub id."}
    )
    output_dir: str | None = field(
        default=None,
        metadata={"aliases": ["--output"], "help": "Directory to write the cache to (a previous cache is replaced)."},
    )
    split: str = field(default="train", metadata={"help": "Split to cache (the student's training split)."})
    batch_size: int = field(default=32, metadata={"help": "Rows per teacher forward pass."})
    device: str | None = field(default=None, metadata={"help": "Device for the teacher (default: cuda if available)."})
    dataloader_num_workers: int = field(default=0, metadata={"help": "Processes reading and collating the rows."})
    bf16: bool = field(default=False, metadata={"help": "Run the teacher under bf16 autocast."})

    def __post_init__(self):
        for name in ("dataset_name", "teacher_model_name_or_path", "output_dir"):
            if not getattr(self, name):
                raise ValueError(f"--{name} is required.")


def run_cache_teacher(args: CacheTeacherArguments) -> TeacherCache:
    """What `lugpi cache-teacher` runs: cache `args.teacher_model_name_or_path` over one split and save it."""
    from .dataset_io import load_split
    from .locking import output_dir_lock

    with output_dir_lock(args.output_dir, what="lugpi cache-teacher"):
        return _run_cache_teacher(args, load_split(args.dataset_name, args.split, args.dataset_config))


def _run_cache_teacher(args: CacheTeacherArguments, split: datasets.Dataset) -> TeacherCache:
    cache = build_teacher_cache(
        args.teacher_model_name_or_path,
        split,
        batch_size=args.batch_size,
        text_column=args.text_column,
        image_column=args.image_column,
        id_column=args.id_column,
        label_column=args.label_column,
        max_length=args.max_length,
        device=args.device,
        dataloader_num_workers=args.dataloader_num_workers,
        bf16=args.bf16,
    )
    cache.save_to_disk(args.output_dir)
    return cache


__all__ = [
    "CACHE_METADATA_NAME",
    "CacheTeacherArguments",
    "TeacherCache",
    "attach_teacher_caches",
    "build_teacher_cache",
    "run_cache_teacher",
    "teacher_fingerprint",
]
