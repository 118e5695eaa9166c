# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The offline demo's models and data (`lugpi run --preset demo`): tiny models built from configs, a toy dataset.

Nothing here downloads anything. Every builder seeds torch before it creates weights, so two calls give identical
models, as transformers' model testers and diffusers' `get_dummy_components()` do. The sizes follow transformers'
DistilBERT tester (width 32, 2 layers, 4 heads). The tests build on the same pieces through `lugpi_hf.testing`,
which re-exports every name here; the demo is a shipped feature, so it does not import the test helpers.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import numpy as np
import torch
from transformers import (
    CLIPImageProcessorPil,
    CLIPVisionConfig,
    DistilBertConfig,
    DistilBertTokenizer,
    PretrainedConfig,
    ViTConfig,
    ViTImageProcessorPil,
)


TINY_WIDTH = 32
TINY_IMAGE_SIZE = 32
TINY_PATCH_SIZE = 8
TINY_MAX_LENGTH = 64
VISION_KINDS = ("vit", "clip")
TINY_GENERATOR_IMAGE_SIZE = 32
TINY_GENERATOR_MAX_TOKENS = 77

# Whole words keep the demo's sequences short; letters and `##` pieces let WordPiece spell any other word.
_WORDS = """
the a an and or but not no of to in on at for with from by as is are was were be been it this that these those
i you he she we they my your his her our their me him us them what which who when where why how all any some
one two three many more most very so too just only also than then there here out up down over under again
good great bad awful best worst love hate like fun boring funny sad happy dark bright beautiful ugly nice
movie film story plot actor actors acting scene scenes music cast director ending character characters
book game team season player win lost won play played car cars engine road drive space nasa orbit moon
earth rocket god church faith bible believe computer windows file files disk card graphics software program
gun guns law government people president war peace health doctor medical science key encryption chip
sale price sell buy new old used offer email mail phone word words sentence text image picture photo
red green blue yellow black white orange purple cat dog bird fish horse tree flower sun sky sea river
mountain city house castle street forest snow rain night day morning evening man woman child children
big small long short high low hot cold fast slow first last next time year years world life work home
positive negative complex simple hard easy difficult
"""

_SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def get_tiny_vocab() -> dict[str, int]:
    """The tiny WordPiece vocabulary: special tokens, characters, `##` continuations and common words."""
    characters = string.ascii_lowercase + string.digits + string.punctuation
    tokens = _SPECIAL_TOKENS + list(characters) + [f"##{c}" for c in characters] + sorted(set(_WORDS.split()))
    return {token: index for index, token in enumerate(dict.fromkeys(tokens))}


def get_tiny_tokenizer() -> DistilBertTokenizer:
    """A DistilBERT (WordPiece, lower-case) tokenizer built locally from [`get_tiny_vocab`]."""
    return DistilBertTokenizer(vocab=get_tiny_vocab(), model_max_length=TINY_MAX_LENGTH)


def get_tiny_text_config(**overrides) -> DistilBertConfig:
    """A DistilBERT config of width 32 whose vocabulary matches [`get_tiny_tokenizer`]."""
    kwargs = dict(
        vocab_size=len(get_tiny_vocab()),
        dim=TINY_WIDTH,
        n_layers=2,
        n_heads=4,
        hidden_dim=37,
        max_position_embeddings=TINY_MAX_LENGTH,
        pad_token_id=0,
    )
    kwargs.update(overrides)
    return DistilBertConfig(**kwargs)


def get_tiny_vision_config(kind: str = "vit", **overrides) -> PretrainedConfig:
    """A ViT (width 24, so the teacher projects it) or CLIP vision (width 32) config for 32x32 images."""
    if kind == "vit":
        kwargs = dict(hidden_size=24, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37)
        config_class = ViTConfig
    elif kind == "clip":
        kwargs = dict(hidden_size=TINY_WIDTH, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37)
        kwargs["projection_dim"] = TINY_WIDTH
        config_class = CLIPVisionConfig
    else:
        raise ValueError(f"Unknown vision kind {kind!r}; expected one of {VISION_KINDS}.")
    kwargs.update(image_size=TINY_IMAGE_SIZE, patch_size=TINY_PATCH_SIZE)
    kwargs.update(overrides)
    return config_class(**kwargs)


