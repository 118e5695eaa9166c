# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi generate`: stage 2, one image per prompt of a prepared dataset, written as a resumable dataset.

Its options are the fields of `lugpi_hf.image_generation.LugpiGenerationArguments`, as for
`trainers/generate_images.py` (which `accelerate launch` runs on several GPUs).
"""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="Generate the privileged images with a diffusers text-to-image pipeline (stage 2).",
        add_help=False,
    )
    parser.set_defaults(func=run, passes_extra_arguments=True)


def run(args: argparse.Namespace) -> int:
    import logging

    from transformers import HfArgumentParser

    from lugpi_hf.image_generation import LugpiGenerationArguments, run_generation

    parser = HfArgumentParser(
        LugpiGenerationArguments,
        prog="lugpi generate",
        description="Generate one image per distinct prompt of a prepared dataset (columns id, prompt, ...) and "
        "write the dataset with an image column as Parquet shards under --output-dir. Rerun the same command to "
        "resume after a crash. Several GPUs: accelerate launch trainers/generate_images.py with the same options.",
    )
    (generation_args,) = parser.parse_args_into_dataclasses(args.extra_arguments)
    # The library logs its plan and its truncation summary; a command line user wants to see them.
    library_logger = logging.getLogger("lugpi_hf")
    if not library_logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        library_logger.addHandler(handler)
    library_logger.setLevel(logging.INFO)
    generated = run_generation(generation_args)
    rows = ", ".join(f"{name} {split.num_rows}" for name, split in generated.items())
    print(f"Generated dataset in {generation_args.output_dir} ({rows} rows)")
    return 0
