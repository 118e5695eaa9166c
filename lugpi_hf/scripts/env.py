# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi env`: the versions and settings a bug report needs (as `transformers env` and `trl env`).

    lugpi env
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from ._base import run_script

COMMAND = "env"
HELP = "Print the versions of lugpi_hf, Python, torch, CUDA and the HF libraries, and the accelerate config."
DATACLASSES: tuple[str, ...] = ()
PACKAGES = ("lugpi_hf", "torch", "transformers", "diffusers", "datasets", "accelerate", "huggingface_hub",
            "safetensors", "evaluate")  # fmt: skip


def environment() -> dict[str, str]:
    """What `lugpi env` prints, as a mapping."""
    info = {"Platform": platform.platform(), "Python": sys.version.split()[0]}
    for package in PACKAGES:
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = "not installed"
    try:
        import torch

        info["CUDA available"] = str(torch.cuda.is_available())
        if torch.cuda.is_available():
            info["CUDA"] = str(torch.version.cuda)
            info["GPUs"] = ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count()))
    except ImportError:
        info["CUDA available"] = "unknown (no torch)"
    info["accelerate config"] = _accelerate_config()
    return info


def _accelerate_config() -> str:
    try:
        from accelerate.commands.config import default_config_file
    except ImportError:
        return "unknown (no accelerate)"
    from pathlib import Path

    path = Path(default_config_file)
    if not path.is_file():
        return f"none ({path} does not exist; `accelerate config` writes one)"
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return f"{path}\n" + "\n".join(f"    {line}" for line in lines)


def make_parser(subparsers=None):
    import argparse

    if subparsers is not None:
        return subparsers.add_parser(COMMAND, help=HELP, description=__doc__)
    return argparse.ArgumentParser(prog=f"lugpi {COMMAND}", description=__doc__)


def main(args=None):
    print("Copy and paste this into a bug report:\n")
    for key, value in environment().items():
        print(f"- {key}: {value}")
    return 0


if __name__ == "__main__":
    run_script(__name__)
