# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi baseline`: the same run as `trainers/train_baseline.py`, with the same arguments."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "baseline",
        help="Fine-tune the text-only baseline, the student's architecture with cross-entropy (stage 6).",
        description="Fine-tune the text-only baseline, the student's architecture with cross-entropy (stage 6). "
        "Run `lugpi baseline --help` for every argument.",
        add_help=False,
    )
    # The options are HfArgumentParser dataclasses, parsed in `run` (importing them here would slow `lugpi --help`).
    parser.set_defaults(func=run, passes_extra_arguments=True)


def run(args: argparse.Namespace) -> int:
    from transformers import HfArgumentParser, TrainingArguments

    from lugpi_hf.student import StudentScriptArguments, train_student

    parser = HfArgumentParser((StudentScriptArguments, TrainingArguments), prog="lugpi baseline")
    script_args, training_args = parser.parse_args_into_dataclasses(args.extra_arguments)
    train_student(script_args, training_args, distill=False)
    print(f"baseline saved to {training_args.output_dir}")
    return 0
