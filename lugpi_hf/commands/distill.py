# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi distill`: the same run as `trainers/distill_student.py`, with the same arguments."""

from __future__ import annotations

import argparse

from . import add_trainer_command, parse_trainer_arguments


def register(subparsers) -> None:
    add_trainer_command(subparsers, "distill", "Distil the teacher into a text-only student (stage 5).", run)


def run(args: argparse.Namespace) -> int:
    from lugpi_hf.student import StudentScriptArguments, train_student
    from lugpi_hf.training_args import LugpiDistillationArguments

    script_args, training_args = parse_trainer_arguments(args, (StudentScriptArguments, LugpiDistillationArguments))
    train_student(script_args, training_args, distill=True)
    print(f"student saved to {training_args.output_dir}")
    return 0
