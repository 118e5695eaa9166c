# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 2 of LUGPI: a `diffusers` text-to-image pipeline imagines one image per prompt (the privileged
information), stored as a `datasets` dataset with an `image` column.

One concern per module: `presets` (named settings), `loading` (pipelines), `prompts` (seeds, per-encoder limits,
cutting, negative prompts), `storage` (settings, shards, resume checks), `loop` (the generation loop and
[`generate_privileged_images`]), `card` (dataset card and push), `arguments` (the stage's arguments).
"""

from .arguments import LugpiGenerationArguments, PresetName, run_generation
from .card import DATASET_CARD_TEMPLATE, make_generated_dataset_card, push_generated_dataset
from .loading import load_text_to_image_pipeline
from .loop import generate_privileged_images
from .presets import GENERATION_PRESETS, GenerationPreset
from .prompts import SEED_RULE, prompt_seed, tokenizer_limit, truncate_prompts
from .storage import DATA_DIR, GENERATION_SETTINGS_FILE, IMAGE_FORMATS, read_generation_settings


__all__ = [
    "DATASET_CARD_TEMPLATE",
    "DATA_DIR",
    "GENERATION_PRESETS",
    "GENERATION_SETTINGS_FILE",
    "IMAGE_FORMATS",
    "GenerationPreset",
    "LugpiGenerationArguments",
    "PresetName",
    "SEED_RULE",
    "generate_privileged_images",
    "load_text_to_image_pipeline",
    "make_generated_dataset_card",
    "push_generated_dataset",
    "prompt_seed",
    "read_generation_settings",
    "run_generation",
    "tokenizer_limit",
    "truncate_prompts",
]
