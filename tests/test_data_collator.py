# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import pytest
import torch

from lugpi_hf.data_collator import LugpiTextImageCollator
from lugpi_hf.testing import get_tiny_processor, make_toy_text_image_dataset


def test_batches_text_images_and_labels():
    rows = list(make_toy_text_image_dataset(3, num_labels=3))
    batch = LugpiTextImageCollator(get_tiny_processor("vit"), max_length=5)(rows)
    assert batch["input_ids"].shape == (3, 5)  # truncated to max_length
    assert batch["pixel_values"].shape[0] == 3
    torch.testing.assert_close(batch["labels"], torch.tensor([0, 1, 2]))


def test_rows_without_labels_give_no_labels():
    rows = [{"text": row["text"], "image": row["image"]} for row in make_toy_text_image_dataset(2)]
    assert "labels" not in LugpiTextImageCollator(get_tiny_processor("vit"))(rows)


def test_missing_image_column_names_it():
    rows = [{"text": "a", "label": 0}]
    with pytest.raises(ValueError, match="no 'image' column"):
        LugpiTextImageCollator(get_tiny_processor("vit"))(rows)
