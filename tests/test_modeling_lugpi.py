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


# --- transformers-style behaviour (issue 11). transformers' own common suite (ModelTesterMixin, ConfigTester,
# ProcessorTesterMixin of the installed version, from its sdist, with a ViT and a CLIP vision tower both projected)
# is run by hand with utils/common_suite/run.sh (its README has the latest result), not vendored; every test that
# applies passes. Those it skips and that cannot apply to a head-only
# composite teacher:
# - test_torch_save_load: loads the state dict of the model's `AutoModel` base into the head; the teacher has no
#   base class (LugpiConfig is not in MODEL_MAPPING): its base parts are two encoders that transformers tests.
# - test_sdpa_can_dispatch_non_composite_models: the teacher is composite (the composite variant runs and passes).
# - rope, MoE/router, cache, sliding-window, position-embedding resizing, grouped_mm, TP-plan, keep-in-fp32,
#   seq2seq / causal-LM loss and generation tests: the teacher has none of these parts.
# The ones needing an accelerator, flash attention, deepspeed or kernels are skipped on this CPU machine; CPU and
# disk offload with `device_map`, which the suite only tests on an accelerator, is tested below on CPU.


def tiny_teacher_without_dropout(vision="vit", **overrides):
    from lugpi_hf import LugpiConfig
    from lugpi_hf.testing import get_tiny_text_config

    vision_dropout = (
        {"hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}
        if vision == "vit"
        else {"dropout": 0.0, "attention_dropout": 0.0}
    )
    config = LugpiConfig(
        text_config=get_tiny_text_config(dropout=0.0, attention_dropout=0.0, seq_classif_dropout=0.0),
        vision_config=get_tiny_vision_config(vision, **vision_dropout),
        fusion_heads=4,
        fusion_dropout=0.0,
        classifier_dropout=0.0,
        **overrides,
    )
    torch.manual_seed(0)
    return LugpiMultimodalForSequenceClassification(config)


def test_fusion_layer_loads_and_matches_nn_transformer_encoder_layer():
    # Teachers saved before this layer used nn.TransformerEncoderLayer: same names, same numbers.
    from lugpi_hf.modeling_lugpi import LugpiFusionLayer
    from lugpi_hf.testing import get_tiny_teacher_config

    config = get_tiny_teacher_config(fusion_dropout=0.0)
    torch.manual_seed(0)
    old = nn.TransformerEncoderLayer(32, 4, dim_feedforward=config.fusion_intermediate_size, dropout=0.0,
                                     activation="gelu", batch_first=True).eval()  # fmt: skip
    new = LugpiFusionLayer(config).eval()
    assert sorted(new.state_dict()) == sorted(old.state_dict())
    new.load_state_dict(old.state_dict())
    tokens = torch.randn(2, 9, 32)
    keep = torch.ones(2, 9, dtype=torch.long)
    keep[1, 3:5] = 0
    mask = (1.0 - keep[:, None, None, :].float()) * torch.finfo(torch.float32).min
    with torch.no_grad():
        expected = old(tokens, src_key_padding_mask=keep == 0)
        hidden, _ = new(tokens, mask)
    torch.testing.assert_close(hidden, expected, atol=1e-5, rtol=1e-5)


def test_pre_norm_fusion_is_a_different_block(toy):
    batch = batch_for("vit", toy)
    post = get_tiny_teacher("vit").eval()
    pre = get_tiny_teacher("vit", fusion_norm_first=True).eval()
    pre.load_state_dict(post.state_dict())
    with torch.no_grad():
        assert not torch.allclose(pre(**batch).logits, post(**batch).logits)


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_attentions_and_hidden_states_of_the_fusion_layers(vision, toy):
    model = get_tiny_teacher(vision, fusion_layers=2).eval()
    batch = get_tiny_processor(vision)(text=toy["text"][:4], images=toy["image"][:4], padding="max_length",
                                       max_length=12, return_tensors="pt")  # fmt: skip
    with torch.no_grad():
        outputs = model(**batch, output_attentions=True, output_hidden_states=True)
        plain = model(**batch)
    text_len = batch["input_ids"].shape[1]
    seq_len = text_len + 1 + (TINY_IMAGE_SIZE // 8) ** 2
    assert len(outputs.hidden_states) == 3 and len(outputs.attentions) == 2
    assert outputs.hidden_states[0].shape == (4, seq_len, 32)
    assert outputs.attentions[0].shape == (4, 4, seq_len, seq_len)
    torch.testing.assert_close(outputs.attentions[-1].sum(-1), torch.ones(4, 4, seq_len))
    # Padded text tokens get no attention; the output does not change when weights are returned.
    padded = batch["attention_mask"] == 0
    assert padded.any()
    assert outputs.attentions[-1][:, :, :, :text_len].masked_select(padded[:, None, None, :]).abs().max() == 0
    torch.testing.assert_close(outputs.logits, plain.logits, atol=1e-5, rtol=1e-5)
    assert plain.attentions is None and plain.hidden_states is None
    # The last hidden state is what the head reads.
    text_cls, image_cls = outputs.hidden_states[-1][:, 0], outputs.hidden_states[-1][:, text_len]
    torch.testing.assert_close(
        model.classifier_activation(model.classifier_hidden(torch.cat([text_cls, image_cls], -1))), plain.embedding
    )


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_sdpa_and_eager_attention_agree(vision, toy, tmp_path):
    model = get_tiny_teacher(vision)
    model.save_pretrained(tmp_path)
    batch = batch_for(vision, toy)
    eager = AutoModelForSequenceClassification.from_pretrained(tmp_path, attn_implementation="eager").eval()
    sdpa = AutoModelForSequenceClassification.from_pretrained(tmp_path, attn_implementation="sdpa").eval()
    assert eager.config._attn_implementation == "eager" and sdpa.config._attn_implementation == "sdpa"
    assert sdpa.config.text_config._attn_implementation == "sdpa"
    with torch.no_grad():
        torch.testing.assert_close(sdpa(**batch).logits, eager(**batch).logits, atol=1e-5, rtol=1e-5)
        eager.set_attn_implementation("sdpa")
        assert eager.config._attn_implementation == "sdpa"
        torch.testing.assert_close(eager(**batch).logits, sdpa(**batch).logits, atol=1e-6, rtol=1e-6)


def test_unknown_keywords_are_an_error(toy):
    model = get_tiny_teacher("vit")
    with pytest.raises(TypeError, match="output_attention"):
        model(**batch_for("vit", toy), output_attention=True)


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_gradient_checkpointing_gives_the_same_gradients(vision, toy):
    batch = batch_for(vision, toy)
    labels = torch.tensor([0, 1, 0, 1])
    grads = []
    for checkpointing in (False, True):
        model = tiny_teacher_without_dropout(vision, fusion_layers=2).train()
        if checkpointing:
            model.activation_checkpointing_enable()
            assert model.is_activation_checkpointing
            # The fusion blocks and every encoder layer recompute their activations.
            assert all(layer.gradient_checkpointing for layer in model.fusion)
            assert all(layer.gradient_checkpointing for layer in model.text_model.transformer.layer)
        model(**batch, labels=labels).loss.backward()
        grads.append({name: p.grad.clone() for name, p in model.named_parameters()})
    assert grads[0].keys() == grads[1].keys()
    for name in grads[0]:
        torch.testing.assert_close(grads[1][name], grads[0][name], atol=1e-6, rtol=1e-5, msg=name)


def test_resize_token_embeddings_then_save_and_reload(toy, tmp_path):
    model = get_tiny_teacher("vit").eval()
    old_size = model.get_input_embeddings().weight.shape[0]
    model.resize_token_embeddings(old_size + 7)
    assert model.get_input_embeddings().weight.shape[0] == old_size + 7
    assert model.config.text_config.vocab_size == old_size + 7
    model.save_pretrained(tmp_path)
    reloaded = AutoModelForSequenceClassification.from_pretrained(tmp_path).eval()
    assert reloaded.get_input_embeddings().weight.shape[0] == old_size + 7
    batch = batch_for("vit", toy)
    with torch.no_grad():
        torch.testing.assert_close(reloaded(**batch).logits, model(**batch).logits, atol=0, rtol=0)


@pytest.mark.parametrize("vision", ["vit", "clip"])
def test_device_map_with_cpu_and_disk_offload(vision, toy, tmp_path):
    model = get_tiny_teacher(vision, fusion_layers=2).eval()
    model.save_pretrained(tmp_path / "teacher")
    batch = batch_for(vision, toy)
    with torch.no_grad():
        expected = model(**batch).logits
    device_map = {"text_model": "cpu", "vision_model": "disk", "vision_projection": "cpu", "fusion.0": "disk",
                  "fusion.1": "cpu", "classifier_hidden": "disk", "classifier": "cpu"}  # fmt: skip
    offloaded = AutoModelForSequenceClassification.from_pretrained(
        tmp_path / "teacher", device_map=device_map, offload_folder=str(tmp_path / "offload")
    ).eval()
    # The offloaded weights really are off the model until a hook loads them.
    assert offloaded.fusion[0].self_attn.in_proj_weight.device.type == "meta"
    assert offloaded.fusion[0].self_attn.out_proj.weight.device.type == "meta"
    with torch.no_grad():
        torch.testing.assert_close(offloaded(**batch).logits, expected, atol=1e-6, rtol=1e-6)
    # `device_map="auto"` with a CPU budget of half the weights puts the rest, fusion blocks included, on disk.
    size = sum(p.numel() * p.element_size() for p in model.parameters())
    auto = AutoModelForSequenceClassification.from_pretrained(
        tmp_path / "teacher", device_map="auto", max_memory={"cpu": size // 2},
        offload_folder=str(tmp_path / "offload-auto"),
    ).eval()  # fmt: skip
    assert "disk" in auto.hf_device_map.values() and auto.hf_device_map.get("fusion") == "disk"
    with torch.no_grad():
        torch.testing.assert_close(auto(**batch).logits, expected, atol=1e-6, rtol=1e-6)


def test_one_label_is_regression_with_mse(toy):
    model = tiny_teacher_without_dropout("vit", num_labels=1).eval()
    assert model.config.problem_type == "regression"
    targets = torch.tensor([0.5, -1.0, 2.0, 0.0])
    outputs = model(**batch_for("vit", toy), labels=targets)
    torch.testing.assert_close(outputs.loss, nn.functional.mse_loss(outputs.logits.squeeze(-1), targets))


def test_multi_label_uses_binary_cross_entropy(toy):
    model = tiny_teacher_without_dropout("vit", num_labels=3, problem_type="multi_label_classification").eval()
    targets = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]])
    outputs = model(**batch_for("vit", toy), labels=targets)
    torch.testing.assert_close(outputs.loss, nn.functional.binary_cross_entropy_with_logits(outputs.logits, targets))


