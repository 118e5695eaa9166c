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
"""`LugpiTextImageClassificationPipeline`: the LUGPI teacher behind `transformers.pipeline`.

Imports nothing from the rest of `lugpi_hf` but `.configuration_lugpi`: a saved teacher carries this file beside its model code, and its
config names it in `custom_pipelines`, so `pipeline(model=<teacher>, trust_remote_code=True)` infers the task and
runs where `lugpi_hf` is not installed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from transformers import AutoModelForSequenceClassification, Pipeline
from transformers.pipelines import PIPELINE_REGISTRY
from transformers.utils import logging

from .configuration_lugpi import PIPELINE_TASK


logger = logging.get_logger(__name__)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-values))


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - values.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


class LugpiTextImageClassificationPipeline(Pipeline):
    r"""
    Classify a text together with an image (the LUGPI teacher reads both) and return the usual classifier output,
    `[{"label": str, "score": float}, ...]`, best first.

    Inputs: a dict `{"text": str, "image": PIL.Image | str}` (a path or URL is loaded), or a list of them (then one
    list of scores per input). Call arguments:

    - `top_k` (`int`, *optional*, defaults to 1): how many labels to return; `None` for all of them.
    - `function_to_apply` (`"softmax"`, `"sigmoid"` or `"none"`, *optional*): defaults to softmax for single-label
      classification, sigmoid for multi-label and none for regression (`problem_type` in the config).
    - `max_length` (`int`, *optional*): longest tokenized text; longer texts are truncated.

    Example:

    ```python
    >>> from transformers import pipeline

    >>> classifier = pipeline(model="my-user/lugpi-teacher-imdb", trust_remote_code=True)
    >>> classifier({"text": "a castle at dawn", "image": image})
    [{'label': 'positive', 'score': 0.93}]
    ```
    """

    _load_processor = True
    _load_image_processor = False
    _load_feature_extractor = False
    _load_tokenizer = False

    def _sanitize_parameters(self, top_k="", function_to_apply=None, max_length=None, **kwargs):
        if kwargs:
            raise ValueError(
                f"LugpiTextImageClassificationPipeline: unknown argument(s) {sorted(kwargs)}; expected top_k, "
                "function_to_apply or max_length."
            )
        preprocess_params = {"max_length": max_length} if max_length is not None else {}
        postprocess_params = {}
        if top_k != "":
            postprocess_params["top_k"] = top_k
        if function_to_apply is not None:
            if str(function_to_apply).lower() not in ("softmax", "sigmoid", "none"):
                raise ValueError(
                    f"function_to_apply must be 'softmax', 'sigmoid' or 'none', got {function_to_apply!r}."
                )
            postprocess_params["function_to_apply"] = str(function_to_apply).lower()
        return preprocess_params, {}, postprocess_params

    def __call__(self, inputs: dict[str, Any] | list[dict[str, Any]], **kwargs):
        """Classify one `{"text", "image"}` dict or a list of them; see the class docstring for the arguments."""
        if isinstance(inputs, dict):
            return super().__call__(inputs, **kwargs)
        if isinstance(inputs, (list, tuple)):
            return super().__call__(list(inputs), **kwargs)
        raise ValueError(
            'LugpiTextImageClassificationPipeline takes {"text": str, "image": PIL.Image} or a list of them, '
            f"got {type(inputs).__name__}."
        )

    def preprocess(self, inputs: dict[str, Any], max_length: int | None = None):
        from transformers.image_utils import load_image

        if not isinstance(inputs, dict) or "text" not in inputs or "image" not in inputs:
            keys = sorted(inputs) if isinstance(inputs, dict) else type(inputs).__name__
            raise ValueError(f'Each input needs the keys "text" and "image", got {keys}.')
        image = load_image(inputs["image"]).convert("RGB")
        text_kwargs = {"truncation": True}
        if max_length is not None:
            text_kwargs["max_length"] = max_length
        model_inputs = self.processor(text=[inputs["text"]], images=[image], return_tensors="pt", **text_kwargs)
        return {key: value for key, value in model_inputs.items() if key in self.processor.model_input_names}

    def _forward(self, model_inputs):
        return {"logits": self.model(**model_inputs).logits}

    def postprocess(self, model_outputs, top_k: int | None = 1, function_to_apply: str | None = None):
        config = self.model.config
        if function_to_apply is None:
            if config.problem_type == "regression" or (config.problem_type is None and config.num_labels == 1):
                function_to_apply = "none"
            elif config.problem_type == "multi_label_classification":
                function_to_apply = "sigmoid"
            else:
                function_to_apply = "softmax"
        logits = model_outputs["logits"][0].float().cpu().numpy()
        if function_to_apply == "softmax":
            scores = _softmax(logits)
        elif function_to_apply == "sigmoid":
            scores = _sigmoid(logits)
        else:
            scores = logits
        ranked = [{"label": config.id2label[i], "score": float(scores[i])} for i in np.argsort(-scores, kind="stable")]
        return ranked if top_k is None else ranked[:top_k]


def register_lugpi_pipeline() -> None:
    """
    Register the task `"lugpi-text-image-classification"` with transformers' pipeline registry, so that
    `pipeline("lugpi-text-image-classification", model=teacher, processor=processor)` builds this pipeline in a
    process that imported `lugpi_hf` (a saved teacher's `custom_pipelines` does the same through remote code).
    """
    PIPELINE_REGISTRY.register_pipeline(
        PIPELINE_TASK,
        pipeline_class=LugpiTextImageClassificationPipeline,
        pt_model=AutoModelForSequenceClassification,
        type="multimodal",
    )


__all__ = ["LugpiTextImageClassificationPipeline", "PIPELINE_TASK", "register_lugpi_pipeline"]
