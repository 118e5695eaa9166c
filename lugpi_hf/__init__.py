# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""lugpi_hf: LUGPI, Learning Using Generated Privileged Information, the Hugging Face way.

Importing the package registers the teacher with the Auto classes, so that `AutoConfig`,
`AutoModelForSequenceClassification` and `AutoProcessor` load a saved teacher. The public classes are imported
on first use, and the `lugpi` command line defers the registration until a stage runs, so that
`lugpi --help` needs neither torch nor transformers.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


__version__ = "0.1.0.dev0"

_LAZY_NAMES = {
    "LugpiConfig": "configuration_lugpi",
    "LugpiMultimodalForSequenceClassification": "modeling_lugpi",
    "LugpiPreTrainedModel": "modeling_lugpi",
    "LugpiSequenceClassifierOutput": "modeling_lugpi",
    "LugpiProcessor": "processing_lugpi",
    "LugpiTextImageClassificationPipeline": "pipeline_lugpi",
}
_registered = False


def register_auto_classes() -> None:
    """Register the teacher with `AutoConfig`, `AutoModelForSequenceClassification` and `AutoProcessor` (once)."""
    global _registered
    if _registered:
        return
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoProcessor

    from .configuration_lugpi import LugpiConfig
    from .modeling_lugpi import LugpiMultimodalForSequenceClassification
    from .pipeline_lugpi import register_lugpi_pipeline
    from .processing_lugpi import LugpiProcessor

    AutoConfig.register(LugpiConfig.model_type, LugpiConfig, exist_ok=True)
    AutoModelForSequenceClassification.register(LugpiConfig, LugpiMultimodalForSequenceClassification, exist_ok=True)
    AutoProcessor.register(LugpiConfig, LugpiProcessor, exist_ok=True)
    # A saved or pushed teacher carries these three files and an `auto_map`, so it also loads with
    # `trust_remote_code=True` where lugpi_hf is not installed.
    LugpiConfig.register_for_auto_class()
    LugpiMultimodalForSequenceClassification.register_for_auto_class("AutoModelForSequenceClassification")
    LugpiProcessor.register_for_auto_class()
    # `pipeline("lugpi-text-image-classification", model=teacher, processor=processor)` in this process.
    register_lugpi_pipeline()
    _registered = True


def __getattr__(name: str):
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _started_as_cli() -> bool:
    # `lugpi ...` or `python -m lugpi_hf.cli ...`: the command line registers when a stage runs (lugpi_hf.cli).
    argv = getattr(sys, "orig_argv", sys.argv)
    return Path(sys.argv[0]).name == "lugpi" or any(
        flag == "-m" and module == "lugpi_hf.cli" for flag, module in zip(argv, argv[1:])
    )


if not _started_as_cli():
    register_auto_classes()


__all__ = [
    "LugpiConfig",
    "LugpiMultimodalForSequenceClassification",
    "LugpiPreTrainedModel",
    "LugpiProcessor",
    "LugpiSequenceClassifierOutput",
    "LugpiTextImageClassificationPipeline",
    "register_auto_classes",
]
