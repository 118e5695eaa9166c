# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi evaluate`: baseline, image-only encoders, teachers and students side by side (the paper's Table 1)."""

from __future__ import annotations

import argparse


_GROUP_FLAGS = {
    "baseline": "Text-only baseline",
    "image_only": "Image-only classifier (ViT, CLIP)",
    "teacher": "LUGPI teacher (text + image)",
    "student": "Distilled LUGPI student",
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="Accuracy and macro-F1 of every model on one split: markdown, JSON and a bar chart (stage 6).",
        description="Scores saved models on a labelled split and writes results.md (the paper's Table 1 layout), "
        "results.json and results.png to --output_dir. Give each model as PATH or NAME=PATH; every flag repeats.",
    )
    parser.add_argument("--dataset", required=True, help="Dataset: directory, file or Hub id.")
    parser.add_argument("--dataset_config", default=None, help="Hub dataset configuration name.")
    parser.add_argument("--split", default="test", help="Split to score.")
    parser.add_argument("--output_dir", required=True, help="Where results.md, results.json and results.png go.")
    for group, help_text in _GROUP_FLAGS.items():
        parser.add_argument(f"--{group}", action="append", default=[], metavar="[NAME=]PATH", help=help_text)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--max_length", type=int, default=None, help="Longest tokenized text.")
    parser.add_argument("--text_column", default="text")
    parser.add_argument("--image_column", default="image")
    parser.add_argument("--label_column", default="label")
    parser.add_argument("--device", default=None, help="Default: cuda if available, else cpu.")
    parser.set_defaults(func=run)


def _name_and_path(value: str) -> tuple[str | None, str]:
    name, sep, path = value.partition("=")
    return (name, path) if sep else (None, value)


def run(args: argparse.Namespace) -> int:
    from lugpi_hf.dataset_io import load_dataset_dict
    from lugpi_hf.evaluation import evaluate_model, results_markdown, write_results

    models = [(group, *_name_and_path(value)) for group in _GROUP_FLAGS for value in getattr(args, group)]
    if not models:
        raise ValueError("give at least one model: --baseline, --image_only, --teacher or --student.")
    dataset = load_dataset_dict(args.dataset, args.dataset_config)
    if args.split not in dataset:
        raise ValueError(f"{args.dataset}: no split {args.split!r} (splits: {list(dataset)}).")
    split = dataset[args.split]
    results = [
        evaluate_model(
            group,
            path,
            split,
            name=name,
            batch_size=args.batch_size,
            text_column=args.text_column,
            image_column=args.image_column,
            label_column=args.label_column,
            max_length=args.max_length,
            device=args.device,
        )
        for group, name, path in models
    ]
    title = f"{args.dataset} ({args.split})"
    metadata = {"dataset": args.dataset, "split": args.split}
    paths = write_results(results, args.output_dir, title=title, metadata=metadata)
    print(results_markdown(results, title))
    print("Wrote " + ", ".join(str(path) for path in paths.values()))
    return 0
