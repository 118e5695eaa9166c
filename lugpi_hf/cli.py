# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The `lugpi` command line: one subcommand per LUGPI stage.

Each subcommand lives in `lugpi_hf/commands/<name>.py` and exposes `register(subparsers)`, which adds its
parser and sets `func` (and `passes_extra_arguments=True` to receive unparsed options as
`args.extra_arguments`, for commands whose options are `HfArgumentParser` dataclasses). Heavy imports (torch, diffusers, datasets) happen inside `func`, so `lugpi --help`
stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys


# Modules under lugpi_hf.commands, in the order of the stages.
COMMAND_MODULES: list[str] = [
    "prepare",
    "generate",
    "train_teacher",
    "cache_teacher",
    "distill",
    "baseline",
    "evaluate",
    "push",
    "run",
]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lugpi",
        description="LUGPI: learning using generated privileged information, stage by stage.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"lugpi_hf.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    # Commands over `HfArgumentParser` dataclasses (the trainers' arguments) take their options as they come.
    args, extra_arguments = parser.parse_known_args(argv)
    if extra_arguments and not getattr(args, "passes_extra_arguments", False):
        parser.error(f"unrecognized arguments: {' '.join(extra_arguments)}")
    args.extra_arguments = extra_arguments
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except ValueError as error:
        # Bad input is the user's to fix: one line saying what and where, not a traceback.
        print(f"lugpi {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
