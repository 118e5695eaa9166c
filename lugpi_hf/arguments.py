# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The script arguments every stage repeats (the dataset, its splits and columns, the text length), defined once.

Each stage's own arguments extend these dataclasses; `HfArgumentParser` turns them into flags (`--dataset_name`
and `--dataset-name`; the aliases in `metadata["aliases"]` keep older spellings working) and
`lugpi_hf.schema.check_mapping` checks YAML against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DatasetArguments:
    """Which dataset a stage reads and which of its columns hold the text and the label."""

    dataset_name: str | None = field(
        default=None,
        metadata={
            "aliases": ["--dataset"],
            "help": "Dataset: a directory written by a LUGPI stage (save_to_disk or Parquet), a csv/json/parquet "
            "file, or a Hub dataset id.",
        },
    )
    dataset_config: str | None = field(default=None, metadata={"help": "Hub dataset configuration name."})
    text_column: str = field(default="text", metadata={"help": "Column with the text."})
    label_column: str = field(default="label", metadata={"help": "Column with the class index."})

    def require_dataset(self) -> str:
        if not self.dataset_name:
            raise ValueError("--dataset_name is required: the dataset to read.")
        return self.dataset_name


@dataclass
class TextImageDatasetArguments(DatasetArguments):
    """A dataset with generated images (the output of `lugpi generate`), read by a tokenizer and/or an image processor."""

    image_column: str = field(default="image", metadata={"help": "Column with the generated image."})
    id_column: str = field(default="id", metadata={"help": "Column with the stable row id."})
    max_length: int | None = field(default=512, metadata={"help": "Longest tokenized text; longer is truncated."})


@dataclass
class TrainingDataArguments(TextImageDatasetArguments):
    """The splits a training stage trains and evaluates on."""

    train_split: str = field(default="train", metadata={"help": "Split to train on."})
    eval_split: str | None = field(default="validation", metadata={"help": "Split to evaluate on; none if absent."})
    test_split: str | None = field(
        default=None,
        metadata={"help": "Split to score the final model on (e.g. test); its scores go into the model card's "
                  "model-index."},  # fmt: skip
    )
    dataset_card_name: str | None = field(
        default=None,
        metadata={"help": "The dataset as the model card names it (default: --dataset_name; a local path by its last "
                  "part). `lugpi run` gives the dataset it prepared, not its generate/dataset folder."},  # fmt: skip
    )


def label_kwargs(names: list[str]) -> dict:
    """`num_labels`, `id2label` and `label2id` of a classifier whose classes are `names`, in index order."""
    return {
        "num_labels": len(names),
        "id2label": dict(enumerate(names)),
        "label2id": {name: index for index, name in enumerate(names)},
    }


__all__ = ["DatasetArguments", "TextImageDatasetArguments", "TrainingDataArguments", "label_kwargs"]
