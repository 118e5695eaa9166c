# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Every LUGPI stage into one output directory, from a preset or a YAML run configuration; a stage whose output
is already there and intact is skipped.

    lugpi run --preset demo                                   # offline, CPU, tiny models, a few minutes
    lugpi run --preset imdb --output_dir runs/imdb --data_dir aclImdb_v1.tar.gz --num_processes 8
    lugpi run --config my_experiment.yaml

The configuration is checked whole (every section against its stage's arguments) before any stage runs.
"""

from __future__ import annotations

from ._base import build_parser, run_script

COMMAND = "run"
HELP = "Run every stage, skipping those already done: prepare, generate, teacher, cache, distill, baseline, evaluate."
DATACLASSES = ("lugpi_hf.run:RunArguments",)


def make_parser(subparsers=None):
    from lugpi_hf.run import RunArguments

    # `--config` is the run configuration itself here, not a file of these options.
    return build_parser(COMMAND, HELP, __doc__, (RunArguments,), subparsers, config_option=False)


def main(args):
    from lugpi_hf.run import run_lugpi

    config, output_dir = args.load()
    return run_lugpi(config, output_dir, num_processes=args.num_processes)


if __name__ == "__main__":
    run_script(__name__)
