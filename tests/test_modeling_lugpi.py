# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import json
import os
import subprocess
import sys
import textwrap

import pytest
import torch
from torch import nn
from transformers import AutoModelForSequenceClassification, BertConfig, BertModel, CLIPConfig, CLIPModel

from lugpi_hf import LugpiMultimodalForSequenceClassification, LugpiSequenceClassifierOutput
from lugpi_hf.testing import (
    TINY_IMAGE_SIZE,
    get_tiny_processor,
    get_tiny_student,
    get_tiny_teacher,
    get_tiny_vision_config,
    make_toy_text_image_dataset,
)


@pytest.fixture(scope="module")
def toy():
    return make_toy_text_image_dataset(6, num_labels=3)


def batch_for(vision, toy, rows=4):
    processor = get_tiny_processor(vision)
    return processor(text=toy["text"][:rows], images=toy["image"][:rows], padding=True, return_tensors="pt")


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_output_shapes(vision, toy):
    model = get_tiny_teacher(vision, num_labels=3).eval()
    batch = batch_for(vision, toy)
    outputs = model(**batch, labels=torch.tensor(toy["label"][:4]))
    assert isinstance(outputs, LugpiSequenceClassifierOutput)
    assert outputs.logits.shape == (4, 3)
    assert outputs.embedding.shape == (4, model.config.classifier_hidden_size) == (4, 32)
    assert outputs.loss.ndim == 0 and outputs.loss.item() > 0
    # e_T is the ReLU hidden activation, the input of the last linear layer.
    assert (outputs.embedding >= 0).all()
    torch.testing.assert_close(model.classifier(outputs.embedding), outputs.logits)
    # All image tokens are kept: CLS + (32 / 8)^2 patches.
    assert model.encode_image(batch["pixel_values"]).shape == (4, 1 + (TINY_IMAGE_SIZE // 8) ** 2, 32)


def test_image_projection_only_when_widths_differ():
    assert isinstance(get_tiny_teacher("vit").vision_projection, nn.Linear)  # ViT 24 -> text 32
    assert isinstance(get_tiny_teacher("clip").vision_projection, nn.Identity)  # CLIP 32 == text 32


def test_classifier_hidden_size_sets_the_embedding_width(toy):
    model = get_tiny_teacher("vit", classifier_hidden_size=48).eval()
    assert model(**batch_for("vit", toy)).embedding.shape == (4, 48)


def test_tuple_output_when_return_dict_is_false(toy):
    model = get_tiny_teacher("vit").eval()
    batch = batch_for("vit", toy)
    loss, logits, embedding = model(**batch, labels=torch.tensor([0, 1, 0, 1]), return_dict=False)
    expected = model(**batch, labels=torch.tensor([0, 1, 0, 1]))
    torch.testing.assert_close(loss, expected.loss)
    torch.testing.assert_close(embedding, expected.embedding)


def test_missing_pixel_values_is_a_clear_error(toy):
    model = get_tiny_teacher("vit")
    batch = batch_for("vit", toy)
    with pytest.raises(ValueError, match="needs `pixel_values`"):
        model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_padding_tokens_do_not_change_logits(vision, toy):
    model = get_tiny_teacher(vision).eval()
    tokenizer = get_tiny_processor(vision).tokenizer
    batch = batch_for(vision, toy, rows=1)
    padded = tokenizer(toy["text"][:1], padding="max_length", max_length=40, return_tensors="pt")
    assert padded["attention_mask"].sum() < 40  # really padded
    with torch.no_grad():
        plain = model(**batch)
        with_padding = model(
            input_ids=padded["input_ids"],
            attention_mask=padded["attention_mask"],
            pixel_values=batch["pixel_values"],
        )
    torch.testing.assert_close(with_padding.logits, plain.logits, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(with_padding.embedding, plain.embedding, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_gradients_reach_every_part(vision, toy):
    model = get_tiny_teacher(vision).train()
    outputs = model(**batch_for(vision, toy), labels=torch.tensor([0, 1, 0, 1]))
    outputs.loss.backward()
    # Every parameter takes part in the loss (no unused pooler), which DistributedDataParallel requires.
    without_grad = [name for name, p in model.named_parameters() if p.grad is None]
    assert without_grad == []
    for part in ("text_model", "vision_model", "fusion", "classifier_hidden", "classifier"):
        norm = sum(p.grad.norm() for name, p in model.named_parameters() if name.startswith(part + "."))
        assert norm > 0, part


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_save_and_reload_through_auto_model(vision, toy, tmp_path):
    model = get_tiny_teacher(vision, num_labels=3, label_names=["x", "y", "z"]).eval()
    batch = batch_for(vision, toy)
    model.save_pretrained(tmp_path)
    assert (tmp_path / "model.safetensors").is_file()
    assert not list(tmp_path.glob("*.bin"))
    reloaded = AutoModelForSequenceClassification.from_pretrained(tmp_path).eval()
    assert isinstance(reloaded, LugpiMultimodalForSequenceClassification)
    assert reloaded.config.id2label == {0: "x", 1: "y", 2: "z"}
    with torch.no_grad():
        torch.testing.assert_close(reloaded(**batch).logits, model(**batch).logits, atol=0, rtol=0)


def test_remote_code_loads_without_lugpi_hf(toy, tmp_path):
    model = get_tiny_teacher("clip").eval()
    processor = get_tiny_processor("clip")
    model.save_pretrained(tmp_path / "teacher")
    processor.save_pretrained(tmp_path / "teacher")
    config = json.loads((tmp_path / "teacher" / "config.json").read_text())
    assert config["auto_map"]["AutoModelForSequenceClassification"].endswith(
        "modeling_lugpi.LugpiMultimodalForSequenceClassification"
    )
    batch = processor(text=toy["text"][:2], images=toy["image"][:2], padding=True, return_tensors="pt")
    with torch.no_grad():
        expected = model(**batch).logits
    torch.save({"batch": dict(batch), "expected": expected}, tmp_path / "reference.pt")

    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["lugpi_hf"] = None  # any import of the package now fails
        import torch
        from transformers import AutoModelForSequenceClassification, AutoProcessor
        path = {str(tmp_path / "teacher")!r}
        model = AutoModelForSequenceClassification.from_pretrained(path, trust_remote_code=True).eval()
        processor = AutoProcessor.from_pretrained(path, trust_remote_code=True)
        assert type(model).__name__ == "LugpiMultimodalForSequenceClassification", type(model)
        assert "lugpi_hf" not in type(model).__module__, type(model).__module__
        assert type(processor).__name__ == "LugpiProcessor", type(processor)
        reference = torch.load({str(tmp_path / "reference.pt")!r})
        with torch.no_grad():
            logits = model(**reference["batch"]).logits
        torch.testing.assert_close(logits, reference["expected"], atol=0, rtol=0)
        print("REMOTE-CODE-OK")
        """
    )
    env = {**os.environ, "HF_MODULES_CACHE": str(tmp_path / "modules"), "PYTHONPATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "REMOTE-CODE-OK" in result.stdout


def test_from_text_vision_pretrained_with_vit(tmp_path):
    text_encoder = get_tiny_student().distilbert
    text_encoder.save_pretrained(tmp_path / "text")
    vision_encoder = get_tiny_teacher("vit").vision_model
    vision_encoder.save_pretrained(tmp_path / "vit")
    teacher = LugpiMultimodalForSequenceClassification.from_text_vision_pretrained(
        str(tmp_path / "text"), str(tmp_path / "vit"), num_labels=4, fusion_heads=4
    )
    assert teacher.config.num_labels == 4
    for (name, loaded), original in zip(teacher.text_model.state_dict().items(), text_encoder.state_dict().values()):
        torch.testing.assert_close(loaded, original, atol=0, rtol=0, msg=name)
    for (name, loaded), original in zip(
        teacher.vision_model.state_dict().items(), vision_encoder.state_dict().values()
    ):
        torch.testing.assert_close(loaded, original, atol=0, rtol=0, msg=name)


def test_from_text_vision_pretrained_takes_the_vision_tower_of_a_full_clip(tmp_path):
    torch.manual_seed(0)
    clip = CLIPModel(
        CLIPConfig(
            text_config={"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 99,
                         "intermediate_size": 37, "bos_token_id": 0, "eos_token_id": 2},
            vision_config=get_tiny_vision_config("clip").to_dict(),
            projection_dim=32,
        )
    )
    clip.save_pretrained(tmp_path / "clip")
    torch.manual_seed(1)
    bert = BertModel(BertConfig(vocab_size=99, hidden_size=32, num_hidden_layers=1, num_attention_heads=4,
                                intermediate_size=37), add_pooling_layer=False)
    bert.save_pretrained(tmp_path / "bert")
    teacher = LugpiMultimodalForSequenceClassification.from_text_vision_pretrained(
        str(tmp_path / "bert"), str(tmp_path / "clip"), num_labels=2, fusion_heads=4
    )
    assert teacher.config.vision_config.model_type == "clip_vision_model"
    assert teacher.config.text_config.model_type == "bert"
    torch.testing.assert_close(
        teacher.vision_model.embeddings.patch_embedding.weight,
        clip.vision_model.embeddings.patch_embedding.weight,
        atol=0,
        rtol=0,
    )
    torch.testing.assert_close(teacher.text_model.embeddings.word_embeddings.weight,
                               bert.embeddings.word_embeddings.weight, atol=0, rtol=0)
    assert getattr(teacher.text_model, "pooler", None) is None  # the teacher never reads BERT's pooler
    # BERT takes token type ids; the teacher passes them through.
    outputs = teacher(
        input_ids=torch.tensor([[2, 5, 6, 3]]),
        token_type_ids=torch.zeros(1, 4, dtype=torch.long),
        pixel_values=torch.randn(1, 3, TINY_IMAGE_SIZE, TINY_IMAGE_SIZE),
    )
    assert outputs.logits.shape == (1, 2)


@pytest.mark.slow
def test_from_text_vision_pretrained_real_checkpoints():
    teacher = LugpiMultimodalForSequenceClassification.from_text_vision_pretrained(
        "distilbert-base-uncased", "google/vit-base-patch16-224-in21k", num_labels=2
    )
    assert teacher.config.classifier_hidden_size == 768
    clip_teacher = LugpiMultimodalForSequenceClassification.from_text_vision_pretrained(
        "distilbert-base-uncased", "openai/clip-vit-base-patch32", num_labels=2
    )
    assert clip_teacher.config.vision_config.model_type == "clip_vision_model"
