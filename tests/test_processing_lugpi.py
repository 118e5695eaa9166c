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


def test_image_options_reach_the_image_processor(toy):
    processor = get_tiny_processor("vit")
    default = processor(images=toy["image"][:1], return_tensors="pt")["pixel_values"]
    # Flat, as transformers' processors take them ...
    raw = processor(images=toy["image"][:1], do_rescale=False, do_normalize=False, return_tensors="pt")
    assert raw["pixel_values"].max() > 1.5  # 0-255 values, not rescaled
    assert not torch.allclose(raw["pixel_values"].float(), default)
    resized = processor(images=toy["image"][:1], size={"height": 16, "width": 16}, return_tensors="pt")
    assert resized["pixel_values"].shape[-2:] == (16, 16)
    # ... or nested per modality.
    nested = processor(images=toy["image"][:1], images_kwargs={"size": {"height": 16, "width": 16}},
                       return_tensors="pt")  # fmt: skip
    torch.testing.assert_close(nested["pixel_values"], resized["pixel_values"])


def test_text_options_reach_the_tokenizer(toy):
    processor = get_tiny_processor("vit")
    batch = processor(text=toy["text"][:2], images=toy["image"][:2], padding="max_length", max_length=20,
                      return_tensors="pt")  # fmt: skip
    assert batch["input_ids"].shape == (2, 20)
    nested = processor(text=toy["text"][:2], text_kwargs={"padding": "max_length", "max_length": 20},
                       return_tensors="pt")  # fmt: skip
    torch.testing.assert_close(nested["input_ids"], batch["input_ids"])
    with_types = processor(text=toy["text"][:1], return_token_type_ids=True, return_tensors="pt")
    assert "token_type_ids" in with_types


def test_conflicting_or_unknown_options_are_errors(toy):
    processor = get_tiny_processor("vit")
    with pytest.raises(ValueError, match="max_length was passed two times"):
        processor(text=toy["text"][:1], max_length=10, text_kwargs={"max_length": 20})
    with pytest.raises(ValueError, match=r"unknown keyword\(s\) \['paddding'\]"):
        processor(text=toy["text"][:1], paddding=True)
