# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi run`: every stage, from a preset or a YAML configuration, skipping the stages already done."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    from lugpi_hf.run import list_presets

    parser = subparsers.add_parser(
        "run",
        help="Run every stage, skipping those already done: prepare → generate → teacher → cache → distill, baseline → evaluate.",
        description=(
            "Run every LUGPI stage into one output directory; a stage whose output is already there and intact "
            "is skipped. `--preset demo` runs offline on CPU in a few minutes."
        ),
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", choices=list_presets(), help="a shipped configuration")
    source.add_argument("--config", help="a YAML run configuration (see trainers/configs/)")
    parser.add_argument("--output-dir", help="where the stages go (default: lugpi-output/<preset or config name>)")
    parser.add_argument("--data-dir", help="local copy of the dataset's original files (overrides the config)")
    parser.add_argument("--epochs", type=float, help="training epochs of every model (overrides the config)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from lugpi_hf.run import LugpiRunConfig, run_lugpi

    if args.preset:
        config, name = LugpiRunConfig.from_preset(args.preset), args.preset
    else:
        config, name = LugpiRunConfig.from_yaml(args.config), Path(args.config).stem
    if args.data_dir is not None:
        config.data_dir = args.data_dir
    if args.epochs is not None:
        config.training = {**config.training, "num_train_epochs": args.epochs}
    run_lugpi(config, args.output_dir or Path("lugpi-output") / name)
    return 0
