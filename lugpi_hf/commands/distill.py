# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi distill`: the same run as `trainers/distill_student.py`, with the same arguments."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "distill",
        help="Distil the teacher into a text-only student (stage 5).",
        description="Distil the teacher into a text-only student (stage 5). "
        "Run `lugpi distill --help` for every argument.",
        add_help=False,
    )
    # The options are HfArgumentParser dataclasses, parsed in `run` (importing them here would slow `lugpi --help`).
    parser.set_defaults(func=run, passes_extra_arguments=True)


def run(args: argparse.Namespace) -> int:
    from transformers import HfArgumentParser

    from lugpi_hf.student import StudentScriptArguments, train_student
    from lugpi_hf.training_args import LugpiDistillationArguments

    parser = HfArgumentParser((StudentScriptArguments, LugpiDistillationArguments), prog="lugpi distill")
    script_args, training_args = parser.parse_args_into_dataclasses(args.extra_arguments)
    train_student(script_args, training_args, distill=True)
    print(f"student saved to {training_args.output_dir}")
    return 0
