# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Tiny, deterministic, offline models built from configs: the one place tests get them.

Nothing here downloads anything. Every builder seeds torch before it creates weights, so two calls
give identical models, as transformers' model testers and diffusers' `get_dummy_components()` do.
The pieces the offline demo also needs (tokenizers, encoder configs, the tiny generator, the toy text set) live in
`lugpi_hf.demo` and are re-exported here; this module adds the teacher, student and classifier builders, the toy
text+image set and the tiny SDXL, SD3 and Flux pipelines.
"""

from __future__ import annotations

import string

import numpy as np
import torch
from PIL import Image
from transformers import DistilBertForSequenceClassification

from .configuration_lugpi import LugpiConfig
# The demo's builders, re-exported: the tests' names stay as they were.
from .demo import (  # noqa: F401
    _TOY_CLASSES,
    _WORDS,
    TINY_GENERATOR_IMAGE_SIZE,
    TINY_GENERATOR_MAX_TOKENS,
    TINY_IMAGE_SIZE,
    TINY_MAX_LENGTH,
    TINY_PATCH_SIZE,
    TINY_WIDTH,
    VISION_KINDS,
    get_tiny_clip_config,
    get_tiny_clip_text_config,
    get_tiny_clip_tokenizer,
    get_tiny_image_processor,
    get_tiny_text_config,
    get_tiny_text_to_image_pipeline,
    get_tiny_tokenizer,
    get_tiny_vae,
    get_tiny_vision_config,
    get_tiny_vocab,
    make_toy_demo_dataset,
    make_toy_text_dataset,
    save_tiny_checkpoints,
)
from .modeling_lugpi import LugpiMultimodalForSequenceClassification
from .processing_lugpi import LugpiProcessor


def _labels_kwargs(num_labels: int, label_names: list[str] | None) -> dict:
    from .arguments import label_kwargs

    names = label_names or [f"LABEL_{i}" for i in range(num_labels)]
    if len(names) != num_labels:
        raise ValueError(f"{len(names)} label names given for num_labels={num_labels}.")
    kwargs = label_kwargs(names)
    del kwargs["num_labels"]  # the callers pass num_labels themselves
    return kwargs


def get_tiny_teacher_config(
    vision: str = "vit", num_labels: int = 2, label_names: list[str] | None = None, **overrides
) -> LugpiConfig:
    """A [`LugpiConfig`] over the tiny text and vision configs (4 fusion heads, 1 fusion layer)."""
    kwargs = dict(
        text_config=get_tiny_text_config(),
        vision_config=get_tiny_vision_config(vision),
        fusion_heads=4,
        **_labels_kwargs(num_labels, label_names),
    )
    kwargs.update(overrides)
    return LugpiConfig(**kwargs)


def get_tiny_teacher(
    vision: str = "vit", num_labels: int = 2, label_names: list[str] | None = None, seed: int = 0, **overrides
) -> LugpiMultimodalForSequenceClassification:
    """A randomly initialised tiny teacher; the same `seed` gives the same weights."""
    config = get_tiny_teacher_config(vision, num_labels, label_names, **overrides)
    torch.manual_seed(seed)
    return LugpiMultimodalForSequenceClassification(config)


def get_tiny_processor(vision: str = "vit") -> LugpiProcessor:
    """A [`LugpiProcessor`] pairing the tiny tokenizer with the `vision` kind's image processor."""
    return LugpiProcessor(image_processor=get_tiny_image_processor(vision), tokenizer=get_tiny_tokenizer())


def get_tiny_student(
    num_labels: int = 2, label_names: list[str] | None = None, seed: int = 0, **overrides
) -> DistilBertForSequenceClassification:
    """A tiny DistilBERT text classifier: the student (and baseline) architecture at test size."""
    config = get_tiny_text_config(**_labels_kwargs(num_labels, label_names), **overrides)
    torch.manual_seed(seed)
    return DistilBertForSequenceClassification(config)


def make_toy_text_image_dataset(num_rows: int = 32, num_labels: int = 2, seed: int = 0):
    """
    [`make_toy_text_dataset`] plus an `image` column tinted with the class colour, so that text and image each
    carry the label and a teacher can learn it.
    """
    from datasets import Dataset
    from datasets import Image as ImageFeature

    dataset = make_toy_text_dataset(num_rows, num_labels, seed)
    rng = np.random.default_rng(seed + 1)
    images = []
    for label in dataset["label"]:
        colour = _TOY_CLASSES[label][2]
        pixels = np.clip(rng.normal(colour, 30.0, size=(TINY_IMAGE_SIZE, TINY_IMAGE_SIZE, 3)), 0, 255)
        images.append(Image.fromarray(pixels.astype(np.uint8)))
    features = dataset.features.copy()
    features["image"] = ImageFeature()
    return Dataset.from_dict({**dataset.to_dict(), "image": images}, features=features)


