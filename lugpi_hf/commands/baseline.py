# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi baseline`: the same run as `trainers/train_baseline.py`, with the same arguments."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    # Every argument goes to HfArgumentParser in `run` (the training arguments are many, and importing them is
    # slow): "+" as the only prefix keeps argparse from reading "--output_dir" and the like here.
    parser = subparsers.add_parser(
        "baseline",
        help="Fine-tune the text-only baseline, the student's architecture with cross-entropy (stage 6).",
        description="Fine-tune the text-only baseline, the student's architecture with cross-entropy (stage 6). "
        "Run `lugpi baseline --help` for every argument.",
        add_help=False,
        prefix_chars="+",
    )
    parser.add_argument("args", nargs=argparse.REMAINDER, help="Script and TrainingArguments flags.")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from transformers import HfArgumentParser, TrainingArguments

    from lugpi_hf.student import StudentScriptArguments, train_student

    parser = HfArgumentParser((StudentScriptArguments, TrainingArguments), prog="lugpi baseline")
    script_args, training_args = parser.parse_args_into_dataclasses(args.args)
    trainer = train_student(script_args, training_args, distill=False)
    if training_args.push_to_hub:
        trainer.push_to_hub()
    return 0
