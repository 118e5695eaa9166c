# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi prepare`: stage 1, a text-classification dataset saved as the `DatasetDict` the later stages read.

lugpi prepare imdb --data_dir data/aclImdb_v1.tar.gz --output_dir lugpi-output/imdb
lugpi prepare cwi-news --data_dir data/cwi2018/english --output_dir lugpi-output/cwi-news
lugpi prepare reviews.csv --text_column review --label_column stars --output_dir lugpi-output/reviews
"""

from __future__ import annotations

import argparse
from collections import Counter


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "prepare",
        help="Load, clean and split a dataset into id/text/prompt/label columns (save_to_disk).",
        description=(
            "Stage 1 of LUGPI: load a text-classification dataset, clean it, make the id, text (classifier input), "
            "prompt (generator input) and label columns, and write train/validation/test with save_to_disk. "
            "Prints the rows per split, the label distribution and how many prompts exceed CLIP's 77 tokens."
        ),
    )
    parser.add_argument(
        "name",
        help="imdb, 20newsgroups, cwi-news, cwi-wikinews, a Hub dataset id (owner/name) or a csv/json/parquet path.",
    )
    parser.add_argument("--output_dir", required=True, help="Folder to write (save_to_disk); must not exist.")
    parser.add_argument(
        "--data_dir",
        help="Local files of a paper dataset: an aclImdb folder or .tar.gz, a 20news-bydate/20news-18828 folder or "
        ".tar.gz, or the CWI 2018 folder (required for CWI). Without it IMDB and 20 Newsgroups come from the Hub.",
    )
    parser.add_argument("--text_column", help="Text column of any other dataset.")
    parser.add_argument("--label_column", help="Label column of any other dataset.")
    parser.add_argument("--prompt_column", help="Prompt column of any other dataset (default: the text).")
    parser.add_argument("--sep_token", default="[SEP]", help="Marker around the CWI target (default: [SEP]).")
    parser.add_argument(
        "--validation_fraction",
        type=float,
        default=0.1,
        help="Share of train held out for validation where there is no validation split (default: 0.1).",
    )
    parser.add_argument("--seed", type=int, default=42, help="Seed of the validation split (default: 42).")
    parser.add_argument(
        "--clip_tokenizer",
        help="Tokenizer for an exact count of prompts over 77 tokens (default: openai/clip-vit-large-patch14 if it "
        "is in the local cache; otherwise a lower bound from CLIP's pre-tokenizer is printed).",
    )
    parser.add_argument("--overwrite", action="store_true", help="Replace --output_dir if it exists.")
    parser.set_defaults(func=run)


def _clip_tokenizer(name: str | None):
    """The tokenizer named on the command line, else CLIP's when cached locally, else `None` (lower bound)."""
    from transformers import AutoTokenizer

    from ..data import DEFAULT_CLIP_TOKENIZER

    if name is not None:
        return AutoTokenizer.from_pretrained(name), name
    try:
        return AutoTokenizer.from_pretrained(DEFAULT_CLIP_TOKENIZER, local_files_only=True), DEFAULT_CLIP_TOKENIZER
    except (OSError, ValueError):
        return None, None


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..data import CLIP_MAX_LENGTH, load_lugpi_dataset, prompt_token_lengths
    from ..dataset_io import save_to_disk_atomic

    output_dir = Path(args.output_dir)
    # Checked before loading too, so a taken folder fails at once rather than after reading 50,000 files.
    if output_dir.exists() and not args.overwrite:
        raise ValueError(f"{output_dir}: already exists (expected a new folder; pass --overwrite to replace it).")
    dataset = load_lugpi_dataset(
        args.name,
        args.data_dir,
        text_column=args.text_column,
        label_column=args.label_column,
        prompt_column=args.prompt_column,
        sep_token=args.sep_token,
        validation_fraction=args.validation_fraction,
        seed=args.seed,
    )
    save_to_disk_atomic(dataset, output_dir, overwrite=args.overwrite)

    tokenizer, tokenizer_name = _clip_tokenizer(args.clip_tokenizer)
    names = dataset["train"].features["label"].names
    print(f"Saved {args.name} to {output_dir}")
    for split, rows in dataset.items():
        counts = Counter(rows["label"][:])
        labels = ", ".join(f"{names[index]} {counts[index]:,}" for index in range(len(names)))
        if counts[-1]:
            labels += f", unlabelled (-1) {counts[-1]:,}"
        lengths = prompt_token_lengths(rows["prompt"][:], tokenizer)
        too_long = sum(length > CLIP_MAX_LENGTH for length in lengths)
        share = f" ({too_long / len(rows):.1%})" if len(rows) else ""
        print(f"{split}: {len(rows):,} rows")
        print(f"  labels: {labels}")
        print(f"  prompts over {CLIP_MAX_LENGTH} CLIP tokens: {'' if tokenizer else 'at least '}{too_long:,}{share}")
    if tokenizer is None:
        print(
            "  (lower bound: words and symbols by CLIP's pre-tokenizer; pass --clip_tokenizer for exact counts. "
            "The generator reads the first 77 tokens and truncates the rest.)"
        )
    else:
        print(f"  (counted with the {tokenizer_name} tokenizer; the generator truncates prompts after 77 tokens.)")
    return 0
