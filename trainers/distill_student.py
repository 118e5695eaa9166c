# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
Distil the LUGPI teacher into a text-only student (stage 5 of LUGPI) with `LugpiDistillationTrainer`:
CE(y, s) + alpha * CE_T(t, s) + beta * L2_T(e_T, e_S). The result is a plain
`AutoModelForSequenceClassification` checkpoint.

The dataset needs `id`, `text` and `label` columns (and `image` for an online teacher): the output of
`lugpi generate`, a `save_to_disk` directory, a directory of Parquet files, or a Hub dataset id.

# 1. Cache the trained teacher once over the training split (the teacher never runs while the student trains)
lugpi cache-teacher --teacher teacher-imdb-vit --dataset ./imdb-generated --split train --output cache-imdb-vit

# 2. The paper's student (DistilBERT; AdamW 5e-5 with linear decay, batch 14, tau 8, alpha 3, beta 1)
accelerate launch trainers/distill_student.py \
    --dataset_name ./imdb-generated \
    --student_model_name_or_path distilbert-base-uncased \
    --teacher_cache cache-imdb-vit --teacher_model_name_or_path teacher-imdb-vit \
    --alpha 3 --beta 1 --temperature 8 \
    --learning_rate 5e-5 --lr_scheduler_type linear \
    --per_device_train_batch_size 14 --num_train_epochs 100 \
    --eval_strategy epoch --save_strategy epoch --load_best_model_at_end --metric_for_best_model f1_macro \
    --bf16 --output_dir student-imdb-vit

# Multi-teacher (DistilBERT+ViT and DistilBERT+CLIP): several caches
    --teacher_cache cache-imdb-vit cache-imdb-clip

# Online teacher (e.g. for augmentation experiments): no cache, the frozen teacher runs on text + image
    --teacher_model_name_or_path teacher-imdb-vit

# The paper's Table 2 ablation: --alpha 0 (embeddings only) or --beta 0 (soft labels only)
"""

from __future__ import annotations

from transformers import HfArgumentParser

from lugpi_hf.student import StudentScriptArguments, train_student
from lugpi_hf.training_args import LugpiDistillationArguments


def make_parser() -> HfArgumentParser:
    return HfArgumentParser((StudentScriptArguments, LugpiDistillationArguments))


def main(script_args: StudentScriptArguments, training_args: LugpiDistillationArguments):
    # Trains, evaluates, saves, and pushes when --push_to_hub.
    return train_student(script_args, training_args, distill=True)


if __name__ == "__main__":
    parser = make_parser()
    script_args, training_args = parser.parse_args_into_dataclasses()
    main(script_args, training_args)
