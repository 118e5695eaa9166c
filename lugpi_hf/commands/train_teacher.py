# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi train-teacher`: the arguments of `trainers/train_teacher.py` (and all of `TrainingArguments`)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train-teacher",
        help="train the text + image teacher (stage 3); `lugpi train-teacher --help` lists every option",
        add_help=False,
    )
    parser.set_defaults(func=run, passes_extra_arguments=True)


def run(args: argparse.Namespace) -> int:
    from transformers import HfArgumentParser, TrainingArguments

    from lugpi_hf.teacher_training import LugpiTeacherArguments, train_teacher

    parser = HfArgumentParser((LugpiTeacherArguments, TrainingArguments), prog="lugpi train-teacher")
    teacher_args, training_args = parser.parse_args_into_dataclasses(args.extra_arguments)
    train_teacher(teacher_args, training_args)
    print(f"teacher saved to {training_args.output_dir}")
    return 0
