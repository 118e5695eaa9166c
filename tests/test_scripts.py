# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The stage scripts in lugpi_hf.scripts: one parser each, `--config`, aliases, and help that cannot drift."""

import argparse
import importlib
import subprocess
import sys

import pytest

from lugpi_hf.scripts import STAGE_MODULES
from lugpi_hf.scripts.fast_help import help_parser
from lugpi_hf.scripts.utils import LugpiParser


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings} - {"-h", "--help"}


@pytest.mark.parametrize("module", STAGE_MODULES)
def test_the_fast_help_lists_exactly_the_real_parsers_options(module):
    script = importlib.import_module(f"lugpi_hf.scripts.{module}")
    assert options(help_parser("lugpi x", None, script.DATACLASSES)) == options(script.make_parser())


@pytest.mark.parametrize("module", STAGE_MODULES)
def test_make_parser_also_adds_a_subcommand(module):
    script = importlib.import_module(f"lugpi_hf.scripts.{module}")
    subparsers = argparse.ArgumentParser(prog="mine").add_subparsers(parser_class=LugpiParser)
    parser = script.make_parser(subparsers)
    assert isinstance(parser, LugpiParser) and options(parser) == options(script.make_parser())


def test_config_file_keys_are_fields_and_flags_win(tmp_path):
    from lugpi_hf.scripts import distill

    config = tmp_path / "distill.yaml"
    config.write_text("dataset_name: data\nalpha: 0.5\nteacher_cache: [a, b]\nlearning_rate: 1.0e-4\nbf16: false\n")
    script_args, training_args = distill.make_parser().parse_args_and_config(
        ["--config", str(config), "--output_dir", "out", "--alpha", "2"]
    )
    assert script_args.dataset_name == "data"
    assert (training_args.alpha, training_args.learning_rate, training_args.teacher_cache) == (2.0, 1e-4, ["a", "b"])


def test_config_file_errors_name_the_file_and_key(tmp_path):
    from lugpi_hf.scripts import distill

    config = tmp_path / "distill.yaml"
    config.write_text("alpha: high\n")
    with pytest.raises(ValueError, match=rf"{config}: alpha: expected a number, got str 'high'"):
        distill.make_parser().parse_args_and_config(["--config", str(config), "--output_dir", "out"])
    config.write_text("alhpa: 1.0\n")
    with pytest.raises(ValueError, match=rf"{config}: unknown key 'alhpa'"):
        distill.make_parser().parse_args_and_config(["--config", str(config), "--output_dir", "out"])


def test_repeated_list_flags_collect_their_values():
    from lugpi_hf.scripts import evaluate

    (args,) = evaluate.make_parser().parse_args_and_config(
        ["--dataset", "d", "--output_dir", "o", "--image_only", "ViT=a", "--student", "s", "--image_only", "CLIP=b"]
    )
    assert args.image_only == ["ViT=a", "CLIP=b"] and args.student == ["s"]
    assert args.models() == [("image_only", "ViT", "a"), ("image_only", "CLIP", "b"), ("student", None, "s")]


def test_both_spellings_of_every_option():
    from lugpi_hf.scripts import generate

    (args,) = generate.make_parser().parse_args_and_config(
        ["--dataset-name", "d", "--output_dir", "o", "--batch-size", "3", "--num_inference_steps", "2"]
    )
    assert (args.dataset_name, args.output_dir, args.batch_size, args.num_inference_steps) == ("d", "o", 3, 2)


@pytest.mark.parametrize("module", ["distill", "run"])
def test_python_dash_m_runs_the_module(module):
    result = subprocess.run([sys.executable, "-m", f"lugpi_hf.scripts.{module}", "--help"],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "--output_dir" in result.stdout
