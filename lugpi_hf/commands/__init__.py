# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Subcommands of the `lugpi` CLI, one module per stage (see `lugpi_hf/cli.py`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_trainer_command(subparsers, name: str, help: str, run: Callable[[argparse.Namespace], int]) -> None:
    """
    Add a command whose options are the `HfArgumentParser` dataclasses of a trainer script: they are parsed in
    `run` (importing them here would slow `lugpi --help`), from `args.extra_arguments`.
    """
    parser = subparsers.add_parser(
        name, help=help, description=f"{help} Run `lugpi {name} --help` for every argument.", add_help=False
    )
    parser.set_defaults(func=run, passes_extra_arguments=True)


def parse_trainer_arguments(args: argparse.Namespace, dataclass_types: tuple) -> tuple:
    """The dataclasses of a command added by [`add_trainer_command`], parsed from its options."""
    from transformers import HfArgumentParser

    parser = HfArgumentParser(dataclass_types, prog=f"lugpi {args.command}")
    return parser.parse_args_into_dataclasses(args.extra_arguments)
