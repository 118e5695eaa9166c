# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Collators that turn dataset rows into model batches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from transformers import BatchFeature, PreTrainedTokenizerBase

from .processing_lugpi import LugpiProcessor


@dataclass
class LugpiTextImageCollator:
    r"""
    Batches rows holding a text, its generated image and (optionally) a label for the teacher: tokenizes with
    dynamic padding, preprocesses the images, and stacks the labels as `labels`.

    The rows keep their raw `text` and `image` columns, so a `Trainer` using this collator needs
    `remove_unused_columns=False`.

    Args:
        processor ([`LugpiProcessor`]):
            The teacher's tokenizer and image processor.
        text_column (`str`, *optional*, defaults to `"text"`):
            Column with the text.
        image_column (`str`, *optional*, defaults to `"image"`):
            Column with the image (a `PIL.Image`, as a `datasets.Image()` column decodes it).
        label_column (`str`, *optional*, defaults to `"label"`):
            Column with the class index; rows without it give a batch without `labels`.
        max_length (`int`, *optional*):
            Longest tokenized text; longer texts are truncated. Defaults to the tokenizer's limit.
    """

    processor: LugpiProcessor
    text_column: str = "text"
    image_column: str = "image"
    label_column: str = "label"
    max_length: int | None = None

    def __call__(self, rows: list[dict[str, Any]]) -> BatchFeature:
        for column in (self.text_column, self.image_column):
            if column not in rows[0]:
                raise ValueError(
                    f"LugpiTextImageCollator: rows have no {column!r} column (columns: {sorted(rows[0])})."
                )
        texts = [row[self.text_column] for row in rows]
        images = [row[self.image_column].convert("RGB") for row in rows]
        batch = self.processor(
            text=texts,
            images=images,
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        if self.label_column in rows[0]:
            batch["labels"] = torch.tensor([row[self.label_column] for row in rows])
        return batch


# Batch keys for the teacher's side of distillation. Cached signals: `teacher_logits` / `teacher_embedding` for the
# first teacher, `teacher_logits_1` / `teacher_embedding_1` for the second, and so on. An online teacher's inputs
# carry the same prefix (`teacher_input_ids`, `teacher_pixel_values`, ...), so the student never receives them.
TEACHER_PREFIX = "teacher_"
_TEACHER_SIGNAL = re.compile(r"^teacher_(logits|embedding)(_\d+)?$")


def teacher_signal_columns(index: int = 0) -> tuple[str, str]:
    """The `(logits, embedding)` column names of the `index`-th cached teacher."""
    suffix = f"_{index}" if index else ""
    return f"teacher_logits{suffix}", f"teacher_embedding{suffix}"


def is_teacher_signal(key: str) -> bool:
    """Whether `key` is a cached teacher signal column (`teacher_logits`, `teacher_embedding_2`, ...)."""
    return _TEACHER_SIGNAL.match(key) is not None


@dataclass
class LugpiDistillationCollator:
    r"""
    Batches rows for the student: its own tokenizer on the text (dynamic padding), the labels, and the teacher's
    side, either cached signals or the teacher's own inputs.

    - Cached teacher columns in the rows (`teacher_logits`, `teacher_embedding`, `teacher_logits_1`, ...) are
      stacked into float tensors under the same names.
    - With `teacher_processor` and an image column in the rows, the teacher's processor reads the text and the
      image and its outputs go under the `teacher_` prefix (`teacher_input_ids`, `teacher_pixel_values`, ...): the
      online teacher never sees the student's tokenization. Rows without the image column (an evaluation set of
      text alone) give no teacher inputs.

    Without either, it is a plain text-classification collator (the baseline uses it, so both see the same
    batches).

    Args:
        tokenizer ([`PreTrainedTokenizerBase`]):
            The student's tokenizer.
        teacher_processor ([`LugpiProcessor`], *optional*):
            The online teacher's processor; leave unset when distilling from a cache.
        text_column (`str`, *optional*, defaults to `"text"`):
            Column with the text.
        label_column (`str`, *optional*, defaults to `"label"`):
            Column with the class index; rows without it give a batch without `labels`.
        image_column (`str`, *optional*, defaults to `"image"`):
            Column with the generated image, read only for the online teacher.
        max_length (`int`, *optional*):
            Longest tokenized text for the student and the teacher. Defaults to each tokenizer's limit.

    Example:

    ```python
    >>> from lugpi_hf.data_collator import LugpiDistillationCollator
    >>> from lugpi_hf.testing import get_tiny_tokenizer

    >>> collator = LugpiDistillationCollator(get_tiny_tokenizer())
    >>> batch = collator([{"text": "a good movie", "label": 0, "teacher_logits": [1.0, -1.0]}])
    >>> sorted(batch.keys())
    ['attention_mask', 'input_ids', 'labels', 'teacher_logits']
    ```
    """

    tokenizer: PreTrainedTokenizerBase
    teacher_processor: LugpiProcessor | None = None
    text_column: str = "text"
    label_column: str = "label"
    image_column: str = "image"
    max_length: int | None = None

    @property
    def input_columns(self) -> list[str]:
        """Dataset columns this collator reads besides the teacher signals (for `remove_unused_columns`)."""
        columns = [self.text_column, self.label_column]
        return columns + [self.image_column] if self.teacher_processor is not None else columns

    def __call__(self, rows: list[dict[str, Any]]) -> BatchFeature:
        if self.text_column not in rows[0]:
            raise ValueError(
                f"LugpiDistillationCollator: rows have no {self.text_column!r} column (columns: {sorted(rows[0])})."
            )
        texts = [row[self.text_column] for row in rows]
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
        batch = BatchFeature(dict(batch))
        if self.label_column in rows[0]:
            batch["labels"] = torch.tensor([row[self.label_column] for row in rows])
        for key in rows[0]:
            if is_teacher_signal(key):
                batch[key] = torch.from_numpy(np.asarray([row[key] for row in rows], dtype=np.float32))
        if self.teacher_processor is not None and self.image_column in rows[0]:
            teacher_batch = LugpiTextImageCollator(
                self.teacher_processor,
                text_column=self.text_column,
                image_column=self.image_column,
                max_length=self.max_length,
            )(rows)
            # The teacher is frozen: its own loss would be wasted work.
            teacher_batch.pop("labels", None)
            batch.update({f"{TEACHER_PREFIX}{key}": value for key, value in teacher_batch.items()})
        return batch


@dataclass
class ImageClassificationCollator:
    r"""
    Batches rows for an image-only classifier (the paper's image-only rows: ViT or CLIP's vision encoder on the
    generated images alone): the image processor's `pixel_values` and the `labels`.

    Args:
        image_processor ([`BaseImageProcessor`]):
            The image encoder's image processor.
        image_column (`str`, *optional*, defaults to `"image"`):
            Column with the image.
        label_column (`str`, *optional*, defaults to `"label"`):
            Column with the class index; rows without it give a batch without `labels`.
    """

    image_processor: Any
    image_column: str = "image"
    label_column: str = "label"

    def __call__(self, rows: list[dict[str, Any]]) -> BatchFeature:
        if self.image_column not in rows[0]:
            raise ValueError(
                f"ImageClassificationCollator: rows have no {self.image_column!r} column (columns: {sorted(rows[0])})."
            )
        images = [row[self.image_column].convert("RGB") for row in rows]
        batch = BatchFeature(dict(self.image_processor(images=images, return_tensors="pt")))
        if self.label_column in rows[0]:
            batch["labels"] = torch.tensor([row[self.label_column] for row in rows])
        return batch


__all__ = [
    "ImageClassificationCollator",
    "LugpiDistillationCollator",
    "LugpiTextImageCollator",
    "TEACHER_PREFIX",
    "is_teacher_signal",
    "teacher_signal_columns",
]
