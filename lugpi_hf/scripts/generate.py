# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
r"""Stage 2, generate: one image per distinct prompt of a prepared dataset, with any diffusers text-to-image
pipeline, written as resumable Parquet shards (rerun the same command to resume after a crash).

    # The paper's generator (Stable Diffusion 2, 768x768, 50 steps)
    lugpi generate --dataset_name ./imdb-prepared --preset paper --batch_size 8 --output_dir ./imdb-generated
    # Every GPU of the machine (the same options; or `lugpi generate --num_processes 8 ...`)
    accelerate launch -m lugpi_hf.scripts.generate \
        --dataset_name ./imdb-prepared --preset turbo --batch_size 32 --output_dir ./imdb-generated-turbo \
        --push_to_hub --hub_dataset_id <user>/imdb-lugpi-sd-turbo
    # Any other diffusers pipeline (Hub id or local directory), explicit settings
    lugpi generate --dataset_name ./cwi-prepared --generator stabilityai/stable-diffusion-2-1-base \
        --num_inference_steps 30 --guidance_scale 7.5 --seed 0 --image_size 256 --output_dir ./cwi-generated
"""

from __future__ import annotations

from ._base import build_parser, run_script

COMMAND = "generate"
HELP = "Generate the privileged images with a diffusers text-to-image pipeline (stage 2)."
DATACLASSES = ("lugpi_hf.generation.arguments:LugpiGenerationArguments",)


def make_parser(subparsers=None):
    from lugpi_hf.generation import LugpiGenerationArguments

    return build_parser(COMMAND, HELP, __doc__, (LugpiGenerationArguments,), subparsers)


def main(args):
    from lugpi_hf.generation import run_generation

    generated = run_generation(args)  # generates every split, resumes, and pushes when --push_to_hub
    rows = ", ".join(f"{name} {split.num_rows}" for name, split in generated.items())
    print(f"Generated dataset in {args.output_dir} ({rows} rows)")
    return generated


if __name__ == "__main__":
    run_script(__name__)
