# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Wall time of stage 1 (prepare) on the real dataset files, CPU only (the stage never touches a GPU).

    python benchmarks/prepare_loaders.py --data_root ../shared/data

Prints one line per loader, and the stratified validation split done by `lugpi_hf.data` next to
`Dataset.train_test_split(stratify_by_column="label")`, which picks the same rows.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from transformers.utils import logging

from lugpi_hf.data import _split_off, load_lugpi_dataset, prompt_token_lengths


def _timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data_root", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    logging.disable_progress_bar()
    logging.set_verbosity_error()
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")

    loaders = {
        "imdb (tar.gz, 50,000 files)": ("imdb", args.data_root / "imdb" / "aclImdb_train_test.tar.gz"),
        "20newsgroups (bydate tar.gz, 18,846 files)": (
            "20newsgroups",
            args.data_root / "20newsgroups" / "20news-bydate.tar.gz",
        ),
        "cwi-news (3 TSV files, 17,861 rows)": ("cwi-news", args.data_root / "cwi2018" / "english"),
    }
    for label, (name, data_dir) in loaders.items():
        dataset, seconds = _timed(lambda: load_lugpi_dataset(name, data_dir))
        rows = sum(len(split) for split in dataset.values())
        _, count_seconds = _timed(lambda: [prompt_token_lengths(split["prompt"][:]) for split in dataset.values()])
        print(f"{label}: load {seconds:.1f} s ({rows:,} rows); CLIP lower-bound count {count_seconds:.1f} s")

    train = load_lugpi_dataset("imdb", loaders["imdb (tar.gz, 50,000 files)"][1])["test"]  # 25,000 rows
    (ours_rest, ours_held), ours = _timed(lambda: _split_off(train, 2_500, 42))
    reference, theirs = _timed(
        lambda: train.train_test_split(test_size=2_500, seed=42, stratify_by_column="label")
    )
    same = ours_held["id"][:] == reference["test"]["id"][:] and ours_rest["id"][:] == reference["train"]["id"][:]
    print(
        f"stratified 10% split of 25,000 rows: lugpi_hf {ours:.2f} s, train_test_split {theirs:.2f} s "
        f"({theirs / ours:.0f}x), same rows: {same}"
    )


if __name__ == "__main__":
    main()
