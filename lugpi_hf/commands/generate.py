# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi generate`: stage 2, one image per prompt of a prepared dataset, written as a resumable dataset."""

from __future__ import annotations

import argparse


PRESET_NAMES = ("paper", "fast", "turbo")  # keys of lugpi_hf.image_generation.GENERATION_PRESETS


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="generate the privileged images with a diffusers text-to-image pipeline",
        description=(
            "Generate one image per distinct prompt of a prepared dataset (columns id, prompt, ...) and write "
            "the dataset with an image column as Parquet shards under --output-dir. Rerun the same command to "
            "resume after a crash. For several GPUs: accelerate launch trainers/generate_images.py."
        ),
    )
    parser.add_argument("--dataset", required=True, help="prepared dataset: save_to_disk dir, Parquet dir or Hub id")
    parser.add_argument("--generator", help="diffusers pipeline: Hub id or local dir (defaults to the preset's)")
    parser.add_argument(
        "--preset",
        choices=PRESET_NAMES,
        help="paper (SD2 768, 50 steps), fast (SD2-base "
        "512, DPM-Solver++ 20 steps) or turbo (SD-Turbo 512, 1 step); explicit options win",
    )
    parser.add_argument("--output-dir", required=True, help="where the generated dataset goes")
    parser.add_argument("--split", action="append", help="split to generate (repeatable; default: every split)")
    parser.add_argument("--batch-size", type=int, default=8, help="prompts per pipeline call (default 8)")
    parser.add_argument("--num-inference-steps", type=int, help="denoising steps (default: preset's, else 50)")
    parser.add_argument("--guidance-scale", type=float, help="classifier-free guidance (default: preset's, else 7.5)")
    parser.add_argument("--resolution", type=int, help="generated height and width in px (default: preset's)")
    parser.add_argument("--seed", type=int, default=0, help="global seed, hashed with each prompt (default 0)")
    parser.add_argument("--image-size", type=int, default=256, help="stored shorter side in px; 0 keeps (default 256)")
    parser.add_argument("--image-format", choices=("jpeg", "png"), default="jpeg", help="stored format (default jpeg)")
    parser.add_argument("--shard-size", type=int, default=512, help="rows per Parquet shard (default 512)")
    parser.add_argument("--compile", action="store_true", help="torch.compile the UNet (worth it on long GPU runs)")
    parser.add_argument("--push-to-hub", metavar="REPO_ID", help="push the result with a dataset card to this repo")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import logging

    from datasets import DatasetDict

    from lugpi_hf.dataset_io import load_dataset_dict
    from lugpi_hf.image_generation import generate_privileged_images, push_generated_dataset

    # The library logs its plan and its truncation summary; a command line user wants to see them.
    library_logger = logging.getLogger("lugpi_hf")
    if not library_logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        library_logger.addHandler(handler)
    library_logger.setLevel(logging.INFO)
    dataset = load_dataset_dict(args.dataset)
    if args.split:
        unknown = [name for name in args.split if name not in dataset]
        if unknown:
            raise ValueError(f"{args.dataset}: no split {unknown[0]!r} (splits: {list(dataset)}).")
        dataset = DatasetDict({name: dataset[name] for name in args.split})
    if args.generator is None and args.preset is None:
        raise ValueError("give --generator (Hub id or directory of a diffusers pipeline) or --preset.")
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
    rows = ", ".join(f"{name} {split.num_rows}" for name, split in generated.items())
    print(f"Generated dataset in {args.output_dir} ({rows} rows)")
    if args.push_to_hub:
        print(push_generated_dataset(args.output_dir, args.push_to_hub))
    return 0
