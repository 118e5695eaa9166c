# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 6b, the image-only baselines: ViT or CLIP's vision encoder fine-tuned on the generated images alone.

The paper's Table 1 reports these rows to show how much the images alone say about the labels. A plain
`transformers.Trainer` runs them (`lugpi_hf.hub.ModelFilesTrainer`, which pushes only the model's files); a full
CLIP checkpoint becomes `CLIPForImageClassification` (its vision tower and a linear head over the mean of the patch
tokens).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transformers import AutoImageProcessor, AutoModelForImageClassification, Trainer, TrainingArguments
from transformers.utils import logging

from .arguments import TrainingDataArguments, label_kwargs
from .data_collator import ImageClassificationCollator
from .dataset_io import label_names
from .hub import ModelFilesTrainer
from .metrics import compute_classification_metrics
from .training_utils import (
    divide_loss_for_accumulation,
    load_test_split,
    load_train_eval_splits,
    seed_training,
    train_save_evaluate,
)


logger = logging.get_logger(__name__)


@dataclass
class ImageOnlyScriptArguments(TrainingDataArguments):
    """Data and model arguments of an image-only baseline."""

    vision_model_name_or_path: str = field(
        default="google/vit-base-patch16-224-in21k",
        metadata={
            "aliases": ["--vision_model"],
            "help": "Pretrained ViT, or a full CLIP checkpoint such as openai/clip-vit-base-patch32.",
        },
    )


def load_image_classifier(name_or_path: str, names: list[str], **kwargs):
    """An image classifier for the classes `names` (a fresh head on a pretrained encoder) and its image processor."""
    model = AutoModelForImageClassification.from_pretrained(
        name_or_path,
        **label_kwargs(names),
        # A checkpoint with an ImageNet head gets a new one of the right size.
        ignore_mismatched_sizes=True,
        **kwargs,
    )
    return model, AutoImageProcessor.from_pretrained(name_or_path)


def train_image_only(script_args: ImageOnlyScriptArguments, training_args: TrainingArguments) -> Trainer:
    """Fine-tune the image encoder on the generated images alone; save, evaluate and return the trainer."""
    seed_training(training_args)
    train_dataset, eval_dataset = load_train_eval_splits(script_args, training_args)
    names = label_names(train_dataset, script_args.label_column)
    model, image_processor = load_image_classifier(script_args.vision_model_name_or_path, names)
    # The collator reads the raw image column, which is not an argument of the model's forward.
    training_args.remove_unused_columns = False
    columns = [script_args.image_column, script_args.label_column]
    trainer = ModelFilesTrainer(
        model=model,
        args=training_args,
        data_collator=ImageClassificationCollator(
            image_processor, image_column=script_args.image_column, label_column=script_args.label_column
        ),
        train_dataset=train_dataset.select_columns(columns),
        eval_dataset=eval_dataset.select_columns(columns) if eval_dataset is not None else None,
        processing_class=image_processor,
        compute_metrics=compute_classification_metrics,
    )
    test_dataset = load_test_split(script_args, columns)
    return train_save_evaluate(divide_loss_for_accumulation(trainer), test_dataset, script_args.test_split)


__all__ = ["ImageOnlyScriptArguments", "load_image_classifier", "train_image_only"]
