# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 1, prepare: load, clean and split a text-classification dataset into id/text/prompt/label columns.

    lugpi prepare imdb --data_dir data/aclImdb_v1.tar.gz --output_dir lugpi-output/imdb
    lugpi prepare cwi-news --data_dir data/cwi2018/english --output_dir lugpi-output/cwi-news
    lugpi prepare reviews.csv --text_column review --label_column stars --output_dir lugpi-output/reviews
    python -m lugpi_hf.scripts.prepare imdb --output_dir lugpi-output/imdb     # the same, without the CLI

Writes the `DatasetDict` with save_to_disk (all or nothing) and prints the rows per split, the label
distribution and how many prompts exceed CLIP's 77 tokens.
"""

from __future__ import annotations

from ._base import build_parser, run_script

COMMAND = "prepare"
HELP = "Load, clean and split a dataset into id/text/prompt/label columns (stage 1)."
DATACLASSES = ("lugpi_hf.prepare:PrepareArguments",)
POSITIONAL = "dataset_name"


def make_parser(subparsers=None):
    from lugpi_hf.prepare import PrepareArguments

    return build_parser(COMMAND, HELP, __doc__, (PrepareArguments,), subparsers, positional=POSITIONAL)


def main(args):
    from lugpi_hf.prepare import dataset_summary, run_prepare

    dataset = run_prepare(args)
    print(f"Saved {args.dataset_name} to {args.output_dir}")
    print(dataset_summary(dataset, args.clip_tokenizer))
    return dataset


if __name__ == "__main__":
    run_script(__name__)
