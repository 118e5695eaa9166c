# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""What every stage script shares: its parser, built one way, and its `__main__` entry point."""

from __future__ import annotations

import argparse
import sys


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keeps the command lines of a script's docstring as written, and shows every option's default."""


def build_parser(command: str, help: str, description: str, dataclass_types: tuple, subparsers=None, *,
                 positional: str | None = None, config_option: bool = True):  # fmt: skip
    """
    The `LugpiParser` of a stage: a parser of its own (`prog="lugpi <command>"`), or a subcommand of `subparsers`
    (made with `parser.add_subparsers(parser_class=LugpiParser)`), as TRL's `make_parser(subparsers)`.
    """
    from .utils import LugpiParser

    kwargs = dict(description=description, formatter_class=HelpFormatter, positional=positional,
                  config_option=config_option)
    if subparsers is not None:
        return subparsers.add_parser(command, help=help, dataclass_types=dataclass_types, **kwargs)
    return LugpiParser(dataclass_types, prog=f"lugpi {command}", **kwargs)


def run_script(module_name: str) -> None:
    """The `if __name__ == "__main__"` of a stage module: parse `sys.argv`, run `main`, one-line errors."""
    from lugpi_hf.cli import run_stage

    sys.exit(run_stage(sys.modules[module_name], sys.argv[1:]))