__all__ = [
    "TINY_IMAGE_SIZE",
    "TINY_WIDTH",
    "VISION_KINDS",
    "get_tiny_image_processor",
    "get_tiny_processor",
    "get_tiny_student",
    "get_tiny_teacher",
    "get_tiny_teacher_config",
    "get_tiny_text_config",
    "get_tiny_tokenizer",
    "get_tiny_vision_config",
    "get_tiny_vocab",
    "make_toy_text_dataset",
    "make_toy_text_image_dataset",
]


# ---- Distillation, baseline and evaluation (issue 5) ----

TEXT_CLASSIFIER_TYPES = ("distilbert", "bert", "roberta")


def get_tiny_text_classifier(
    model_type: str = "distilbert",
    num_labels: int = 2,
    label_names: list[str] | None = None,
    seed: int = 0,
    **overrides,
):
    """
    A tiny DistilBERT, BERT or RoBERTa sequence classifier (width 32) over the tiny vocabulary: the student
    architectures whose classification layer the distillation trainer must find (`classifier`, `classifier`,
    `classifier.out_proj`).
    """
    from transformers import AutoModelForSequenceClassification, BertConfig, RobertaConfig

    labels = _labels_kwargs(num_labels, label_names)
    if model_type == "distilbert":
        return get_tiny_student(num_labels, label_names, seed, **overrides)
    kwargs = dict(
        vocab_size=len(get_tiny_vocab()),
        hidden_size=TINY_WIDTH,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=37,
        pad_token_id=0,
        **labels,
    )
    if model_type == "bert":
        config = BertConfig(max_position_embeddings=TINY_MAX_LENGTH, **kwargs)
    elif model_type == "roberta":
        # RoBERTa's positions start after the padding index.
        config = RobertaConfig(max_position_embeddings=TINY_MAX_LENGTH + 2, **kwargs)
    else:
        raise ValueError(f"Unknown text classifier type {model_type!r}; expected one of {TEXT_CLASSIFIER_TYPES}.")
    for key, value in overrides.items():
        setattr(config, key, value)
    torch.manual_seed(seed)
    return AutoModelForSequenceClassification.from_config(config)


def get_tiny_image_classifier(
    kind: str = "vit", num_labels: int = 2, label_names: list[str] | None = None, seed: int = 0
):
    """
    A tiny image-only classifier (the paper's image-only rows): `ViTForImageClassification`, or
    `CLIPForImageClassification` (CLIP's vision tower and a linear head), for 32x32 images.
    """
    from transformers import AutoModelForImageClassification

    labels = _labels_kwargs(num_labels, label_names)
    if kind == "vit":
        config = get_tiny_vision_config("vit")
    elif kind == "clip":
        config = get_tiny_clip_config()
    else:
        raise ValueError(f"Unknown vision kind {kind!r}; expected one of {VISION_KINDS}.")
    config.num_labels = num_labels
    config.id2label, config.label2id = labels["id2label"], labels["label2id"]
    torch.manual_seed(seed)
    return AutoModelForImageClassification.from_config(config)


__all__ += ["TEXT_CLASSIFIER_TYPES", "get_tiny_clip_config", "get_tiny_image_classifier", "get_tiny_text_classifier"]
__all__ += ["get_tiny_clip_tokenizer", "get_tiny_text_to_image_pipeline", "make_toy_demo_dataset", "save_tiny_checkpoints"]


# ---- Tiny SDXL, SD3 and Flux pipelines (stage 2: per-encoder prompt limits, T5 reading long prompts) ----

TINY_T5_MAX_TOKENS = 512


def get_tiny_t5_tokenizer():
    """
    A T5 (SentencePiece-style Unigram, `▁` word starts, `</s>` appended) tokenizer built locally with `tokenizers`:
    one piece per word of the tiny vocabulary, plus single characters so that any text still encodes.
    """

    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import T5TokenizerFast

    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -3.0)]
    for character in string.ascii_letters + string.digits + string.punctuation:
        pieces += [(character, -5.0), (f"▁{character}", -5.5)]
    pieces += [(f"▁{word}", -1.0) for word in sorted(set(_WORDS.split())) if len(word) > 1]
    model = Tokenizer(models.Unigram(pieces, unk_id=2, byte_fallback=False))
    model.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    model.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    model.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)]
    )
    return T5TokenizerFast(
        tokenizer_object=model,
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        extra_ids=0,
        model_max_length=TINY_T5_MAX_TOKENS,
    )


def _tiny_clip_text_config(tokenizer):
    # diffusers' SDXL / SD3 / Flux dummy text encoders: the demo generator's, with GELU and a projection.
    return get_tiny_clip_text_config(tokenizer, hidden_act="gelu", projection_dim=TINY_WIDTH)


def _tiny_t5_encoder(tokenizer):
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(0)
    return T5EncoderModel(
        T5Config(
            vocab_size=len(tokenizer),
            d_model=TINY_WIDTH,
            d_kv=8,
            d_ff=37,
            num_layers=2,
            num_heads=4,
            relative_attention_num_buckets=8,
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id,
            decoder_start_token_id=tokenizer.pad_token_id,
        )
    )


