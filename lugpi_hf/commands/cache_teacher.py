# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi cache-teacher`: run the frozen teacher once over a split and store its logits and embeddings per id."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "cache-teacher",
        help="Cache the frozen teacher's logits and embeddings over a text+image split (stage 4).",
        description="One pass of the frozen teacher over the split the student trains on; the cache records the "
        "teacher checkpoint's hash and the dataset fingerprint, and refuses to be used with others.",
    )
    parser.add_argument("--teacher", required=True, help="Trained LUGPI teacher: directory or Hub id.")
    parser.add_argument("--dataset", required=True, help="Text+image dataset: directory, file or Hub id.")
    parser.add_argument("--dataset_config", default=None, help="Hub dataset configuration name.")
    parser.add_argument("--split", default="train", help="Split to cache (the student's training split).")
    parser.add_argument("--output", required=True, help="Directory to write the cache to (replaced if present).")
    parser.add_argument("--batch_size", type=int, default=32, help="Rows per teacher forward pass.")
    parser.add_argument("--text_column", default="text")
    parser.add_argument("--image_column", default="image")
    parser.add_argument("--id_column", default="id")
    parser.add_argument("--label_column", default="label")
    parser.add_argument("--max_length", type=int, default=None, help="Longest tokenized text.")
    parser.add_argument("--device", default=None, help="Device for the teacher (default: cuda if available).")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lugpi_hf.dataset_io import load_dataset_dict
    from lugpi_hf.teacher_cache import build_teacher_cache

    dataset = load_dataset_dict(args.dataset, args.dataset_config)
    if args.split not in dataset:
        raise ValueError(f"{args.dataset}: no split {args.split!r} (splits: {list(dataset)}).")
    cache = build_teacher_cache(
        args.teacher,
        dataset[args.split],
        batch_size=args.batch_size,
        text_column=args.text_column,
        image_column=args.image_column,
        id_column=args.id_column,
        label_column=args.label_column,
        max_length=args.max_length,
        device=args.device,
    )
    cache.save_to_disk(args.output)
    print(f"Cached teacher {args.teacher} over {len(cache.dataset)} rows of {args.dataset}[{args.split}]")
    print(f"teacher cache saved to {args.output}")
    return 0