def get_tiny_image_processor(kind: str = "vit"):
    """The image processor of the `kind` encoder, resizing to 32x32 (PIL backend: no torchvision needed)."""
    size = {"height": TINY_IMAGE_SIZE, "width": TINY_IMAGE_SIZE}
    if kind == "vit":
        return ViTImageProcessorPil(size=size)
    if kind == "clip":
        return CLIPImageProcessorPil(
            size={"shortest_edge": TINY_IMAGE_SIZE}, crop_size=size, do_center_crop=True, do_convert_rgb=True
        )
    raise ValueError(f"Unknown vision kind {kind!r}; expected one of {VISION_KINDS}.")


def get_tiny_clip_config():
    """A full CLIP config (text and vision towers, width 32) whose vision tower is [`get_tiny_vision_config`]("clip")."""
    from transformers import CLIPConfig, CLIPTextConfig

    text_config = CLIPTextConfig(
        vocab_size=99, hidden_size=TINY_WIDTH, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37,
        pad_token_id=0, bos_token_id=1, eos_token_id=2,
    )
    return CLIPConfig(
        text_config=text_config.to_dict(),
        vision_config=get_tiny_vision_config("clip").to_dict(),
        projection_dim=TINY_WIDTH,
    )


# Words and colours of the toy task: text and image each carry the label, so a teacher can learn it.
_TOY_CLASSES = [
    ("positive", ["good", "great", "best", "love", "fun", "beautiful"], (220, 40, 40)),
    ("negative", ["bad", "awful", "worst", "hate", "boring", "ugly"], (40, 40, 220)),
    ("neutral", ["old", "new", "long", "short", "first", "last"], (40, 200, 40)),
]


_TOY_FILLER = ["the", "movie", "film", "story", "plot", "actors", "music", "was", "very", "and", "with", "a"]


def make_toy_text_dataset(num_rows: int = 32, num_labels: int = 2, seed: int = 0, id_prefix: str = "toy"):
    """
    A small text classification set that the package makes itself (no download): `id`, `text`, `prompt` and
    `label` (`ClassLabel`) columns, where each text holds one word of its class among filler words. It is the
    demo's data: it checks the machinery, not accuracy on real data.
    """
    from datasets import ClassLabel, Dataset, Features, Value

    if not 2 <= num_labels <= len(_TOY_CLASSES):
        raise ValueError(f"num_labels must be in [2, {len(_TOY_CLASSES)}], got {num_labels}.")
    rng = np.random.default_rng(seed)
    rows = {"id": [], "text": [], "prompt": [], "label": []}
    for index in range(num_rows):
        label = index % num_labels
        words = list(rng.choice(_TOY_FILLER, size=5)) + [str(rng.choice(_TOY_CLASSES[label][1]))]
        rng.shuffle(words)
        text = " ".join(words)
        rows["id"].append(f"{id_prefix}-{index:05d}")
        rows["text"].append(text)
        rows["prompt"].append(text)
        rows["label"].append(label)
    features = Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "prompt": Value("string"),
            "label": ClassLabel(names=[name for name, _, _ in _TOY_CLASSES[:num_labels]]),
        }
    )
    return Dataset.from_dict(rows, features=features)


def get_tiny_clip_tokenizer():
    """
    A CLIP (byte-level BPE, lower-case, `</w>` word ends) tokenizer built locally: the byte alphabet plus one
    merge chain per word of the tiny vocabulary, so common words are one token and any text still encodes.
    """
    from tokenizers import pre_tokenizers
    from transformers import CLIPTokenizer

    vocab: dict[str, int] = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    for symbol in alphabet + [f"{c}</w>" for c in alphabet]:
        vocab.setdefault(symbol, len(vocab))
    merges: list[tuple[str, str]] = []
    for word in sorted(set(_WORDS.split())):
        pieces = list(word[:-1]) + [f"{word[-1]}</w>"]
        while len(pieces) > 1:
            pair = (pieces[0], pieces[1])
            merged = pair[0] + pair[1]
            if merged not in vocab:
                vocab[merged] = len(vocab)
                merges.append(pair)
            pieces = [merged] + pieces[2:]
    return CLIPTokenizer(vocab=vocab, merges=merges, model_max_length=TINY_GENERATOR_MAX_TOKENS)


