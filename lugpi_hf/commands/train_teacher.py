# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi train-teacher`: the same run as `trainers/train_teacher.py`, with the same arguments."""

from __future__ import annotations

import argparse

from . import add_trainer_command, parse_trainer_arguments


def register(subparsers) -> None:
    add_trainer_command(subparsers, "train-teacher", "Train the text + image teacher (stage 3).", run)


def run(args: argparse.Namespace) -> int:
    from transformers import TrainingArguments

    from lugpi_hf.teacher_training import LugpiTeacherArguments, train_teacher

    teacher_args, training_args = parse_trainer_arguments(args, (LugpiTeacherArguments, TrainingArguments))
    train_teacher(teacher_args, training_args)
    print(f"teacher saved to {training_args.output_dir}")
    return 0
