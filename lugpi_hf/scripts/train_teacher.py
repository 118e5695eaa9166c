# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
r"""Stage 3, train-teacher: the LUGPI teacher, a text + image classifier over the texts and their generated images,
with a plain `transformers.Trainer`. The dataset needs `text`, `image` and `label` columns (the output of
`lugpi generate`, a save_to_disk or Parquet directory, or a Hub dataset id).

    # The paper's teacher (DistilBERT + ViT, AdamW 5e-5 with linear decay, batch 14), on every GPU
    accelerate launch -m lugpi_hf.scripts.train_teacher \
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

from ._base import build_parser, run_script

COMMAND = "train-teacher"
HELP = "Train the text + image teacher (stage 3)."
DATACLASSES = ("lugpi_hf.teacher_training:LugpiTeacherArguments", "transformers.training_args:TrainingArguments")


def make_parser(subparsers=None):
    from transformers import TrainingArguments

    from lugpi_hf.teacher_training import LugpiTeacherArguments

    return build_parser(COMMAND, HELP, __doc__, (LugpiTeacherArguments, TrainingArguments), subparsers)


def main(script_args, training_args):
    from lugpi_hf.teacher_training import train_teacher

    trainer = train_teacher(script_args, training_args)  # saves, evaluates, and pushes when --push_to_hub
    print(f"teacher saved to {training_args.output_dir}")
    return trainer


if __name__ == "__main__":
    run_script(__name__)
