# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi distill`: the same run as `trainers/distill_student.py`, with the same arguments."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    # Every argument goes to HfArgumentParser in `run` (the training arguments are many, and importing them is
    # slow): "+" as the only prefix keeps argparse from reading "--output_dir" and the like here.
    parser = subparsers.add_parser(
        "distill",
        help="Distil the teacher into a text-only student (stage 5).",
        description="Distil the teacher into a text-only student (stage 5). "
        "Run `lugpi distill --help` for every argument.",
        add_help=False,
        prefix_chars="+",
    )
    parser.add_argument("args", nargs=argparse.REMAINDER, help="Script and TrainingArguments flags.")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from transformers import HfArgumentParser

    from lugpi_hf.student import StudentScriptArguments, train_student
    from lugpi_hf.training_args import LugpiDistillationArguments

    parser = HfArgumentParser((StudentScriptArguments, LugpiDistillationArguments), prog="lugpi distill")
    script_args, training_args = parser.parse_args_into_dataclasses(args.args)
    trainer = train_student(script_args, training_args, distill=True)
    if training_args.push_to_hub:
        trainer.push_to_hub()
    return 0
