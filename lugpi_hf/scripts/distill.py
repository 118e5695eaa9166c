# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
r"""Stage 5, distill: the text-only student, `CE(y, s) + alpha * CE_T(t, s) + beta * L2_T(e_T, e_S)`, with
`LugpiDistillationTrainer`. The result is a plain `AutoModelForSequenceClassification` checkpoint. The dataset
needs `id`, `text` and `label` columns (and `image` for an online teacher).

    # The paper's student (DistilBERT; AdamW 5e-5 with linear decay, batch 14, tau 8, alpha 3, beta 1)
    accelerate launch -m lugpi_hf.scripts.distill \
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

from ._base import build_parser, run_script

COMMAND = "distill"
HELP = "Distil the teacher into a text-only student (stage 5)."
DATACLASSES = ("lugpi_hf.student:StudentScriptArguments", "lugpi_hf.training_args:LugpiDistillationArguments")


def make_parser(subparsers=None):
    from lugpi_hf.student import StudentScriptArguments
    from lugpi_hf.training_args import LugpiDistillationArguments

    return build_parser(COMMAND, HELP, __doc__, (StudentScriptArguments, LugpiDistillationArguments), subparsers)


def main(script_args, training_args):
    from lugpi_hf.student import train_student

    trainer = train_student(script_args, training_args, distill=True)  # trains, evaluates, saves, pushes if asked
    print(f"student saved to {training_args.output_dir}")
    return trainer


if __name__ == "__main__":
    run_script(__name__)
