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

from transformers import HfArgumentParser, TrainingArguments

from lugpi_hf.teacher_training import LugpiTeacherArguments, train_teacher


def make_parser() -> HfArgumentParser:
    return HfArgumentParser((LugpiTeacherArguments, TrainingArguments))


def main(script_args: LugpiTeacherArguments, training_args: TrainingArguments):
    return train_teacher(script_args, training_args)  # saves, evaluates, and pushes when --push_to_hub


if __name__ == "__main__":
    parser = make_parser()
    script_args, training_args = parser.parse_args_into_dataclasses()
    main(script_args, training_args)
