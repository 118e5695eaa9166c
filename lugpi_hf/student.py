# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stages 5 and 6a, distill and baseline: one text classifier recipe, with or without the teacher.

`trainers/distill_student.py`, `trainers/train_baseline.py`, `lugpi distill` and `lugpi baseline` all run
[`train_student`], so the baseline and the student share the architecture, the tokenization and the batches,
and differ only by the loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments
from transformers.utils import logging

from .arguments import TrainingDataArguments, label_kwargs
from .data_collator import LugpiDistillationCollator
from .dataset_io import label_names
from .hub import ModelFilesTrainer
from .metrics import compute_classification_metrics
from .trainer import LugpiDistillationTrainer
from .training_args import LugpiDistillationArguments
from .training_utils import (
    divide_loss_for_accumulation,
    load_test_split,
    load_train_eval_splits,
    seed_training,
    train_save_evaluate,
)


logger = logging.get_logger(__name__)


@dataclass
class StudentScriptArguments(TrainingDataArguments):
    """Data and model arguments shared by the baseline and the distilled student."""

    student_model_name_or_path: str = field(
        default="distilbert-base-uncased",
        metadata={
            "aliases": ["--student_model"],
            "help": "Pretrained text encoder of the student and the baseline (hub id or directory).",
        },
    )


def load_student(name_or_path: str, names: list[str], **kwargs):
    """
    A text classifier for the classes `names` (a fresh head on a pretrained encoder) and its tokenizer: the
    architecture the baseline and the student share.
    """
    model = AutoModelForSequenceClassification.from_pretrained(
        name_or_path,
        **label_kwargs(names),
        **kwargs,
    )
    return model, AutoTokenizer.from_pretrained(name_or_path)


def train_student(script_args: StudentScriptArguments, training_args: TrainingArguments, *, distill: bool) -> Trainer:
    """
    Fine-tune the student architecture on text: with the LUGPI distillation loss (`distill=True`,
    `training_args` a [`LugpiDistillationArguments`]) or with plain cross-entropy (the baseline). Trains,
    evaluates when an evaluation split exists, saves the model (with the LUGPI student card when distilled),
    metrics and state to `training_args.output_dir`, pushes when `push_to_hub` is set, and returns the trainer.
    """
    if distill and not isinstance(training_args, LugpiDistillationArguments):
        raise ValueError("Distillation needs LugpiDistillationArguments.")
    seed_training(training_args)
    train_dataset, eval_dataset = load_train_eval_splits(script_args, training_args)
    names = label_names(train_dataset, script_args.label_column)
    model, tokenizer = load_student(script_args.student_model_name_or_path, names)
    collator = LugpiDistillationCollator(
        tokenizer,
        text_column=script_args.text_column,
        label_column=script_args.label_column,
        image_column=script_args.image_column,
        max_length=script_args.max_length,
    )
    kwargs = dict(
        model=model,
        args=training_args,
        data_collator=collator,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        processing_class=tokenizer,
        compute_metrics=compute_classification_metrics,
    )
    if distill:
        card_dataset = script_args.dataset_card_name or script_args.dataset_name
        trainer = LugpiDistillationTrainer(**kwargs, card_metadata={"dataset": card_dataset})
    else:
        # The collator reads the raw text column, which is not an argument of the model's forward; keeping only
        # what it reads spares decoding the images of a generated dataset.
        training_args.remove_unused_columns = False
        columns = [script_args.text_column, script_args.label_column]
        kwargs["train_dataset"] = train_dataset.select_columns(columns)
        kwargs["eval_dataset"] = eval_dataset.select_columns(columns) if eval_dataset is not None else None
        trainer = divide_loss_for_accumulation(ModelFilesTrainer(**kwargs))

    # Only the text and the label: the student reads no image, and the test split is not in the teacher cache.
    test_dataset = load_test_split(script_args, [script_args.text_column, script_args.label_column])
    return train_save_evaluate(trainer, test_dataset, script_args.test_split)


__all__ = ["StudentScriptArguments", "load_student", "train_student"]
