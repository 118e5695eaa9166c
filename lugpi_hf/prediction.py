# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""One pass of a saved model over a dataset split through `Trainer.predict`, for the teacher cache and evaluation.

`Trainer.predict` brings what a hand-written loop lacks: several GPUs or processes under `accelerate launch` (the
predictions gathered back in row order), bf16, worker processes that read and decode the images off the main
process (`dataloader_num_workers`), and the training stage's own collators.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable

import datasets
import torch
from transformers import PreTrainedModel, Trainer, TrainingArguments
from transformers.trainer_utils import PredictionOutput
from transformers.utils import logging


logger = logging.get_logger(__name__)


def predict(
    model: PreTrainedModel,
    dataset: datasets.Dataset,
    data_collator: Callable,
    *,
    batch_size: int = 32,
    device: str | torch.device | None = None,
    dataloader_num_workers: int = 0,
    bf16: bool = False,
    preprocess_logits_for_metrics: Callable | None = None,
) -> PredictionOutput:
    r"""
    Run `model` (eval mode, no gradient) over `dataset` with `data_collator`; returns `Trainer.predict`'s output,
    whose `predictions` follow the model output's fields after the loss (a tuple when there are several).

    Args:
        model ([`PreTrainedModel`]):
            The model to run.
        dataset ([`datasets.Dataset`]):
            The rows to run it on, with the columns the collator reads (pass no label column to skip the loss).
        data_collator (`Callable`):
            Turns a list of rows into the model's inputs.
        batch_size (`int`, *optional*, defaults to 32):
            Rows per forward pass and device.
        device (`str` or `torch.device`, *optional*):
            `"cpu"` keeps the model on the CPU; otherwise `Trainer` picks the accelerator (CUDA when available).
        dataloader_num_workers (`int`, *optional*, defaults to 0):
            Worker processes that read and collate the rows (the collator must pickle).
        bf16 (`bool`, *optional*, defaults to `False`):
            Run under bf16 autocast.
        preprocess_logits_for_metrics (`Callable`, *optional*):
            Reduces each batch's outputs before they are gathered, as in `Trainer`.
    """
    use_cpu = device is not None and torch.device(device).type == "cpu"
    # Trainer needs an output directory; prediction writes nothing there, so it is a private temporary one.
    with tempfile.TemporaryDirectory(prefix="lugpi-predict-") as output_dir:
        args = TrainingArguments(
            output_dir=output_dir,
            per_device_eval_batch_size=batch_size,
            dataloader_num_workers=dataloader_num_workers,
            bf16=bf16,
            use_cpu=use_cpu,
            dataloader_pin_memory=torch.cuda.is_available() and not use_cpu,
            remove_unused_columns=False,
            report_to="none",
            save_strategy="no",
        )
        trainer = Trainer(
            model=model,
            args=args,
            data_collator=data_collator,
            preprocess_logits_for_metrics=preprocess_logits_for_metrics,
        )
        return trainer.predict(dataset)


__all__ = ["predict"]
