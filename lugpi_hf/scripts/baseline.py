# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
r"""Stage 6, baseline: the student's architecture fine-tuned with plain cross-entropy by a plain
`transformers.Trainer`, on the same tokenization and batches as the distilled student.

    # The paper's baseline (DistilBERT; AdamW 5e-5 with linear decay, batch 14)
    accelerate launch -m lugpi_hf.scripts.baseline \
        --dataset_name ./imdb-generated \
        --student_model_name_or_path distilbert-base-uncased \
        --learning_rate 5e-5 --lr_scheduler_type linear \
        --per_device_train_batch_size 14 --num_train_epochs 100 \
        --eval_strategy epoch --save_strategy epoch --load_best_model_at_end --metric_for_best_model f1_macro \
        --bf16 --output_dir baseline-imdb
"""

from __future__ import annotations

from ._base import build_parser, run_script

COMMAND = "baseline"
HELP = "Fine-tune the text-only baseline, the student's architecture with cross-entropy (stage 6)."
DATACLASSES = ("lugpi_hf.student:StudentScriptArguments", "transformers.training_args:TrainingArguments")


def make_parser(subparsers=None):
    from transformers import TrainingArguments

    from lugpi_hf.student import StudentScriptArguments

    return build_parser(COMMAND, HELP, __doc__, (StudentScriptArguments, TrainingArguments), subparsers)


def main(script_args, training_args):
    from lugpi_hf.student import train_student

    trainer = train_student(script_args, training_args, distill=False)  # trains, evaluates, saves, pushes if asked
    print(f"baseline saved to {training_args.output_dir}")
    return trainer


if __name__ == "__main__":
    run_script(__name__)
