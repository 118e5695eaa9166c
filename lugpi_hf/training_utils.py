# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The run every LUGPI recipe shares (teacher, student, baseline, image-only): the splits, then train,
evaluate, save and push, in that order."""

from __future__ import annotations

from pathlib import Path

from transformers import Trainer, TrainingArguments, enable_full_determinism, set_seed

from .dataset_io import load_dataset_dict, load_split
from .redaction import protect_secrets


def seed_training(training_args: TrainingArguments) -> None:
    """
    Seed Python, NumPy and torch with `training_args.seed` (with torch's deterministic algorithms as well when
    `full_determinism` is set), as `Trainer` does in its constructor, but before any model is built or loaded:
    the new heads (and the teacher's fusion layers) are initialised at `from_pretrained`, before the `Trainer`
    exists, and a fresh process is not seeded the same way twice.
    """
    if training_args.full_determinism:
        enable_full_determinism(training_args.seed)
    else:
        set_seed(training_args.seed)


def divide_loss_for_accumulation(trainer: Trainer) -> Trainer:
    """
    Make a plain `Trainer` divide the model's loss by the gradient accumulation steps, so that accumulating 2
    batches of b rows gives the update of one batch of 2b rows.

    `Trainer` takes a model whose `forward` accepts `**kwargs` to normalise its loss by `num_items_in_batch` (the
    labelled rows of all the accumulated batches), passes that count in, and back-propagates the loss undivided.
    Classification heads such as DistilBERT's and CLIP's accept `**kwargs` but return a plain batch mean, which
    would then count twice with 2 accumulated batches. A batch mean divided by the accumulation steps is right for
    every classifier (the rows of a classification batch all carry a label), including those that do use the count.
    """
    trainer.model_accepts_loss_kwargs = False
    return trainer


def load_train_eval_splits(script_args, training_args: TrainingArguments):
    """The training split and the evaluation split (`None` when absent and not needed) named by `script_args`."""
    dataset = load_dataset_dict(script_args.require_dataset(), script_args.dataset_config)
    if script_args.train_split not in dataset:
        raise ValueError(f"{script_args.dataset_name}: no split {script_args.train_split!r} (splits: {list(dataset)}).")
    if script_args.eval_split and script_args.eval_split in dataset:
        return dataset[script_args.train_split], dataset[script_args.eval_split]
    if training_args.eval_strategy != "no":
        raise ValueError(f"--eval_strategy {training_args.eval_strategy} needs the split {script_args.eval_split!r}.")
    return dataset[script_args.train_split], None


def load_test_split(script_args, columns: list[str] | None = None):
    """The split `script_args.test_split` names (with only `columns`, if given), or `None` when it names none."""
    if not script_args.test_split:
        return None
    split = load_split(script_args.require_dataset(), script_args.test_split, script_args.dataset_config)
    return split.select_columns(columns) if columns else split


def train_save_evaluate(trainer: Trainer, test_dataset=None, test_split: str | None = None) -> Trainer:
    """
    Train (resuming if asked), evaluate when there is an eval set, save the model, metrics and state, and push
    when `push_to_hub` is set; the output directory is this job's alone meanwhile (see `lugpi_hf.locking`).
    """
    from .locking import output_dir_lock

    with output_dir_lock(trainer.args.output_dir, what="a LUGPI training run"):
        return _train_save_evaluate(trainer, test_dataset, test_split)


def _train_save_evaluate(trainer: Trainer, test_dataset, test_split: str | None) -> Trainer:
    # No token in the training_args.bin of the output directory and checkpoints; the upload still uses it.
    args = protect_secrets(trainer.args)
    train_result = trainer.train(resume_from_checkpoint=args.resume_from_checkpoint)
    trainer.log_metrics("train", train_result.metrics)
    trainer.save_metrics("train", train_result.metrics)
    if trainer.eval_dataset is not None:
        metrics = trainer.evaluate()
        trainer.log_metrics("eval", metrics)
        trainer.save_metrics("eval", metrics)
    trainer.save_state()
    trainer.save_model(args.output_dir)  # after evaluating, so that a model card shows the final results
    if test_dataset is not None:
        _score_on_test_split(trainer, test_dataset, test_split)
    if args.push_to_hub:
        trainer.push_to_hub()
    return trainer


def _score_on_test_split(trainer: Trainer, test_dataset, test_split: str) -> None:
    # The card's model-index then shows what the paper's Table 1 reports: the final model on the test split.
    from .model_card import CARD_INFO_FILE, update_model_card_results

    metrics = trainer.evaluate(test_dataset, metric_key_prefix="test")
    trainer.log_metrics("test", metrics)
    trainer.save_metrics("test", metrics)
    output_dir = Path(trainer.args.output_dir)
    if trainer.is_world_process_zero() and (output_dir / CARD_INFO_FILE).is_file():
        scores = {"accuracy": metrics["test_accuracy"], "f1_macro": metrics["test_f1_macro"]}
        update_model_card_results(output_dir, scores, eval_split=test_split)


__all__ = [
    "divide_loss_for_accumulation",
    "load_test_split",
    "load_train_eval_splits",
    "seed_training",
    "train_save_evaluate",
]