def _tiny_flow_vae(latent_channels: int):
    from diffusers import AutoencoderKL

    # diffusers' SD3 / Flux dummy VAE: one block, so latents have the image's size (vae_scale_factor 1).
    torch.manual_seed(0)
    return AutoencoderKL(
        sample_size=32,
        in_channels=3,
        out_channels=3,
        block_out_channels=(4,),
        layers_per_block=1,
        latent_channels=latent_channels,
        norm_num_groups=1,
        use_quant_conv=False,
        use_post_quant_conv=False,
        shift_factor=0.0609,
        scaling_factor=1.5035,
    )


def get_tiny_sdxl_pipeline():
    """
    A tiny `StableDiffusionXLPipeline` (two CLIP text encoders, UNet with text-time conditioning), from diffusers'
    dummy components with the local CLIP tokenizer for both encoders; 64x64 images by default, 32x32 work.
    """
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    tokenizer = get_tiny_clip_tokenizer()
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(2, 4),
        layers_per_block=2,
        time_cond_proj_dim=None,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 2),
        projection_class_embeddings_input_dim=80,  # 6 x 8 time ids + the 32-wide pooled text embedding
        cross_attention_dim=2 * TINY_WIDTH,
        norm_num_groups=1,
    )
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, steps_offset=1, beta_schedule="scaled_linear", timestep_spacing="leading"
    )
    vae = get_tiny_vae(sample_size=128)
    torch.manual_seed(0)
    text_encoder = CLIPTextModel(_tiny_clip_text_config(tokenizer))
    torch.manual_seed(0)
    text_encoder_2 = CLIPTextModelWithProjection(_tiny_clip_text_config(tokenizer))
    return StableDiffusionXLPipeline(
        vae=vae,
        text_encoder=text_encoder,
        text_encoder_2=text_encoder_2,
        tokenizer=tokenizer,
        tokenizer_2=get_tiny_clip_tokenizer(),
        unet=unet,
        scheduler=scheduler,
    )


def get_tiny_sd3_pipeline():
    """
    A tiny `StableDiffusion3Pipeline` (two CLIP encoders and a T5 encoder, MMDiT transformer), from diffusers'
    dummy components with local tokenizers; 32x32 images by default.
    """
    from diffusers import FlowMatchEulerDiscreteScheduler, SD3Transformer2DModel, StableDiffusion3Pipeline
    from transformers import CLIPTextModelWithProjection

    clip_tokenizer = get_tiny_clip_tokenizer()
    t5_tokenizer = get_tiny_t5_tokenizer()
    torch.manual_seed(0)
    transformer = SD3Transformer2DModel(
        sample_size=32,
        patch_size=1,
        in_channels=4,
        num_layers=1,
        attention_head_dim=8,
        num_attention_heads=4,
        caption_projection_dim=TINY_WIDTH,
        joint_attention_dim=TINY_WIDTH,
        pooled_projection_dim=2 * TINY_WIDTH,  # the two CLIPs' pooled embeddings, concatenated
        out_channels=4,
    )
    torch.manual_seed(0)
    text_encoder = CLIPTextModelWithProjection(_tiny_clip_text_config(clip_tokenizer))
    torch.manual_seed(0)
    text_encoder_2 = CLIPTextModelWithProjection(_tiny_clip_text_config(clip_tokenizer))
    return StableDiffusion3Pipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        text_encoder=text_encoder,
        text_encoder_2=text_encoder_2,
        text_encoder_3=_tiny_t5_encoder(t5_tokenizer),
        tokenizer=clip_tokenizer,
        tokenizer_2=get_tiny_clip_tokenizer(),
        tokenizer_3=t5_tokenizer,
        transformer=transformer,
        vae=_tiny_flow_vae(latent_channels=4),
    )


def get_tiny_flux_pipeline():
    """
    A tiny `FluxPipeline` (a CLIP and a T5 encoder, Flux transformer), from diffusers' dummy components with local
    tokenizers; its default size is 128x128, and any even size works (16x16 takes milliseconds).
    """
    from diffusers import FlowMatchEulerDiscreteScheduler, FluxPipeline, FluxTransformer2DModel
    from transformers import CLIPTextModel

    clip_tokenizer = get_tiny_clip_tokenizer()
    t5_tokenizer = get_tiny_t5_tokenizer()
    torch.manual_seed(0)
    transformer = FluxTransformer2DModel(
        patch_size=1,
        in_channels=4,
        num_layers=1,
        num_single_layers=1,
        attention_head_dim=16,
        num_attention_heads=2,
        joint_attention_dim=TINY_WIDTH,
        pooled_projection_dim=TINY_WIDTH,
        axes_dims_rope=[4, 4, 8],
    )
    torch.manual_seed(0)
    text_encoder = CLIPTextModel(_tiny_clip_text_config(clip_tokenizer))
    return FluxPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        text_encoder=text_encoder,
        text_encoder_2=_tiny_t5_encoder(t5_tokenizer),
        tokenizer=clip_tokenizer,
        tokenizer_2=t5_tokenizer,
        transformer=transformer,
        vae=_tiny_flow_vae(latent_channels=1),
    )


__all__ += ["get_tiny_flux_pipeline", "get_tiny_sd3_pipeline", "get_tiny_sdxl_pipeline", "get_tiny_t5_tokenizer"]
