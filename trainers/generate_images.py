# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
Generate the privileged images (stage 2 of LUGPI): one image per distinct prompt of a prepared dataset, with
any diffusers text-to-image pipeline, on as many GPUs or nodes as `accelerate launch` gives. Each process
writes its own Parquet shards; rerun the same command to resume after a crash.

# The paper's generator (Stable Diffusion 2, 768x768, 50 steps), on every GPU of the machine
accelerate launch trainers/generate_images.py \
    --dataset_name ./imdb-prepared --preset paper --batch_size 8 --output_dir ./imdb-generated

# Faster: SD 2 base at 512x512 with DPM-Solver++ in 20 steps, or SD-Turbo in 1 step
accelerate launch trainers/generate_images.py \
    --dataset_name ./imdb-prepared --preset fast --batch_size 32 --output_dir ./imdb-generated-fast
accelerate launch trainers/generate_images.py \
    --dataset_name ./imdb-prepared --preset turbo --batch_size 64 --compile --output_dir ./imdb-generated-turbo \
    --push_to_hub --hub_dataset_id <user>/imdb-lugpi-sd-turbo

# Any other diffusers pipeline (Hub id or local directory), explicit settings
accelerate launch trainers/generate_images.py \
    --dataset_name ./cwi-prepared --generator stabilityai/stable-diffusion-2-1-base \
    --num_inference_steps 30 --guidance_scale 7.5 --seed 0 --image_size 256 --output_dir ./cwi-generated
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from accelerate import PartialState
from datasets import DatasetDict
from transformers import HfArgumentParser

from lugpi_hf.dataset_io import load_dataset_dict
from lugpi_hf.image_generation import generate_privileged_images, push_generated_dataset


@dataclass
class GenerationScriptArguments:
    dataset_name: str = field(metadata={"help": "Prepared dataset (id, prompt, ... columns): directory or Hub id."})
    output_dir: str = field(metadata={"help": "Where the generated dataset goes (shards + generation_settings.json)."})
    dataset_config: str | None = field(default=None, metadata={"help": "Hub dataset configuration name."})
    splits: list[str] | None = field(default=None, metadata={"help": "Splits to generate (default: all)."})
    generator: str | None = field(
        default=None, metadata={"help": "diffusers text-to-image pipeline: Hub id or directory (default: preset's)."}
    )
    preset: str | None = field(default=None, metadata={"help": "paper, fast or turbo; explicit arguments win."})
    batch_size: int = field(default=8, metadata={"help": "Prompts per pipeline call, per process."})
    num_inference_steps: int | None = field(default=None, metadata={"help": "Denoising steps (preset's, else 50)."})
    guidance_scale: float | None = field(default=None, metadata={"help": "Guidance scale (preset's, else 7.5)."})
    resolution: int | None = field(default=None, metadata={"help": "Generated height and width in pixels."})
    seed: int = field(default=0, metadata={"help": "Global seed, hashed with each prompt."})
    image_size: int = field(
        default=256, metadata={"help": "Stored shorter side in pixels; 0 keeps the generated size."}
    )
    image_format: str = field(default="jpeg", metadata={"help": "jpeg or png."})
    shard_size: int = field(default=512, metadata={"help": "Rows per Parquet shard."})
    compile: bool = field(default=False, metadata={"help": "torch.compile the UNet."})
    push_to_hub: bool = field(default=False, metadata={"help": "Push the result with a dataset card."})
    hub_dataset_id: str | None = field(default=None, metadata={"help": "Dataset repository to push to."})
    hub_private_repo: bool | None = field(default=None, metadata={"help": "Create the Hub repository private."})


def make_parser() -> HfArgumentParser:
    return HfArgumentParser(GenerationScriptArguments)


def main(args: GenerationScriptArguments):
    if args.push_to_hub and not args.hub_dataset_id:
        raise ValueError("--push_to_hub needs --hub_dataset_id (user/name).")
    dataset = load_dataset_dict(args.dataset_name, args.dataset_config)
    if args.splits:
        unknown = [name for name in args.splits if name not in dataset]
        if unknown:
            raise ValueError(f"{args.dataset_name}: no split {unknown[0]!r} (splits: {list(dataset)}).")
        dataset = DatasetDict({name: dataset[name] for name in args.splits})
    generated = generate_privileged_images(
        dataset,
        args.generator,
        args.output_dir,
        preset=args.preset,
        batch_size=args.batch_size,
        num_inference_steps=args.num_inference_steps,
        guidance_scale=args.guidance_scale,
        resolution=args.resolution,
        seed=args.seed,
        image_size=args.image_size or None,
        image_format=args.image_format,
        shard_size=args.shard_size,
        compile=args.compile,
    )
    if args.push_to_hub and PartialState().is_main_process:
        # A Hub id names the source in the card; a local path would mean nothing to readers.
        source = None if os.path.exists(args.dataset_name) else args.dataset_name
        push_generated_dataset(
            args.output_dir, args.hub_dataset_id, source_dataset=source, private=args.hub_private_repo
        )
    return generated


if __name__ == "__main__":
    (script_args,) = make_parser().parse_args_into_dataclasses()
    main(script_args)
