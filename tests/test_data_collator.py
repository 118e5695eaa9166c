# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The collators: the teacher's, the distillation stage's and the image-only baselines'."""

import pytest
import torch

from lugpi_hf.data_collator import (
    ImageClassificationCollator,
    LugpiDistillationCollator,
    LugpiTextImageCollator,
    is_teacher_signal,
    teacher_signal_columns,
)
from lugpi_hf.testing import (
    get_tiny_image_processor,
    get_tiny_processor,
    get_tiny_tokenizer,
    make_toy_text_image_dataset,
)


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


@pytest.fixture(scope="module")
def rows():
    return [dict(row) for row in make_toy_text_image_dataset(3, seed=0)]


def test_teacher_signal_names():
    assert teacher_signal_columns(0) == ("teacher_logits", "teacher_embedding")
    assert teacher_signal_columns(2) == ("teacher_logits_2", "teacher_embedding_2")
    assert is_teacher_signal("teacher_embedding_1") and is_teacher_signal("teacher_logits")
    assert not is_teacher_signal("teacher_input_ids") and not is_teacher_signal("teacher_logits_x")


def test_cached_signals_are_stacked_as_float(rows):
    cached = [dict(row, teacher_logits=[float(i), -1.0], teacher_embedding_1=[0.5] * 4) for i, row in enumerate(rows)]
    batch = LugpiDistillationCollator(get_tiny_tokenizer())(cached)
    assert batch["teacher_logits"].dtype == torch.float32
    assert batch["teacher_logits"].tolist() == [[0.0, -1.0], [1.0, -1.0], [2.0, -1.0]]
    assert batch["teacher_embedding_1"].shape == (3, 4)
    assert batch["labels"].tolist() == [row["label"] for row in rows]
    expected = get_tiny_tokenizer()([row["text"] for row in rows], padding=True, return_tensors="pt")
    assert torch.equal(batch["input_ids"], expected["input_ids"])
    assert not any(key.startswith("teacher_input") for key in batch)


def test_online_teacher_inputs_are_prefixed(rows):
    collator = LugpiDistillationCollator(get_tiny_tokenizer(), teacher_processor=get_tiny_processor(), max_length=5)
    assert collator.input_columns == ["text", "label", "image"]
    batch = collator(rows)
    assert batch["teacher_pixel_values"].shape == (3, 3, 32, 32)
    assert batch["teacher_input_ids"].shape[1] <= 5 and batch["input_ids"].shape[1] <= 5
    assert "teacher_labels" not in batch
    # Text-only rows (an evaluation split) give the student's batch alone.
    text_only = collator([{"text": row["text"], "label": row["label"]} for row in rows])
    assert sorted(text_only) == ["attention_mask", "input_ids", "labels"]


def test_missing_columns(rows):
    with pytest.raises(ValueError, match="no 'sentence' column"):
        LugpiDistillationCollator(get_tiny_tokenizer(), text_column="sentence")(rows)
    with pytest.raises(ValueError, match="no 'picture' column"):
        ImageClassificationCollator(get_tiny_image_processor(), image_column="picture")(rows)


def test_image_classification_collator(rows):
    batch = ImageClassificationCollator(get_tiny_image_processor("clip"))(rows)
    assert batch["pixel_values"].shape == (3, 3, 32, 32)
    assert batch["labels"].tolist() == [row["label"] for row in rows]
