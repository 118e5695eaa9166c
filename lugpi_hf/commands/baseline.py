# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi baseline`: the same run as `trainers/train_baseline.py`, with the same arguments."""

from __future__ import annotations

import argparse

from . import add_trainer_command, parse_trainer_arguments


def register(subparsers) -> None:
    add_trainer_command(
        subparsers, "baseline", "Fine-tune the text-only baseline, the student's architecture with cross-entropy "
        "(stage 6).", run,
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from transformers import TrainingArguments

    from lugpi_hf.student import StudentScriptArguments, train_student

    script_args, training_args = parse_trainer_arguments(args, (StudentScriptArguments, TrainingArguments))
    train_student(script_args, training_args, distill=False)
    print(f"baseline saved to {training_args.output_dir}")
    return 0
