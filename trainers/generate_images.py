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
    --dataset_name ./imdb-prepared --preset turbo --batch_size 32 --compile --output_dir ./imdb-generated-turbo \
    --push_to_hub --hub_dataset_id <user>/imdb-lugpi-sd-turbo

# Any other diffusers pipeline (Hub id or local directory), explicit settings
accelerate launch trainers/generate_images.py \
    --dataset_name ./cwi-prepared --generator stabilityai/stable-diffusion-2-1-base \
    --num_inference_steps 30 --guidance_scale 7.5 --seed 0 --image_size 256 --output_dir ./cwi-generated
"""

from transformers import HfArgumentParser

from lugpi_hf.image_generation import LugpiGenerationArguments, run_generation


def make_parser() -> HfArgumentParser:
    return HfArgumentParser(LugpiGenerationArguments)


def main(args: LugpiGenerationArguments):
    return run_generation(args)  # generates every split, resumes, and pushes when --push_to_hub


if __name__ == "__main__":
    (generation_args,) = make_parser().parse_args_into_dataclasses()
    main(generation_args)
