# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
Train an image-only baseline (the paper's image-only rows of Table 1): ViT or CLIP's vision encoder fine-tuned
on the generated images alone, with a plain `transformers.Trainer`.

The dataset needs `image` (a `datasets.Image()` column) and `label` columns: the output of `lugpi generate`, a
`save_to_disk` directory, a directory of Parquet files, or a Hub dataset id.

# ViT (AdamW 5e-5 with linear decay, batch 14, as the paper's other models)
accelerate launch trainers/train_image_only.py \
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

from transformers import HfArgumentParser, TrainingArguments

from lugpi_hf.image_only import ImageOnlyScriptArguments, train_image_only


def make_parser() -> HfArgumentParser:
    return HfArgumentParser((ImageOnlyScriptArguments, TrainingArguments))


def main(script_args: ImageOnlyScriptArguments, training_args: TrainingArguments):
    # Trains, evaluates, saves, and pushes when --push_to_hub.
    return train_image_only(script_args, training_args)


if __name__ == "__main__":
    parser = make_parser()
    script_args, training_args = parser.parse_args_into_dataclasses()
    main(script_args, training_args)