def test_num_items_in_batch_sums_then_divides(toy):
    model = tiny_teacher_without_dropout("vit").eval()
    batch = batch_for("vit", toy)
    labels = torch.tensor([0, 1, 1, 0])
    mean = model(**batch, labels=labels).loss
    torch.testing.assert_close(model(**batch, labels=labels, num_items_in_batch=torch.tensor(8)).loss, mean * 4 / 8)


def test_gradient_accumulation_matches_one_big_batch(tmp_path):
    # Two micro-batches of 4 with accumulation 2 must give the update of one batch of 8 (SGD, so a wrongly scaled
    # loss would show as a wrongly sized step; AdamW would hide it).
    from transformers import Trainer, TrainingArguments

    from lugpi_hf.data_collator import LugpiTextImageCollator

    dataset = make_toy_text_image_dataset(8, num_labels=2)
    updated = []
    for batch_size, accumulation in ((8, 1), (4, 2)):
        model = tiny_teacher_without_dropout("vit")
        before = {name: p.detach().clone() for name, p in model.named_parameters()}
        args = TrainingArguments(
            output_dir=str(tmp_path / f"ga{accumulation}"), per_device_train_batch_size=batch_size,
            gradient_accumulation_steps=accumulation, max_steps=1, learning_rate=0.5, optim="sgd",
            lr_scheduler_type="constant", weight_decay=0.0, max_grad_norm=0.0, report_to="none",
            remove_unused_columns=False, save_strategy="no", use_cpu=True, seed=0,
        )  # fmt: skip
        trainer = Trainer(model=model, args=args, train_dataset=dataset,
                          data_collator=LugpiTextImageCollator(get_tiny_processor("vit")))  # fmt: skip
        trainer.train()
        updated.append({name: p.detach() - before[name] for name, p in model.named_parameters()})
    assert max(delta.abs().max() for delta in updated[0].values()) > 1e-4  # the step moved the weights
    for name, delta in updated[0].items():
        torch.testing.assert_close(updated[1][name], delta, atol=1e-6, rtol=1e-4, msg=name)


