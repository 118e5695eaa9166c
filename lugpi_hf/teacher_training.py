# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 3 of LUGPI: train the multimodal teacher on texts and their generated images.

The trainer is a plain `transformers.Trainer` plus the LUGPI model card; [`train_teacher`] is what
`trainers/train_teacher.py` and `lugpi train-teacher` run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transformers import Trainer, TrainingArguments
from transformers.utils import logging

from .arguments import TrainingDataArguments, label_kwargs
from .data_collator import LugpiTextImageCollator
from .dataset_io import label_names, require_columns
from .metrics import compute_classification_metrics
from .model_card import LugpiModelCardMixin
from .modeling_lugpi import LugpiMultimodalForSequenceClassification
from .processing_lugpi import LugpiProcessor
from .redaction import protect_secrets
from .training_utils import (
    load_test_split,
    load_train_eval_splits,
    seed_training,
    train_save_evaluate,
)


logger = logging.get_logger(__name__)


@dataclass
class LugpiTeacherArguments(TrainingDataArguments):
    r"""
    Data and model arguments of the teacher stage (the training arguments are `transformers.TrainingArguments`).
    """

    text_model_name_or_path: str = field(
        default="distilbert-base-uncased",
        metadata={"aliases": ["--text_model"], "help": "Pretrained text encoder (hub id or directory)."},
    )
    vision_model_name_or_path: str = field(
        default="google/vit-base-patch16-224-in21k",
        metadata={
            "aliases": ["--vision_model"],
            "help": "Pretrained ViT, CLIP vision tower or full CLIP checkpoint (hub id or directory).",
        },
    )
    fusion_layers: int = field(default=1, metadata={"help": "Transformer blocks over the joint token sequence."})
    fusion_heads: int = field(default=8, metadata={"help": "Attention heads of each fusion block."})
    generator: str | None = field(
        default=None, metadata={"help": "The text-to-image model that generated the images, for the model card."}
    )


class LugpiTeacherTrainer(LugpiModelCardMixin, Trainer):
    """A plain `Trainer` whose saved and pushed teachers carry the LUGPI teacher card."""

    card_kind = "teacher"

    def __init__(self, *args, card_metadata: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # training_args.bin (saved with the teacher and every checkpoint) must not hold the Hub token.
        protect_secrets(self.args)
        self.card_metadata = card_metadata or {}

    def _load_from_checkpoint(self, resume_from_checkpoint: str, model=None) -> None:
        # `save_pretrained` writes the encoders' weights under their checkpoint names (transformers renames some
        # modules' keys, ViT's among them, when it saves and loads); `from_pretrained` maps them back, Trainer's own
        # state-dict load does not, and would resume with the encoders as they were before training.
        model = model if model is not None else self.model
        reloaded = type(model).from_pretrained(resume_from_checkpoint)
        model.load_state_dict(reloaded.state_dict())

    def _load_best_model(self) -> None:
        self._load_from_checkpoint(self.state.best_model_checkpoint)


def train_teacher(args: LugpiTeacherArguments, training_args: TrainingArguments) -> LugpiTeacherTrainer:
    """
    Train a [`LugpiMultimodalForSequenceClassification`] from pretrained encoders, save it with its processor and
    card to `training_args.output_dir`, evaluate it on `args.eval_split`, and push it when `push_to_hub` is set.
    """
    seed_training(training_args)
    # The collator reads the raw text and image columns, which are not arguments of the model's forward.
    training_args.remove_unused_columns = False

    train_dataset, eval_dataset = load_train_eval_splits(args, training_args)
    require_columns(train_dataset, [args.text_column, args.image_column, args.label_column],
                    f"{args.dataset_name}[{args.train_split}]")  # fmt: skip
    names = label_names(train_dataset, args.label_column)
    model = LugpiMultimodalForSequenceClassification.from_text_vision_pretrained(
        args.text_model_name_or_path,
        args.vision_model_name_or_path,
        **label_kwargs(names),
        fusion_layers=args.fusion_layers,
        fusion_heads=args.fusion_heads,
    )
    processor = LugpiProcessor.from_text_vision_pretrained(args.text_model_name_or_path, args.vision_model_name_or_path)

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
            "dataset": args.dataset_card_name or args.dataset_name,
            "generator": args.generator,
        },
    )
    return train_save_evaluate(trainer, load_test_split(args), args.test_split)


__all__ = ["LugpiTeacherArguments", "LugpiTeacherTrainer", "train_teacher"]
