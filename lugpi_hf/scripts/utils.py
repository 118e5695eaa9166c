# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`LugpiParser`: `HfArgumentParser` plus `--config FILE.yaml`, the parser of every stage script.

As TRL's `TrlParser`: the YAML keys are the dataclass fields (checked strictly, see `lugpi_hf.schema`), explicit
flags win over the file, and both `--long_name` and `--long-name` spellings work (with each field's aliases).
A repeated list flag (`--teacher A --teacher B`) collects its values, as `--teacher A B` does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence

from transformers import HfArgumentParser

from ..schema import check_mapping, read_yaml_mapping


class LugpiParser(HfArgumentParser):
    r"""
    The argument parser of a LUGPI stage script.

    Args:
        dataclass_types (`type` or `Iterable[type]`):
            The stage's argument dataclasses, in the order [`parse_args_and_config`] returns them.
        positional (`str`, *optional*):
            A field that may also be given as the first, bare argument (`lugpi prepare imdb ...`).
        config_option (`bool`, *optional*, defaults to `True`):
            Add `--config FILE.yaml`. `lugpi run` turns it off: its own `--config` is the run configuration.
        **kwargs:
            Passed to `argparse.ArgumentParser` (`prog`, `description`, ...).

    Example:

    ```python
    >>> from lugpi_hf.scripts.utils import LugpiParser
    >>> from lugpi_hf.student import StudentScriptArguments
    >>> from lugpi_hf.training_args import LugpiDistillationArguments

    >>> parser = LugpiParser((StudentScriptArguments, LugpiDistillationArguments))
    >>> script_args, training_args = parser.parse_args_and_config(["--config", "distill.yaml", "--alpha", "0"])
    ```
    """

    def __init__(
        self,
        dataclass_types: type | Iterable[type],
        *,
        positional: str | None = None,
        config_option: bool = True,
        **kwargs,
    ):
        super().__init__(dataclass_types, **kwargs)
        self.positional = positional
        self.config_option = config_option
        if config_option:
            self.add_argument(
                "--config",
                default=None,
                metavar="FILE.yaml",
                help="A YAML file of these options (keys are the option names); options on the command line win.",
            )

    def parse_args_and_config(self, args: Sequence[str] | None = None) -> tuple:
        """The stage's dataclasses from `args` (default: `sys.argv[1:]`) and the `--config` file they name."""
        argv = list(sys.argv[1:] if args is None else args)
        if self.positional and argv and not argv[0].startswith("-"):
            argv = [f"--{self.positional}", *argv]
        config, argv = _pop_option(argv, "--config") if self.config_option else (None, argv)
        if config is not None:
            values = check_mapping(read_yaml_mapping(config), self.dataclass_types, where=str(config))
            self.set_defaults(**values)
            for action in self._actions:
                if action.dest in values:
                    # A value from the file satisfies a required option; the command line may still override it.
                    action.required = False
        *outputs, unknown = self.parse_args_into_dataclasses(
            self._merge_repeated_lists(argv), return_remaining_strings=True
        )
        if unknown:
            raise ValueError(f"unrecognized arguments: {' '.join(unknown)} (`{self.prog} --help` lists the options).")
        # `--config` itself lands in a leftover namespace, which is not one of the stage's dataclasses.
        return tuple(output for output in outputs if not isinstance(output, argparse.Namespace))

    def _merge_repeated_lists(self, argv: list[str]) -> list[str]:
        """`argv` with the values of each repeated list option gathered under its first occurrence."""
        list_dests = {option: a.dest for a in self._actions if a.nargs == "+" for option in a.option_strings}
        merged: list[str | tuple[str, str]] = []
        values: dict[str, list[str]] = {}
        index = 0
        while index < len(argv):
            option, equals, inline = argv[index].partition("=")
            dest = list_dests.get(option)
            index += 1
            if dest is None:
                merged.append(argv[index - 1])
                continue
            if dest not in values:
                merged.append((option, dest))  # where the gathered values go
                values[dest] = []
            values[dest].extend([inline] if equals else [])
            while index < len(argv) and not _is_option(argv[index]):
                values[dest].append(argv[index])
                index += 1
        expanded: list[str] = []
        for token in merged:
            expanded.extend([token[0], *values[token[1]]] if isinstance(token, tuple) else [token])
        return expanded


def _is_option(token: str) -> bool:
    if not token.startswith("-"):
        return False
    try:
        float(token)  # a negative number is a value
        return False
    except ValueError:
        return True


def _pop_option(argv: list[str], option: str) -> tuple[str | None, list[str]]:
    """The value of `option` (`--config FILE` or `--config=FILE`) and `argv` without it."""
    for index, token in enumerate(argv):
        if token == option:
            if index + 1 >= len(argv):
                raise ValueError(f"{option} needs a file name.")
            return argv[index + 1], argv[:index] + argv[index + 2 :]
        if token.startswith(option + "="):
            return token.split("=", 1)[1], argv[:index] + argv[index + 1 :]
    return None, argv


def init_script_logging() -> None:
    """Show lugpi_hf's and transformers' info logs (the plan, summaries, progress) on stderr, as scripts should."""
    from transformers.utils import logging

    logging.set_verbosity_info()
    logging.enable_default_handler()
    logging.enable_explicit_format()


__all__ = ["LugpiParser", "init_script_logging"]