def test_trainer_gradient_checkpointing_flag_trains_the_teacher(tmp_path):
    from transformers import Trainer, TrainingArguments

    from lugpi_hf.data_collator import LugpiTextImageCollator

    model = get_tiny_teacher("clip")
    args = TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=4, max_steps=2,
                             gradient_checkpointing=True, report_to="none", remove_unused_columns=False,
                             save_strategy="no", use_cpu=True, logging_steps=1)  # fmt: skip
    trainer = Trainer(model=model, args=args, train_dataset=make_toy_text_image_dataset(8),
                      data_collator=LugpiTextImageCollator(get_tiny_processor("clip")))  # fmt: skip
    trainer.train()
    assert model.is_activation_checkpointing
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    assert len(losses) == 2 and all(loss > 0 for loss in losses)


def test_missing_encoder_weights_get_the_encoders_own_init(tmp_path):
    # transformers' custom-code rule would leave CLIP's attention at the generic std 0.02 (common-suite finding).
    from safetensors.torch import load_file, save_file

    get_tiny_teacher("clip").save_pretrained(tmp_path)
    weights = load_file(tmp_path / "model.safetensors")
    save_file({k: v for k, v in weights.items() if not k.startswith("vision_model.")}, tmp_path / "model.safetensors",
              metadata={"format": "pt"})  # fmt: skip
    reloaded = AutoModelForSequenceClassification.from_pretrained(tmp_path)
    q_proj = reloaded.vision_model.encoder.layers[0].self_attn.q_proj.weight
    clip_std = 32**-0.5 * (2 * 2) ** -0.5  # CLIP's in_proj_std for width 32 and 2 layers: 0.088
    assert abs(q_proj.std().item() - clip_std) < 0.02
