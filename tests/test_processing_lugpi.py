# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import pytest
import torch
from transformers import AutoProcessor

from lugpi_hf import LugpiProcessor
from lugpi_hf.testing import TINY_IMAGE_SIZE, get_tiny_processor, make_toy_text_image_dataset


@pytest.fixture(scope="module")
def toy():
    return make_toy_text_image_dataset(3)


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_one_call_for_text_and_images(vision, toy):
    processor = get_tiny_processor(vision)
    batch = processor(text=toy["text"], images=toy["image"], padding=True, return_tensors="pt")
    assert sorted(batch) == ["attention_mask", "input_ids", "pixel_values"]  # no token_type_ids for DistilBERT
    assert batch["pixel_values"].shape == (3, 3, TINY_IMAGE_SIZE, TINY_IMAGE_SIZE)
    assert batch["input_ids"].shape == batch["attention_mask"].shape
    assert batch["input_ids"].shape[0] == 3
    assert processor.model_input_names == ["input_ids", "attention_mask", "pixel_values"]


def test_text_or_images_alone(toy):
    processor = get_tiny_processor("vit")
    assert sorted(processor(text=toy["text"][:1], return_tensors="pt")) == ["attention_mask", "input_ids"]
    assert sorted(processor(images=toy["image"][:1], return_tensors="pt")) == ["pixel_values"]
    with pytest.raises(ValueError, match="needs `text`, `images`, or both"):
        processor()


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_save_and_load_round_trip(vision, toy, tmp_path):
    processor = get_tiny_processor(vision)
    processor.save_pretrained(tmp_path)
    expected = processor(text=toy["text"], images=toy["image"], padding=True, return_tensors="pt")
    for loaded in (LugpiProcessor.from_pretrained(tmp_path), AutoProcessor.from_pretrained(tmp_path)):
        assert isinstance(loaded, LugpiProcessor)
        batch = loaded(text=toy["text"], images=toy["image"], padding=True, return_tensors="pt")
        for key in expected:
            torch.testing.assert_close(batch[key], expected[key], atol=0, rtol=0)


def test_from_text_vision_pretrained(toy, tmp_path):
    processor = get_tiny_processor("clip")
    processor.tokenizer.save_pretrained(tmp_path / "text")
    processor.image_processor.save_pretrained(tmp_path / "vision")
    loaded = LugpiProcessor.from_text_vision_pretrained(str(tmp_path / "text"), str(tmp_path / "vision"))
    batch = loaded(text=toy["text"], images=toy["image"], padding=True, return_tensors="pt")
    expected = processor(text=toy["text"], images=toy["image"], padding=True, return_tensors="pt")
    for key in expected:
        torch.testing.assert_close(batch[key], expected[key], atol=0, rtol=0)
