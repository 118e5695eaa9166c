# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 1 as a stage: the arguments of `lugpi prepare`, the saved `DatasetDict` and the summary it prints.

The loaders and the cleaning live in `lugpi_hf.data`; this module saves their result where the next stages look
for it and says what it holds (rows and labels per split, prompts longer than CLIP reads).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import datasets

from .arguments import DatasetArguments
from .errors import check_writable_directory


@dataclass
class PrepareArguments(DatasetArguments):
    """
    Arguments of the prepare stage (`lugpi prepare NAME`, `lugpi_hf.scripts.prepare`). `dataset_name` is
    `imdb`, `20newsgroups`, `cwi-news`, `cwi-wikinews`, a Hub dataset id (`owner/name`) or a csv/json/parquet
    path; `text_column` and `label_column` name the columns of any other dataset.
    """

    output_dir: str | None = field(default=None, metadata={"help": "Folder to write (save_to_disk); must not exist."})
    data_dir: str | None = field(
        default=None,
        metadata={
            "help": "Local files of a paper dataset: an aclImdb folder or .tar.gz, a 20news-bydate/20news-18828 "
            "folder or .tar.gz, or the CWI 2018 folder (required for CWI). Without it IMDB and 20 Newsgroups come "
            "from the Hub."
        },
    )
    text_column: str | None = field(default=None, metadata={"help": "Text column of any other dataset."})
    label_column: str | None = field(default=None, metadata={"help": "Label column of any other dataset."})
    prompt_column: str | None = field(
        default=None, metadata={"help": "Prompt column of any other dataset (default: the text)."}
    )
    sep_token: str = field(default="[SEP]", metadata={"help": "Marker around the CWI target."})
    validation_fraction: float = field(
        default=0.1, metadata={"help": "Share of train held out for validation where there is no validation split."}
    )
    seed: int = field(default=42, metadata={"help": "Seed of the validation split."})
    clip_tokenizer: str | None = field(
        default=None,
        metadata={
            "help": "Tokenizer for an exact count of prompts over 77 tokens (default: openai/clip-vit-large-patch14 "
            "if it is in the local cache; otherwise a lower bound from CLIP's pre-tokenizer is printed)."
        },
    )
    overwrite: bool = field(
        default=False, metadata={"help": "Replace --output_dir if it holds a dataset an earlier `lugpi prepare` wrote."}
    )

    def __post_init__(self):
        if not self.dataset_name:
            raise ValueError("give the dataset to prepare: imdb, 20newsgroups, cwi-news, cwi-wikinews, an owner/name "
                             "Hub id or a csv/json/parquet path.")  # fmt: skip
        if not 0 < self.validation_fraction < 1:
            raise ValueError(f"--validation_fraction must be in (0, 1), got {self.validation_fraction}.")
        from .data import check_data_dir

        check_data_dir(self.dataset_name, self.data_dir)


def load_prepared(args: PrepareArguments) -> datasets.DatasetDict:
    """The dataset `args` names, loaded and cleaned by [`~lugpi_hf.data.load_lugpi_dataset`]."""
    from .data import load_lugpi_dataset

    return load_lugpi_dataset(
        args.dataset_name,
        args.data_dir,
        text_column=args.text_column,
        label_column=args.label_column,
        prompt_column=args.prompt_column,
        sep_token=args.sep_token,
        validation_fraction=args.validation_fraction,
        seed=args.seed,
    )


def _clip_tokenizer(name: str | None):
    """The tokenizer named, else CLIP's when cached locally, else `None` (the count is then a lower bound)."""
    from transformers import AutoTokenizer

    from .data import DEFAULT_CLIP_TOKENIZER

    if name is not None:
        return AutoTokenizer.from_pretrained(name), name
    try:
        return AutoTokenizer.from_pretrained(DEFAULT_CLIP_TOKENIZER, local_files_only=True), DEFAULT_CLIP_TOKENIZER
    except (OSError, ValueError):
        return None, None


def dataset_summary(dataset: datasets.DatasetDict, clip_tokenizer: str | None = None) -> str:
    """Rows and labels per split, and how many prompts are longer than the generator's CLIP text encoder reads."""
    from .data import CLIP_MAX_LENGTH, prompt_token_lengths

    tokenizer, tokenizer_name = _clip_tokenizer(clip_tokenizer)
    names = next(iter(dataset.values())).features["label"].names
    lines = []
    for split, rows in dataset.items():
        counts = Counter(rows["label"][:])
        labels = ", ".join(f"{names[index]} {counts[index]:,}" for index in range(len(names)))
        if counts[-1]:
            labels += f", unlabelled (-1) {counts[-1]:,}"
        lengths = prompt_token_lengths(rows["prompt"][:], tokenizer)
        too_long = sum(length > CLIP_MAX_LENGTH for length in lengths)
        share = f" ({too_long / len(rows):.1%})" if len(rows) else ""
        lines.append(f"{split}: {len(rows):,} rows")
        lines.append(f"  labels: {labels}")
        lines.append(f"  prompts over {CLIP_MAX_LENGTH} CLIP tokens: {'' if tokenizer else 'at least '}{too_long:,}{share}")
    if tokenizer is None:
        lines.append(
            "  (lower bound: words and symbols by CLIP's pre-tokenizer; pass --clip_tokenizer for exact counts. "
            "The generator reads the first 77 tokens and truncates the rest.)"
        )
    else:
        lines.append(f"  (counted with the {tokenizer_name} tokenizer; the generator truncates prompts after 77 tokens.)")
    return "\n".join(lines)


def run_prepare(args: PrepareArguments) -> datasets.DatasetDict:
    """What `lugpi prepare` runs: load and clean the dataset, then save it to `args.output_dir` all or nothing."""
    from .dataset_io import save_to_disk_atomic

    if not args.output_dir:
        raise ValueError("--output_dir is required: the folder to write the prepared dataset to.")
    from .locking import output_dir_lock

    output_dir = check_writable_directory(args.output_dir)
    with output_dir_lock(output_dir, what="lugpi prepare"):
        # Checked before loading too, so a taken folder fails at once rather than after reading 50,000 files.
        if output_dir.exists() and not args.overwrite:
            raise ValueError(f"{output_dir}: already exists (expected a new folder; pass --overwrite to replace it).")
        dataset = load_prepared(args)
        save_to_disk_atomic(dataset, output_dir, overwrite=args.overwrite)
    return dataset


__all__ = ["PrepareArguments", "dataset_summary", "load_prepared", "run_prepare"]
