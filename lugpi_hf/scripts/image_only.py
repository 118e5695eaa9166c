# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
r"""Stage 6, image-only: ViT or CLIP's vision encoder fine-tuned on the generated images alone (the paper's
image-only rows of Table 1), with a plain `transformers.Trainer`.

    # ViT (AdamW 5e-5 with linear decay, batch 14, as the paper's other models)
    accelerate launch -m lugpi_hf.scripts.image_only \
        --dataset_name ./imdb-generated \
        --vision_model_name_or_path google/vit-base-patch16-224-in21k \
        --learning_rate 5e-5 --lr_scheduler_type linear \
        --per_device_train_batch_size 14 --num_train_epochs 100 \
        --eval_strategy epoch --save_strategy epoch --load_best_model_at_end --metric_for_best_model f1_macro \
        --bf16 --output_dir image-only-imdb-vit
    # CLIP's vision encoder (a full CLIP checkpoint; its text tower is not loaded)
        --vision_model_name_or_path openai/clip-vit-base-patch32 --output_dir image-only-imdb-clip
"""

from __future__ import annotations

from ._base import build_parser, run_script

COMMAND = "image-only"
HELP = "Fine-tune an image-only classifier (ViT or CLIP) on the generated images alone (stage 6)."
DATACLASSES = ("lugpi_hf.image_only:ImageOnlyScriptArguments", "transformers.training_args:TrainingArguments")


def make_parser(subparsers=None):
    from transformers import TrainingArguments

    from lugpi_hf.image_only import ImageOnlyScriptArguments

    return build_parser(COMMAND, HELP, __doc__, (ImageOnlyScriptArguments, TrainingArguments), subparsers)


def main(script_args, training_args):
    from lugpi_hf.image_only import train_image_only

    trainer = train_image_only(script_args, training_args)  # trains, evaluates, saves, pushes if asked
    print(f"image-only classifier saved to {training_args.output_dir}")
    return trainer


if __name__ == "__main__":
    run_script(__name__)
