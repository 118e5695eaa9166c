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
"""`LugpiProcessor`: the teacher's tokenizer and image processor behind one call.

Imports nothing from the rest of `lugpi_hf`, so it travels to the Hub as remote code.
"""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image
from transformers import AutoImageProcessor, AutoTokenizer, BatchFeature, ProcessorMixin


class LugpiProcessor(ProcessorMixin):
    r"""
    Pairs the text encoder's tokenizer with the image encoder's image processor, so that one call turns texts and
    their generated images into the teacher's inputs (`input_ids`, `attention_mask`, `pixel_values`).

    Args:
        image_processor ([`BaseImageProcessor`]):
            The image encoder's image processor (ViT or CLIP).
        tokenizer ([`PreTrainedTokenizerBase`]):
            The text encoder's tokenizer.

    Example:

    ```python
    >>> from lugpi_hf import LugpiProcessor

    >>> processor = LugpiProcessor.from_text_vision_pretrained(
    ...     "distilbert-base-uncased", "google/vit-base-patch16-224-in21k"
    ... )
    >>> batch = processor(text=["a castle at dawn"], images=[image], return_tensors="pt")
    >>> sorted(batch.keys())
    ['attention_mask', 'input_ids', 'pixel_values']
    ```
    """

    def __init__(self, image_processor=None, tokenizer=None, **kwargs):
        super().__init__(image_processor, tokenizer, **kwargs)

    @classmethod
    def from_text_vision_pretrained(
        cls, text_model_name_or_path: str, vision_model_name_or_path: str, **kwargs
    ) -> LugpiProcessor:
        """The tokenizer of a text checkpoint and the image processor of a vision (or full CLIP) checkpoint."""
        tokenizer = AutoTokenizer.from_pretrained(text_model_name_or_path, **kwargs)
        image_processor = AutoImageProcessor.from_pretrained(vision_model_name_or_path, **kwargs)
        return cls(image_processor=image_processor, tokenizer=tokenizer)

    def __call__(self, text=None, images=None, **kwargs) -> BatchFeature:
        """
        Tokenize `text` and/or preprocess `images`. Tokenizer keywords (`padding`, `truncation`, `max_length`)
        go to the tokenizer; `return_tensors` to both. Token type ids are left out unless asked for: DistilBERT,
        the default text encoder, has none.
        """
        if text is None and images is None:
            raise ValueError("LugpiProcessor needs `text`, `images`, or both.")
        return_tensors = kwargs.pop("return_tensors", None)
        data = {}
        if text is not None:
            if not isinstance(text, (str, list)):
                text = list(text)  # a tuple or a `datasets` column, which tokenizers reject
            kwargs.setdefault("return_token_type_ids", False)
            data.update(self.tokenizer(text, return_tensors=return_tensors, **kwargs))
        if images is not None:
            if not isinstance(images, (list, Image.Image, np.ndarray, torch.Tensor)):
                images = list(images)  # a tuple or a `datasets` column of images
            data.update(self.image_processor(images=images, return_tensors=return_tensors))
        return BatchFeature(data=data, tensor_type=return_tensors)

    @property
    def model_input_names(self) -> list[str]:
        names = [name for name in self.tokenizer.model_input_names if name != "token_type_ids"]
        return names + ["pixel_values"]


__all__ = ["LugpiProcessor"]
