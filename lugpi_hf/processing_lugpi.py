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
from transformers.image_utils import ImageInput
from transformers.processing_utils import ProcessingKwargs
from transformers.tokenization_utils_base import PreTokenizedInput, TextInput


class LugpiProcessorKwargs(ProcessingKwargs, total=False):
    """The keywords [`LugpiProcessor`] accepts: the tokenizer's (`text_kwargs`) and the image processor's
    (`images_kwargs`), flat or nested, and `return_tensors` for both."""


class LugpiProcessor(ProcessorMixin):
    r"""
    Pairs the text encoder's tokenizer with the image encoder's image processor, so that one call turns texts and
    their generated images into the teacher's inputs (`input_ids`, `attention_mask`, `pixel_values`).

    Keywords reach the processor they belong to, as in transformers' own multimodal processors: tokenizer options
    (`padding`, `truncation`, `max_length`) go to the tokenizer, image-processor options (`size`, `do_rescale`,
    `do_normalize`) to the image processor, and `return_tensors` to both; they can also be grouped as
    `text_kwargs={...}` and `images_kwargs={...}`. A keyword given both flat and in its group, or one that neither
    processor knows, is an error.

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
    >>> batch = processor(text=["a castle at dawn"], images=[image], padding=True, return_tensors="pt")
    >>> sorted(batch.keys())
    ['attention_mask', 'input_ids', 'pixel_values']
    ```
    """

    valid_processor_kwargs = LugpiProcessorKwargs
    # DistilBERT, the default text encoder, takes no token type ids; BERT users ask with return_token_type_ids=True.
    text_kwargs = {"return_token_type_ids": False}

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

    def save_pretrained(self, save_directory, push_to_hub: bool = False, **kwargs):
        had_auto_map = "auto_map" in self.__dict__
        try:
            return super().save_pretrained(save_directory, push_to_hub=push_to_hub, **kwargs)
        finally:
            # Saving registered remote code writes `auto_map` into `processor_config.json` and also onto this
            # object, which `from_pretrained` never restores: saving must not make the processor differ from its copy.
            if not had_auto_map:
                self.__dict__.pop("auto_map", None)

    def _valid_flat_kwargs(self) -> set[str]:
        valid = set(LugpiProcessorKwargs.__annotations__) | {"common_kwargs"}
        for modality, processor in (("text_kwargs", self.tokenizer), ("images_kwargs", self.image_processor)):
            valid |= set(LugpiProcessorKwargs.__annotations__[modality].__annotations__)
            valid |= set(getattr(getattr(processor, "valid_kwargs", None), "__annotations__", {}))
        return valid

    def __call__(
        self,
        text: TextInput | PreTokenizedInput | list[TextInput] | list[PreTokenizedInput] | None = None,
        images: ImageInput | None = None,
        **kwargs,
    ) -> BatchFeature:
        """
        Tokenize `text` and/or preprocess `images` (a `PIL.Image`, array or tensor, or a list, tuple or `datasets`
        column of them). Token type ids are left out unless asked for (`return_token_type_ids=True`): DistilBERT,
        the default text encoder, has none.
        """
        if text is None and images is None:
            raise ValueError("LugpiProcessor needs `text`, `images`, or both.")
        unknown = sorted(set(kwargs) - self._valid_flat_kwargs())
        if unknown:
            raise ValueError(
                f"LugpiProcessor: unknown keyword(s) {unknown}: neither the tokenizer "
                f"({type(self.tokenizer).__name__}) nor the image processor ({type(self.image_processor).__name__}) "
                "takes them."
            )
        output_kwargs = self._merge_kwargs(
            LugpiProcessorKwargs, tokenizer_init_kwargs=self.tokenizer.init_kwargs, **kwargs
        )
        data = {}
        if text is not None:
            if not isinstance(text, (str, list)):
                text = list(text)  # a tuple or a `datasets` column, which tokenizers reject
            data.update(self.tokenizer(text, **output_kwargs["text_kwargs"]))
        if images is not None:
            if not isinstance(images, (list, Image.Image, np.ndarray, torch.Tensor)):
                images = list(images)  # a tuple or a `datasets` column of images
            data.update(self.image_processor(images, **output_kwargs["images_kwargs"]))
        return_tensors = output_kwargs["text_kwargs"].get("return_tensors") or output_kwargs["images_kwargs"].get(
            "return_tensors"
        )
        return BatchFeature(data=data, tensor_type=return_tensors)

    @property
    def model_input_names(self) -> list[str]:
        names = [name for name in self.tokenizer.model_input_names if name != "token_type_ids"]
        return names + ["pixel_values"]


__all__ = ["LugpiProcessor", "LugpiProcessorKwargs"]