def get_tiny_clip_text_config(tokenizer, **overrides):
    """The tiny generators' CLIP text encoder (width 32, 2 layers) over `tokenizer`'s vocabulary."""
    from transformers import CLIPTextConfig

    settings = {
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
        "hidden_size": TINY_WIDTH,
        "intermediate_size": 37,
        "num_attention_heads": 4,
        "num_hidden_layers": 2,
        "max_position_embeddings": TINY_GENERATOR_MAX_TOKENS,
        "vocab_size": len(tokenizer),
    }
    return CLIPTextConfig(**{**settings, **overrides})


def get_tiny_vae(**overrides):
    """diffusers' dummy Stable Diffusion VAE (two blocks, 4 latent channels: 2x downsampling), seeded."""
    from diffusers import AutoencoderKL

    torch.manual_seed(0)
    return AutoencoderKL(
        block_out_channels=[4, 8],
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
        latent_channels=4,
        norm_num_groups=2,
        **overrides,
    )


def get_tiny_text_to_image_pipeline():
    """
    A tiny `StableDiffusionPipeline` (UNet, VAE and CLIP text encoder of width 32 or less, DDIM scheduler),
    built offline from configs as diffusers' `get_dummy_components()` does: `torch.manual_seed(0)` before each
    part, so two calls give identical pipelines. Its default output is 32x32 images; 2 steps take milliseconds.
    """
    from diffusers import DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel

    tokenizer = get_tiny_clip_tokenizer()
    torch.manual_seed(0)
    # sample_size 16 latents x VAE scale factor 2 = 32-pixel images by default.
    unet = UNet2DConditionModel(
        block_out_channels=(4, 8),
        layers_per_block=1,
        sample_size=16,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=TINY_WIDTH,
        norm_num_groups=2,
    )
    scheduler = DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )
    vae = get_tiny_vae()
    torch.manual_seed(0)
    text_encoder = CLIPTextModel(get_tiny_clip_text_config(tokenizer))
    return StableDiffusionPipeline(
        unet=unet,
        scheduler=scheduler,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )


def make_toy_demo_dataset(num_labels: int = 2):
    """The demo's prepared data: [`make_toy_text_dataset`] splits of 96 / 32 / 48 rows with distinct ids."""
    from datasets import DatasetDict

    sizes = {"train": 96, "validation": 32, "test": 48}
    return DatasetDict(
        {
            split: make_toy_text_dataset(size, num_labels, seed=index, id_prefix=f"demo-{split}")
            for index, (split, size) in enumerate(sizes.items())
        }
    )


def save_tiny_checkpoints(directory: str | os.PathLike) -> dict[str, Path]:
    """
    Save the demo's "pretrained" checkpoints, as a user would find them on the Hub: `text` (tiny DistilBERT encoder
    and tokenizer, also the student's starting point), `vit` (tiny ViT and its image processor), `clip` (a full
    tiny CLIP and its image processor, of which the teacher takes the vision tower), and `generator` (the tiny
    text-to-image pipeline). Returns their paths by name.
    """
    from transformers import CLIPModel, DistilBertModel, ViTModel

    directory = Path(directory)
    paths = {name: directory / name for name in ("text", "vit", "clip", "generator")}
    torch.manual_seed(0)
    DistilBertModel(get_tiny_text_config()).save_pretrained(paths["text"])
    get_tiny_tokenizer().save_pretrained(paths["text"])
    torch.manual_seed(0)
    ViTModel(get_tiny_vision_config("vit"), add_pooling_layer=False).save_pretrained(paths["vit"])
    get_tiny_image_processor("vit").save_pretrained(paths["vit"])
    torch.manual_seed(0)
    CLIPModel(get_tiny_clip_config()).save_pretrained(paths["clip"])
    get_tiny_image_processor("clip").save_pretrained(paths["clip"])
    get_tiny_text_to_image_pipeline().save_pretrained(paths["generator"])
    return paths


__all__ = [
    "TINY_GENERATOR_IMAGE_SIZE",
    "TINY_GENERATOR_MAX_TOKENS",
    "TINY_IMAGE_SIZE",
    "TINY_MAX_LENGTH",
    "TINY_PATCH_SIZE",
    "TINY_WIDTH",
    "VISION_KINDS",
    "get_tiny_clip_config",
    "get_tiny_clip_tokenizer",
    "get_tiny_image_processor",
    "get_tiny_text_config",
    "get_tiny_text_to_image_pipeline",
    "get_tiny_tokenizer",
    "get_tiny_vision_config",
    "get_tiny_vocab",
    "make_toy_demo_dataset",
    "make_toy_text_dataset",
    "save_tiny_checkpoints",
]
