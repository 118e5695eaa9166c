# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Collators that turn dataset rows into model batches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from transformers import BatchFeature

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


__all__ = ["LugpiTextImageCollator"]
