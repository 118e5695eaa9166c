# Copyright 2026 The lugpi_hf authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
"""Configuration of the LUGPI multimodal teacher.

This file imports nothing from the rest of `lugpi_hf`: `register_for_auto_class` copies it to the
Hub as remote code, so a pushed teacher loads with `trust_remote_code=True` without the package.
"""

from __future__ import annotations

import copy

from transformers import AutoConfig, PretrainedConfig
from transformers.configuration_utils import SubConfigSpec
from transformers.utils import logging


logger = logging.get_logger(__name__)

# Image encoders whose `last_hidden_state` starts with a CLS token, which the head reads.
SUPPORTED_VISION_MODEL_TYPES = ("vit", "clip_vision_model")
# The task of `LugpiTextImageClassificationPipeline`, named in every saved teacher's `custom_pipelines` so that
# `pipeline(model=<teacher>, trust_remote_code=True)` infers it. The pipeline file travels with the model code.
PIPELINE_TASK = "lugpi-text-image-classification"
DEFAULT_CUSTOM_PIPELINES = {
    PIPELINE_TASK: {
        "impl": "pipeline_lugpi.LugpiTextImageClassificationPipeline",
        "pt": ["AutoModelForSequenceClassification"],
        "tf": [],
        "type": "multimodal",
    }
}


class LugpiConfig(PretrainedConfig):
    r"""
    Configuration of [`LugpiMultimodalForSequenceClassification`], the LUGPI teacher: a text encoder and
    an image encoder whose token sequences are concatenated and fused by a few transformer blocks, then
    classified from the text and image CLS tokens by a two-layer MLP.

    Args:
        text_config (`dict` or `PretrainedConfig`, *optional*):
            Configuration of the text encoder, any `AutoModel` text encoder (DistilBERT, BERT, RoBERTa, ...).
            Defaults to DistilBERT base.
        vision_config (`dict` or `PretrainedConfig`, *optional*):
            Configuration of the image encoder: ViT (`"vit"`) or the CLIP vision tower (`"clip_vision_model"`).
            Defaults to ViT base.
        fusion_layers (`int`, *optional*, defaults to 1):
            Number of transformer blocks over the concatenated text and image tokens.
        fusion_heads (`int`, *optional*, defaults to 8):
            Attention heads of each fusion block; must divide the text encoder's width.
        fusion_intermediate_size (`int`, *optional*):
            Feed-forward width of the fusion blocks. Defaults to 4 times the text width.
        fusion_dropout (`float`, *optional*, defaults to 0.1):
            Dropout inside the fusion blocks (attention weights, feed-forward and residual branches).
        fusion_norm_first (`bool`, *optional*, defaults to `False`):
            Where each fusion block normalises. `False` is the post-norm block of the original transformer, which the
            paper's "vanilla transformer blocks" and torch's `nn.TransformerEncoderLayer` use; `True` normalises
            before attention and before the feed-forward layer (pre-norm), which trains more stably with many
            fusion layers.
        fusion_layer_norm_eps (`float`, *optional*, defaults to 1e-5):
            Epsilon of the fusion blocks' layer norms.
        classifier_hidden_size (`int`, *optional*):
            Width of the MLP head's hidden layer, whose activation is the teacher embedding e_T that the
            student is distilled towards. Defaults to the text width (768 for DistilBERT base; the paper
            prints 786, a typo), so e_T matches the student's width with no projection.
        classifier_activation (`str`, *optional*, defaults to `"relu"`):
            Activation of the MLP head's hidden layer. ReLU mirrors DistilBERT's `pre_classifier`, so e_T
            and the student embedding e_S live in the same (non-negative) range.
        classifier_dropout (`float`, *optional*, defaults to 0.1):
            Dropout after the MLP head's hidden layer.
        initializer_range (`float`, *optional*, defaults to 0.02):
            Standard deviation of the normal initializer of the fusion blocks, projection and head.
        num_labels (`int`, *optional*, defaults to 2):
            Outputs of the head. As elsewhere in transformers, `num_labels=1` means regression (`problem_type`
            defaults to `"regression"`); `problem_type="multi_label_classification"` trains one sigmoid per label.
        custom_pipelines (`dict`, *optional*):
            The pipeline `transformers.pipeline` builds for this model. Defaults to
            `LugpiTextImageClassificationPipeline` under the task `"lugpi-text-image-classification"`.

    Example:

    ```python
    >>> from lugpi_hf import LugpiConfig, LugpiMultimodalForSequenceClassification

    >>> config = LugpiConfig(vision_config={"model_type": "clip_vision_model"}, num_labels=2)
    >>> model = LugpiMultimodalForSequenceClassification(config)
    ```
    """

    model_type = "lugpi_multimodal"
    sub_configs_defaults = {
        "text_config": SubConfigSpec(config_class=AutoConfig, model_type="distilbert"),
        "vision_config": SubConfigSpec(config_class=AutoConfig, model_type="vit"),
    }

    text_config: dict | PretrainedConfig | None = None
    vision_config: dict | PretrainedConfig | None = None
    fusion_layers: int = 1
    fusion_heads: int = 8
    fusion_intermediate_size: int | None = None
    fusion_dropout: float = 0.1
    fusion_norm_first: bool = False
    fusion_layer_norm_eps: float = 1e-5
    classifier_hidden_size: int | None = None
    classifier_activation: str = "relu"
    classifier_dropout: float = 0.1
    initializer_range: float = 0.02
    custom_pipelines: dict | None = None

    def __post_init__(self, **kwargs):
        super().__post_init__(**kwargs)
        if self.custom_pipelines is None:
            self.custom_pipelines = copy.deepcopy(DEFAULT_CUSTOM_PIPELINES)
        vision_type = self.vision_config.model_type
        if vision_type not in SUPPORTED_VISION_MODEL_TYPES:
            raise ValueError(
                f"LugpiConfig: unknown vision_config model_type {vision_type!r}; expected one of "
                f"{SUPPORTED_VISION_MODEL_TYPES} (for a full CLIP checkpoint pass its `vision_config`)."
            )
        if self.fusion_layers < 1:
            raise ValueError(f"LugpiConfig: fusion_layers must be >= 1, got {self.fusion_layers}.")
        if self.fusion_heads < 1 or self.text_hidden_size % self.fusion_heads != 0:
            raise ValueError(
                f"LugpiConfig: fusion_heads={self.fusion_heads} must divide the text width "
                f"{self.text_hidden_size} (text_config.hidden_size)."
            )
        if self.classifier_hidden_size is None:
            self.classifier_hidden_size = self.text_hidden_size
        if self.fusion_intermediate_size is None:
            self.fusion_intermediate_size = 4 * self.text_hidden_size
        for name in ("fusion_dropout", "classifier_dropout"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ValueError(f"LugpiConfig: {name} must be in [0, 1), got {getattr(self, name)}.")
        if self.num_labels == 1 and self.problem_type is None:
            # As transformers' own classification heads do: a single output is a regression score.
            self.problem_type = "regression"
        if self.num_labels < 1:
            raise ValueError(f"LugpiConfig: num_labels must be >= 1, got {self.num_labels}.")

    @property
    def text_hidden_size(self) -> int:
        return self.text_config.hidden_size

    @property
    def vision_hidden_size(self) -> int:
        return self.vision_config.hidden_size


__all__ = ["LugpiConfig", "PIPELINE_TASK"]
