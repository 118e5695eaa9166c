# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Figures of a LUGPI run: prompts beside the images generated from them (the paper's Fig. 2)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .dataset_io import require_columns
from .file_utils import atomic_path


def save_image_grid(
    dataset,
    path: str | os.PathLike,
    *,
    num_images: int = 8,
    columns: int = 4,
    cell_size: int = 192,
    image_column: str = "image",
    caption_column: str = "prompt",
) -> Path:
    r"""
    Save a PNG grid of the first `num_images` generated images, each under its prompt.

    Args:
        dataset (`datasets.Dataset`):
            Rows with an image column (PIL images) and a caption column.
        path (`str` or `os.PathLike`):
            Where to write the PNG; written to a temporary name first, then renamed.
        num_images (`int`, *optional*, defaults to 8):
            How many rows to show (fewer if the dataset is smaller).
        columns (`int`, *optional*, defaults to 4):
            Images per row of the grid.
        cell_size (`int`, *optional*, defaults to 192):
            Side of each image in pixels (images are resized to it).
    """
    require_columns(dataset, (image_column, caption_column), "Image grid: the dataset")
    count = min(num_images, len(dataset))
    if count == 0:
        raise ValueError("Image grid: the dataset is empty.")
    rows = dataset.select(range(count))
    columns = min(columns, count)
    font = ImageFont.load_default()
    caption_lines = 4
    line_height = 12
    caption_height = caption_lines * line_height + 8
    grid_rows = -(-count // columns)
    grid = Image.new("RGB", (columns * cell_size, grid_rows * (cell_size + caption_height)), "white")
    draw = ImageDraw.Draw(grid)
    # Roughly the characters that fit in a cell with PIL's default bitmap font (6 px wide).
    wrap_width = max(8, cell_size // 6)
    for index, row in enumerate(rows):
        left = (index % columns) * cell_size
        top = (index // columns) * (cell_size + caption_height)
        grid.paste(row[image_column].convert("RGB").resize((cell_size, cell_size)), (left, top))
        lines = textwrap.wrap(str(row[caption_column]), wrap_width)[:caption_lines]
        for line_index, line in enumerate(lines):
            draw.text((left + 4, top + cell_size + 4 + line_index * line_height), line, fill="black", font=font)
    with atomic_path(path) as tmp:
        grid.save(tmp, format="PNG")
    return Path(path)


__all__ = ["save_image_grid"]
