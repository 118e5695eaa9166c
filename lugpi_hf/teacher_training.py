# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 3 of LUGPI: train the multimodal teacher on texts and their generated images.

The trainer is a plain `transformers.Trainer` plus the LUGPI model card; [`train_teacher`] is what
`trainers/train_teacher.py` and `lugpi train-teacher` run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transformers import Trainer, TrainingArguments
from transformers.utils import logging

from .data_collator import LugpiTextImageCollator
from .dataset_io import label_names
from .metrics import compute_classification_metrics
from .model_card import LugpiModelCardMixin
from .modeling_lugpi import LugpiMultimodalForSequenceClassification
from .processing_lugpi import LugpiProcessor
from .redaction import protect_secrets
from .training_utils import load_train_eval_splits, seed_training, train_save_evaluate


logger = logging.get_logger(__name__)


@dataclass
class LugpiTeacherArguments:
    r"""
    Data and model arguments of the teacher stage (the training arguments are `transformers.TrainingArguments`).
    """

    dataset_name: str | None = field(
        default=None,
        metadata={"help": "Local dataset directory or file, or Hub dataset id, with text, image and label columns."},
    )
    dataset_config: str | None = field(default=None, metadata={"help": "Hub dataset configuration name."})
    train_split: str = field(default="train", metadata={"help": "Split to train on."})
    eval_split: str | None = field(default="validation", metadata={"help": "Split to evaluate on; none if absent."})
    text_column: str = field(default="text", metadata={"help": "Column with the text."})
    image_column: str = field(default="image", metadata={"help": "Column with the generated image."})
    label_column: str = field(default="label", metadata={"help": "Column with the class index."})
    text_model_name_or_path: str = field(
        default="distilbert-base-uncased", metadata={"help": "Pretrained text encoder (hub id or directory)."}
    )
    vision_model_name_or_path: str = field(
        default="google/vit-base-patch16-224-in21k",
        metadata={"help": "Pretrained ViT, CLIP vision tower or full CLIP checkpoint (hub id or directory)."},
    )
    max_length: int | None = field(default=512, metadata={"help": "Longest tokenized text; longer is truncated."})
    fusion_layers: int = field(default=1, metadata={"help": "Transformer blocks over the joint token sequence."})
    fusion_heads: int = field(default=8, metadata={"help": "Attention heads of each fusion block."})
    generator: str | None = field(
        default=None, metadata={"help": "The text-to-image model that generated the images, for the model card."}
    )
    demo: bool = field(
        default=False,
        metadata={"help": "Ignore the dataset and model arguments: tiny models and a toy set, offline, on CPU."},
    )
    demo_vision: str = field(default="vit", metadata={"help": "With --demo: the tiny 'vit' or 'clip' encoder."})


class LugpiTeacherTrainer(LugpiModelCardMixin, Trainer):
    """A plain `Trainer` whose saved and pushed teachers carry the LUGPI teacher card."""

    card_kind = "teacher"

    def __init__(self, *args, card_metadata: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # training_args.bin (saved with the teacher and every checkpoint) must not hold the Hub token.
        protect_secrets(self.args)
        self.card_metadata = card_metadata or {}


def _demo_setup(args: LugpiTeacherArguments):
    from datasets import DatasetDict

    from .testing import get_tiny_processor, get_tiny_teacher, make_toy_text_image_dataset

    dataset = DatasetDict(
        {"train": make_toy_text_image_dataset(64, seed=0), "validation": make_toy_text_image_dataset(32, seed=1)}
    )
    names = label_names(dataset["train"])
    model = get_tiny_teacher(args.demo_vision, num_labels=len(names), label_names=names)
    return dataset, model, get_tiny_processor(args.demo_vision)


def train_teacher(args: LugpiTeacherArguments, training_args: TrainingArguments) -> LugpiTeacherTrainer:
    """
    Train a [`LugpiMultimodalForSequenceClassification`] from pretrained encoders, save it with its processor and
    card to `training_args.output_dir`, evaluate it on `args.eval_split`, and push it when `push_to_hub` is set.
    """
    seed_training(training_args)
    # The collator reads the raw text and image columns, which are not arguments of the model's forward.
    training_args.remove_unused_columns = False

    if args.demo:
        dataset, model, processor = _demo_setup(args)
        train_dataset, eval_dataset = dataset["train"], dataset["validation"]
    else:
        train_dataset, eval_dataset = load_train_eval_splits(args, training_args)
        for column in (args.text_column, args.image_column, args.label_column):
            if column not in train_dataset.column_names:
                raise ValueError(
                    f"{args.dataset_name}: no column {column!r} in split {args.train_split!r} "
                    f"(columns: {train_dataset.column_names})."
                )
        names = label_names(train_dataset, args.label_column)
        model = LugpiMultimodalForSequenceClassification.from_text_vision_pretrained(
            args.text_model_name_or_path,
            args.vision_model_name_or_path,
            num_labels=len(names),
            id2label=dict(enumerate(names)),
            label2id={name: i for i, name in enumerate(names)},
            fusion_layers=args.fusion_layers,
            fusion_heads=args.fusion_heads,
        )
        processor = LugpiProcessor.from_text_vision_pretrained(
            args.text_model_name_or_path, args.vision_model_name_or_path
        )

    trainer = LugpiTeacherTrainer(
        model=model,
        args=training_args,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        data_collator=LugpiTextImageCollator(
            processor,
            text_column=args.text_column,
            image_column=args.image_column,
            label_column=args.label_column,
            max_length=args.max_length,
        ),
        processing_class=processor,
        compute_metrics=compute_classification_metrics,
        card_metadata={
            "dataset": "toy text+image set (lugpi_hf.testing)" if args.demo else args.dataset_name,
            "generator": args.generator,
        },
    )
    return train_save_evaluate(trainer)


__all__ = ["LugpiTeacherArguments", "LugpiTeacherTrainer", "train_teacher"]
