# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
Train the LUGPI teacher: a text + image classifier over texts and the images a diffusion model generated
from them (stage 3 of LUGPI), with a plain `transformers.Trainer`.

The dataset needs `text`, `image` (a `datasets.Image()` column) and `label` columns: the output of
`lugpi generate`, a `save_to_disk` directory, a directory of Parquet files, or a Hub dataset id.

# Offline demo: the tiny teacher from `lugpi_hf.testing` on a toy text+image set (CPU, seconds)
python trainers/train_teacher.py --demo --output_dir lugpi-output/teacher-demo

# The paper's teacher (DistilBERT + ViT, AdamW 5e-5 with linear decay, batch 14)
accelerate launch trainers/train_teacher.py \
    --dataset_name ./imdb-generated \
    --text_model_name_or_path distilbert-base-uncased \
    --vision_model_name_or_path google/vit-base-patch16-224-in21k \
    --learning_rate 5e-5 --lr_scheduler_type linear \
    --per_device_train_batch_size 14 --num_train_epochs 100 \
    --eval_strategy epoch --save_strategy epoch --load_best_model_at_end \
    --bf16 --output_dir teacher-imdb-vit

# With the CLIP vision tower instead of ViT
    --vision_model_name_or_path openai/clip-vit-base-patch32
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transformers import HfArgumentParser, Trainer, TrainingArguments
from transformers.utils import logging

from lugpi_hf import LugpiMultimodalForSequenceClassification, LugpiProcessor
from lugpi_hf.data_collator import LugpiTextImageCollator
from lugpi_hf.dataset_io import label_names, load_dataset_dict
from lugpi_hf.metrics import compute_classification_metrics


logger = logging.get_logger(__name__)


@dataclass
class ScriptArguments:
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
    demo: bool = field(
        default=False,
        metadata={"help": "Ignore the dataset and model arguments: tiny models and a toy set, offline, on CPU."},
    )
    demo_vision: str = field(default="vit", metadata={"help": "With --demo: the tiny 'vit' or 'clip' encoder."})


def make_parser() -> HfArgumentParser:
    return HfArgumentParser((ScriptArguments, TrainingArguments))


def build_demo(script_args: ScriptArguments):
    """The toy data set and the tiny teacher and processor of `lugpi_hf.testing`."""
    from datasets import DatasetDict

    from lugpi_hf.testing import get_tiny_processor, get_tiny_teacher, make_toy_text_image_dataset

    dataset = DatasetDict(
        {"train": make_toy_text_image_dataset(64, seed=0), "validation": make_toy_text_image_dataset(32, seed=1)}
    )
    names = label_names(dataset["train"])
    model = get_tiny_teacher(script_args.demo_vision, num_labels=len(names), label_names=names)
    return dataset, model, get_tiny_processor(script_args.demo_vision)


def main(script_args: ScriptArguments, training_args: TrainingArguments) -> Trainer:
    # The collator reads the raw text and image columns, which are not arguments of the model's forward.
    training_args.remove_unused_columns = False

    if script_args.demo:
        dataset, model, processor = build_demo(script_args)
    else:
        if script_args.dataset_name is None:
            raise ValueError("--dataset_name is required (or --demo for the offline toy run).")
        dataset = load_dataset_dict(script_args.dataset_name, script_args.dataset_config)
        names = label_names(dataset[script_args.train_split], script_args.label_column)
        model = LugpiMultimodalForSequenceClassification.from_text_vision_pretrained(
            script_args.text_model_name_or_path,
            script_args.vision_model_name_or_path,
            num_labels=len(names),
            id2label=dict(enumerate(names)),
            label2id={name: i for i, name in enumerate(names)},
            fusion_layers=script_args.fusion_layers,
            fusion_heads=script_args.fusion_heads,
        )
        processor = LugpiProcessor.from_text_vision_pretrained(
            script_args.text_model_name_or_path, script_args.vision_model_name_or_path
        )

    eval_dataset = None
    if script_args.eval_split and script_args.eval_split in dataset:
        eval_dataset = dataset[script_args.eval_split]
    elif training_args.eval_strategy != "no":
        raise ValueError(f"--eval_strategy {training_args.eval_strategy} needs the split {script_args.eval_split!r}.")

    trainer = Trainer(
        model=model,
        args=training_args,
        train_dataset=dataset[script_args.train_split],
        eval_dataset=eval_dataset,
        data_collator=LugpiTextImageCollator(
            processor,
            text_column=script_args.text_column,
            image_column=script_args.image_column,
            label_column=script_args.label_column,
            max_length=script_args.max_length,
        ),
        processing_class=processor,
        compute_metrics=compute_classification_metrics,
    )
    train_result = trainer.train(resume_from_checkpoint=training_args.resume_from_checkpoint)
    trainer.log_metrics("train", train_result.metrics)
    trainer.save_metrics("train", train_result.metrics)
    trainer.save_state()
    trainer.save_model(training_args.output_dir)
    if eval_dataset is not None:
        metrics = trainer.evaluate()
        trainer.log_metrics("eval", metrics)
        trainer.save_metrics("eval", metrics)
    if training_args.push_to_hub:
        trainer.push_to_hub()
    return trainer


if __name__ == "__main__":
    parser = make_parser()
    script_args, training_args = parser.parse_args_into_dataclasses()
    main(script_args, training_args)
