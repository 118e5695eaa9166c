# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
Train the text-only baseline (stage 6 of LUGPI): the student's architecture fine-tuned with plain cross-entropy
by a plain `transformers.Trainer`, on the same tokenization and batches as the distilled student.

The dataset needs `text` and `label` columns: the output of `lugpi prepare` or `lugpi generate`, a
`save_to_disk` directory, a directory of Parquet files, or a Hub dataset id.

# The paper's baseline (DistilBERT; AdamW 5e-5 with linear decay, batch 14)
accelerate launch trainers/train_baseline.py \
    --dataset_name ./imdb-generated \
    --student_model_name_or_path distilbert-base-uncased \
    --learning_rate 5e-5 --lr_scheduler_type linear \
    --per_device_train_batch_size 14 --num_train_epochs 100 \
    --eval_strategy epoch --save_strategy epoch --load_best_model_at_end --metric_for_best_model f1_macro \
    --bf16 --output_dir baseline-imdb
"""

from __future__ import annotations

from transformers import HfArgumentParser, TrainingArguments

from lugpi_hf.student import StudentScriptArguments, train_student


def make_parser() -> HfArgumentParser:
    return HfArgumentParser((StudentScriptArguments, TrainingArguments))


def main(script_args: StudentScriptArguments, training_args: TrainingArguments):
    # Trains, evaluates, saves, and pushes when --push_to_hub.
    return train_student(script_args, training_args, distill=False)


if __name__ == "__main__":
    parser = make_parser()
    script_args, training_args = parser.parse_args_into_dataclasses()
    main(script_args, training_args)
