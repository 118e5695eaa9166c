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
"""The LUGPI multimodal teacher: text tokens + image tokens, fused, classified from both CLS tokens.

This file imports nothing from the rest of `lugpi_hf` (only `.configuration_lugpi`):
`register_for_auto_class` copies the two files to the Hub as remote code.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PretrainedConfig, PreTrainedModel
from transformers.activations import ACT2FN
from transformers.utils import ModelOutput, logging

from .configuration_lugpi import LugpiConfig


logger = logging.get_logger(__name__)


@dataclass
class LugpiSequenceClassifierOutput(ModelOutput):
    """
    Output of [`LugpiMultimodalForSequenceClassification`].

    Args:
        loss (`torch.FloatTensor` of shape `(1,)`, *optional*, returned when `labels` is given):
            Classification loss (cross-entropy for single-label classification).
        logits (`torch.FloatTensor` of shape `(batch_size, num_labels)`):
            Classification scores, before softmax.
        embedding (`torch.FloatTensor` of shape `(batch_size, classifier_hidden_size)`):
            The teacher embedding e_T: the activation of the head's hidden layer, i.e. the input of its last
            linear layer. The student's embedding is distilled towards it.
    """

    loss: torch.FloatTensor | None = None
    logits: torch.FloatTensor | None = None
    embedding: torch.FloatTensor | None = None


def _encoder_from_config(config: PretrainedConfig) -> PreTrainedModel:
    """A randomly initialised `AutoModel` for `config`, without a pooling layer the teacher would not use.

    Unused parameters (BERT's or ViT's pooler) get no gradient, which breaks DistributedDataParallel.
    """
    model_class = AutoModel._model_mapping[type(config)]
    kwargs = {"add_pooling_layer": False} if _accepts_add_pooling_layer(model_class) else {}
    return model_class(config, **kwargs)


def _accepts_add_pooling_layer(model_class: type) -> bool:
    return "add_pooling_layer" in inspect.signature(model_class.__init__).parameters


class LugpiPreTrainedModel(PreTrainedModel):
    """Weight initialisation and loading for the LUGPI teacher."""

    config_class = LugpiConfig
    base_model_prefix = "lugpi"
    main_input_name = "input_ids"
    input_modalities = ("text", "image")
    supports_gradient_checkpointing = False
    _no_split_modules = ["TransformerEncoderLayer"]

    @torch.no_grad()
    def _init_weights(self, module: nn.Module):
        # Only the modules LUGPI adds; the encoders initialise (or load) their own weights.
        std = self.config.initializer_range
        if isinstance(module, nn.Linear):
            module.weight.normal_(mean=0.0, std=std)
            if module.bias is not None:
                module.bias.zero_()
        elif isinstance(module, nn.LayerNorm):
            module.weight.fill_(1.0)
            module.bias.zero_()
        elif isinstance(module, nn.MultiheadAttention):
            module.in_proj_weight.normal_(mean=0.0, std=std)
            module.in_proj_bias.zero_()


class LugpiMultimodalForSequenceClassification(LugpiPreTrainedModel):
    r"""
    The LUGPI teacher (Menadil, Georgescu and Ionescu, ICPR 2024): a text encoder and an image encoder keep all
    their tokens; the image tokens are projected to the text width when the widths differ; the two sequences
    are concatenated (text padding masked) and passed through `config.fusion_layers` vanilla transformer
    blocks; the text CLS token U_CLS and the image CLS token V_CLS after fusion are concatenated and
    classified by a two-layer MLP whose hidden activation is the teacher embedding e_T.

    The teacher sees the text and the image a diffusion model generated from it (the privileged
    information); it is only used during training, to distil a text-only student.

    Example:

    ```python
    >>> from lugpi_hf import LugpiMultimodalForSequenceClassification, LugpiProcessor

    >>> teacher = LugpiMultimodalForSequenceClassification.from_text_vision_pretrained(
    ...     "distilbert-base-uncased", "google/vit-base-patch16-224-in21k", num_labels=2
    ... )
    >>> processor = LugpiProcessor.from_text_vision_pretrained(
    ...     "distilbert-base-uncased", "google/vit-base-patch16-224-in21k"
    ... )
    >>> inputs = processor(text=["a great movie"], images=[image], return_tensors="pt")
    >>> outputs = teacher(**inputs)
    >>> outputs.logits.shape, outputs.embedding.shape
    (torch.Size([1, 2]), torch.Size([1, 768]))
    ```
    """

    def __init__(
        self,
        config: LugpiConfig,
        text_model: PreTrainedModel | None = None,
        vision_model: PreTrainedModel | None = None,
    ):
        super().__init__(config)
        width = config.text_hidden_size
        self.text_model = text_model if text_model is not None else _encoder_from_config(config.text_config)
        self.vision_model = vision_model if vision_model is not None else _encoder_from_config(config.vision_config)
        # Share one config object with the encoders so that what is saved is what runs.
        self.text_model.config = config.text_config
        self.vision_model.config = config.vision_config

        self.vision_projection = (
            nn.Linear(config.vision_hidden_size, width) if config.vision_hidden_size != width else nn.Identity()
        )
        self.fusion = nn.ModuleList(
            nn.TransformerEncoderLayer(
                d_model=width,
                nhead=config.fusion_heads,
                dim_feedforward=config.fusion_intermediate_size,
                dropout=config.fusion_dropout,
                activation="gelu",
                batch_first=True,
            )
            for _ in range(config.fusion_layers)
        )
        self.classifier_hidden = nn.Linear(2 * width, config.classifier_hidden_size)
        self.classifier_activation = ACT2FN[config.classifier_activation]
        self.classifier_dropout = nn.Dropout(config.classifier_dropout)
        self.classifier = nn.Linear(config.classifier_hidden_size, config.num_labels)

        self.post_init()

    @classmethod
    def from_text_vision_pretrained(
        cls,
        text_model_name_or_path: str,
        vision_model_name_or_path: str,
        *,
        text_model_kwargs: dict | None = None,
        vision_model_kwargs: dict | None = None,
        **config_kwargs,
    ) -> LugpiMultimodalForSequenceClassification:
        r"""
        Build a teacher from a pretrained text encoder and a pretrained image encoder; the fusion blocks and the
        head are initialised at random.

        Args:
            text_model_name_or_path (`str`):
                Hub id or local directory of a text encoder, e.g. `"distilbert-base-uncased"`.
            vision_model_name_or_path (`str`):
                Hub id or local directory of a ViT (e.g. `"google/vit-base-patch16-224-in21k"`), a CLIP vision
                tower, or a full CLIP checkpoint (e.g. `"openai/clip-vit-base-patch32"`), whose vision tower is
                taken.
            text_model_kwargs (`dict`, *optional*):
                Passed to the text encoder's `from_pretrained` (e.g. `revision`, `dtype`).
            vision_model_kwargs (`dict`, *optional*):
                Passed to the image encoder's `from_pretrained`.
            config_kwargs:
                Fields of [`LugpiConfig`] (`num_labels`, `id2label`, `fusion_layers`, ...).
        """
        text_model_kwargs = dict(text_model_kwargs or {})
        vision_model_kwargs = dict(vision_model_kwargs or {})
        text_config = AutoConfig.from_pretrained(text_model_name_or_path, **text_model_kwargs)
        vision_config = AutoConfig.from_pretrained(vision_model_name_or_path, **vision_model_kwargs)
        if vision_config.model_type == "clip":
            # A full CLIP checkpoint: CLIPVisionModel loads just its vision tower.
            vision_config = vision_config.vision_config

        text_model = _pretrained_encoder(text_config, text_model_name_or_path, text_model_kwargs)
        vision_model = _pretrained_encoder(vision_config, vision_model_name_or_path, vision_model_kwargs)
        config = LugpiConfig(text_config=text_model.config, vision_config=vision_model.config, **config_kwargs)
        return cls(config, text_model=text_model, vision_model=vision_model)

    def get_input_embeddings(self) -> nn.Module:
        return self.text_model.get_input_embeddings()

    def encode_text(self, input_ids, attention_mask, token_type_ids=None) -> torch.Tensor:
        """All text tokens from the text encoder, `(batch, text_len, width)`."""
        kwargs = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
        return self.text_model(input_ids=input_ids, attention_mask=attention_mask, **kwargs).last_hidden_state

    def encode_image(self, pixel_values) -> torch.Tensor:
        """All image tokens, CLS first, projected to the text width: `(batch, 1 + patches, width)`."""
        tokens = self.vision_model(pixel_values=pixel_values).last_hidden_state
        if self.config.vision_config.model_type == "clip_vision_model":
            # CLIP normalises only its pooled CLS token; normalise every token the same way so the fusion
            # blocks see them on one scale (and the layer norm gets gradients, which DDP needs).
            tokens = self.vision_model.post_layernorm(tokens)
        return self.vision_projection(tokens)

    def forward(
        self,
        input_ids: torch.LongTensor,
        attention_mask: torch.LongTensor | None = None,
        pixel_values: torch.FloatTensor | None = None,
        labels: torch.LongTensor | None = None,
        token_type_ids: torch.LongTensor | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> LugpiSequenceClassifierOutput | tuple:
        r"""
        Args:
            input_ids (`torch.LongTensor` of shape `(batch_size, text_len)`):
                Token ids of the text, from the text encoder's tokenizer (see [`LugpiProcessor`]).
            attention_mask (`torch.LongTensor` of shape `(batch_size, text_len)`, *optional*):
                1 for real tokens, 0 for padding. Padding is masked in the text encoder and in the fusion blocks.
            pixel_values (`torch.FloatTensor` of shape `(batch_size, channels, height, width)`):
                The generated images, from the image encoder's image processor.
            labels (`torch.LongTensor` of shape `(batch_size,)`, *optional*):
                Class indices; when given, the output carries the classification loss.
            token_type_ids (`torch.LongTensor`, *optional*):
                Passed to text encoders that use them (BERT); DistilBERT and RoBERTa do not.
        """
        if pixel_values is None:
            raise ValueError(
                "LugpiMultimodalForSequenceClassification needs `pixel_values`: the teacher reads the text and "
                "its generated image. Distil a text-only student to classify text alone."
            )
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        return_dict = return_dict if return_dict is not None else self.config.return_dict

        text_tokens = self.encode_text(input_ids, attention_mask, token_type_ids)
        image_tokens = self.encode_image(pixel_values.to(text_tokens.dtype))
        tokens = torch.cat([text_tokens, image_tokens], dim=1)
        # Key padding mask, True where a token must be ignored: text padding; every image token is real.
        image_padding = torch.zeros(image_tokens.shape[:2], dtype=torch.bool, device=tokens.device)
        padding_mask = torch.cat([attention_mask == 0, image_padding], dim=1)
        for block in self.fusion:
            tokens = block(tokens, src_key_padding_mask=padding_mask)

        text_cls = tokens[:, 0]
        image_cls = tokens[:, text_tokens.shape[1]]
        embedding = self.classifier_activation(self.classifier_hidden(torch.cat([text_cls, image_cls], dim=-1)))
        logits = self.classifier(self.classifier_dropout(embedding))

        loss = None
        if labels is not None:
            loss = self.loss_function(labels=labels, pooled_logits=logits, config=self.config)

        if not return_dict:
            output = (logits, embedding)
            return (loss, *output) if loss is not None else output
        return LugpiSequenceClassifierOutput(loss=loss, logits=logits, embedding=embedding)


def _pretrained_encoder(config: PretrainedConfig, name_or_path: str, kwargs: dict) -> PreTrainedModel:
    model_class = AutoModel._model_mapping[type(config)]
    if _accepts_add_pooling_layer(model_class):
        kwargs = {**kwargs, "add_pooling_layer": False}
    return model_class.from_pretrained(name_or_path, config=config, **kwargs)


__all__ = [
    "LugpiMultimodalForSequenceClassification",
    "LugpiPreTrainedModel",
    "LugpiSequenceClassifierOutput",
]
