# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import numpy as np
import pytest
from PIL import Image

from lugpi_hf.figures import save_image_grid
from lugpi_hf.testing import make_toy_text_image_dataset, make_toy_text_dataset


def test_image_grid_places_each_image_under_its_prompt(tmp_path):
    dataset = make_toy_text_image_dataset(6)
    path = save_image_grid(dataset, tmp_path / "grid.png", num_images=6, columns=3, cell_size=40)
    grid = Image.open(path)
    caption_height = 4 * 12 + 8
    assert grid.size == (3 * 40, 2 * (40 + caption_height))
    # The second cell of the first row shows the second image (blue-ish, class "negative").
    cell = np.asarray(grid.crop((40, 0, 80, 40)), dtype=float)
    assert cell[..., 2].mean() > cell[..., 0].mean()
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_image_grid_needs_images():
    with pytest.raises(ValueError, match="no 'image' column"):
        save_image_grid(make_toy_text_dataset(2), "unused.png")
