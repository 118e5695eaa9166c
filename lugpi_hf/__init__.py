# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""lugpi_hf: LUGPI, Learning Using Generated Privileged Information, the Hugging Face way.

Importing the package registers the teacher with the Auto classes, so that
`AutoConfig`, `AutoModelForSequenceClassification` and `AutoProcessor` load a saved teacher.
"""

from transformers import AutoConfig, AutoModelForSequenceClassification, AutoProcessor

from .configuration_lugpi import LugpiConfig
from .modeling_lugpi import (
    LugpiMultimodalForSequenceClassification,
    LugpiPreTrainedModel,
    LugpiSequenceClassifierOutput,
)
from .processing_lugpi import LugpiProcessor


__version__ = "0.1.0.dev0"

AutoConfig.register(LugpiConfig.model_type, LugpiConfig, exist_ok=True)
AutoModelForSequenceClassification.register(LugpiConfig, LugpiMultimodalForSequenceClassification, exist_ok=True)
AutoProcessor.register(LugpiConfig, LugpiProcessor, exist_ok=True)

# A saved or pushed teacher carries these three files and an `auto_map`, so it also loads with
# `trust_remote_code=True` where lugpi_hf is not installed.
LugpiConfig.register_for_auto_class()
LugpiMultimodalForSequenceClassification.register_for_auto_class("AutoModelForSequenceClassification")
LugpiProcessor.register_for_auto_class()

__all__ = [
    "LugpiConfig",
    "LugpiMultimodalForSequenceClassification",
    "LugpiPreTrainedModel",
    "LugpiProcessor",
    "LugpiSequenceClassifierOutput",
]
