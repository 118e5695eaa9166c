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

This file imports nothing from the rest of `lugpi_hf` (only `.configuration_lugpi` and `.pipeline_lugpi`):
`register_for_auto_class` copies the three files to the Hub as remote code.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PretrainedConfig, PreTrainedModel
from transformers import initialization as init
from transformers.activations import ACT2FN
from transformers.masking_utils import create_bidirectional_mask
from transformers.modeling_layers import GradientCheckpointingLayer
from transformers.modeling_utils import ALL_ATTENTION_FUNCTIONS
from transformers.utils import ModelOutput, logging

from .configuration_lugpi import LugpiConfig

# Not used here: a custom model's `save_pretrained` copies the files it imports relatively, so this import puts the
# pipeline that the config's `custom_pipelines` names beside every saved teacher.
from .pipeline_lugpi import LugpiTextImageClassificationPipeline  # noqa: F401


logger = logging.get_logger(__name__)


@dataclass
class LugpiSequenceClassifierOutput(ModelOutput):
    """
    Output of [`LugpiMultimodalForSequenceClassification`].

    Args:
        loss (`torch.FloatTensor` of shape `(1,)`, *optional*, returned when `labels` is given):
            Classification loss (cross-entropy for single-label classification, binary cross-entropy for
            multi-label, mean squared error for regression).
        logits (`torch.FloatTensor` of shape `(batch_size, num_labels)`):
            Classification scores, before softmax.
        embedding (`torch.FloatTensor` of shape `(batch_size, classifier_hidden_size)`):
            The teacher embedding e_T: the activation of the head's hidden layer, i.e. the input of its last
            linear layer. The student's embedding is distilled towards it.
        hidden_states (`tuple(torch.FloatTensor)`, *optional*, returned when `output_hidden_states=True`):
            The fusion blocks' token sequences, `(batch_size, text_len + image_len, hidden_size)` each: their input
            (the text tokens followed by the projected image tokens) and the output of every block.
        attentions (`tuple(torch.FloatTensor)`, *optional*, returned when `output_attentions=True`):
            One per fusion block, `(batch_size, fusion_heads, seq_len, seq_len)`: the attention weights after the
            softmax. Query and key position `0` is the text CLS token, position `text_len` the image CLS token.
    """

    loss: torch.FloatTensor | None = None
    logits: torch.FloatTensor | None = None
    embedding: torch.FloatTensor | None = None
    hidden_states: tuple[torch.FloatTensor, ...] | None = None
    attentions: tuple[torch.FloatTensor, ...] | None = None


def _encoder_from_config(config: PretrainedConfig) -> PreTrainedModel:
    """A randomly initialised `AutoModel` for `config`, without a pooling layer the teacher would not use.

    Unused parameters (BERT's or ViT's pooler) get no gradient, which breaks DistributedDataParallel.
    """
    model_class = AutoModel._model_mapping[type(config)]
    kwargs = {"add_pooling_layer": False} if _accepts_add_pooling_layer(model_class) else {}
    return model_class(config, **kwargs)


def _accepts_add_pooling_layer(model_class: type) -> bool:
    return "add_pooling_layer" in inspect.signature(model_class.__init__).parameters


def eager_attention_forward(
    module: nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    scaling: float,
    dropout: float = 0.0,
    **kwargs,
) -> tuple[torch.Tensor, torch.Tensor]:
    attn_weights = torch.matmul(query, key.transpose(2, 3)) * scaling
    if attention_mask is not None:
        attn_weights = attn_weights + attention_mask
    attn_weights = nn.functional.softmax(attn_weights, dim=-1, dtype=torch.float32).to(query.dtype)
    attn_weights = nn.functional.dropout(attn_weights, p=dropout, training=module.training)
    attn_output = torch.matmul(attn_weights, value).transpose(1, 2).contiguous()
    return attn_output, attn_weights


class LugpiFusionAttention(nn.Module):
    """
    Multi-head self-attention over the joint text + image sequence, through transformers' attention functions
    (eager, SDPA, flash attention).

    The query, key and value projections are one packed `(3 * width, width)` weight named, and laid out, as in torch's
    `nn.MultiheadAttention`, which the first teachers used: their checkpoints load unchanged. Unlike
    `nn.MultiheadAttention`, every weight is used inside this module's own `forward` or through a called submodule,
    so accelerate's offload hooks can load it (`device_map="auto"` with CPU or disk offload).
    """

    def __init__(self, config: LugpiConfig):
        super().__init__()
        self.config = config
        self.hidden_size = config.text_hidden_size
        self.num_heads = config.fusion_heads
        self.head_dim = self.hidden_size // self.num_heads
        self.scaling = self.head_dim**-0.5
        self.attention_dropout = config.fusion_dropout
        self.is_causal = False
        self.in_proj_weight = nn.Parameter(torch.empty(3 * self.hidden_size, self.hidden_size))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * self.hidden_size))
        self.out_proj = nn.Linear(self.hidden_size, self.hidden_size)

    def forward(
        self,
        hidden_states: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        output_attentions: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        input_shape = hidden_states.shape[:-1]
        hidden_shape = (*input_shape, -1, self.head_dim)
        qkv = nn.functional.linear(hidden_states, self.in_proj_weight, self.in_proj_bias)
        query, key, value = (states.view(hidden_shape).transpose(1, 2) for states in qkv.chunk(3, dim=-1))

        implementation = self.config._attn_implementation
        # Only eager attention materialises the weights; the model builds the eager mask for such a call.
        attention_interface: Callable = (
            eager_attention_forward
            if output_attentions or implementation in (None, "eager")
            else ALL_ATTENTION_FUNCTIONS.get_interface(implementation, eager_attention_forward)
        )
        attn_output, attn_weights = attention_interface(
            self,
            query,
            key,
            value,
            attention_mask,
            dropout=self.attention_dropout if self.training else 0.0,
            scaling=self.scaling,
        )
        attn_output = self.out_proj(attn_output.reshape(*input_shape, -1).contiguous())
        return attn_output, (attn_weights if output_attentions else None)


class LugpiFusionLayer(GradientCheckpointingLayer):
    """
    One fusion block: self-attention and a GELU feed-forward layer, each in a residual branch with dropout and a
    layer norm, after the branch (post-norm, the default, as in the original transformer and
    `nn.TransformerEncoderLayer`) or before it (`config.fusion_norm_first=True`). Parameter names follow
    `nn.TransformerEncoderLayer` (`self_attn`, `linear1`, `linear2`, `norm1`, `norm2`), so teachers saved with it load.
    """

    def __init__(self, config: LugpiConfig):
        super().__init__()
        width = config.text_hidden_size
        self.norm_first = config.fusion_norm_first
        self.self_attn = LugpiFusionAttention(config)
        self.linear1 = nn.Linear(width, config.fusion_intermediate_size)
        self.activation = ACT2FN["gelu"]
        self.dropout = nn.Dropout(config.fusion_dropout)
        self.linear2 = nn.Linear(config.fusion_intermediate_size, width)
        self.norm1 = nn.LayerNorm(width, eps=config.fusion_layer_norm_eps)
        self.norm2 = nn.LayerNorm(width, eps=config.fusion_layer_norm_eps)
        self.dropout1 = nn.Dropout(config.fusion_dropout)
        self.dropout2 = nn.Dropout(config.fusion_dropout)

    def _attention_block(self, hidden_states, attention_mask, output_attentions):
        attn_output, attn_weights = self.self_attn(hidden_states, attention_mask, output_attentions)
        return self.dropout1(attn_output), attn_weights

    def _feed_forward_block(self, hidden_states):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(hidden_states)))))

    def forward(
        self,
        hidden_states: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        output_attentions: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self.norm_first:
            attn_output, attn_weights = self._attention_block(
                self.norm1(hidden_states), attention_mask, output_attentions
            )
            hidden_states = hidden_states + attn_output
            hidden_states = hidden_states + self._feed_forward_block(self.norm2(hidden_states))
        else:
            attn_output, attn_weights = self._attention_block(hidden_states, attention_mask, output_attentions)
            hidden_states = self.norm1(hidden_states + attn_output)
            hidden_states = self.norm2(hidden_states + self._feed_forward_block(hidden_states))
        return hidden_states, attn_weights


class LugpiPreTrainedModel(PreTrainedModel):
    """Weight initialisation and loading for the LUGPI teacher."""

    config_class = LugpiConfig
    base_model_prefix = "lugpi"
    main_input_name = "input_ids"
    input_modalities = ("text", "image")
    supports_gradient_checkpointing = True
    _no_split_modules = ["LugpiFusionLayer"]
    # The fusion blocks go through `ALL_ATTENTION_FUNCTIONS`; the encoders declare their own support, which
    # transformers checks when an implementation is requested.
    _supports_sdpa = True
    _supports_flash_attn = True
    _supports_attention_backend = True

    @torch.no_grad()
    def _init_weights(self, module: nn.Module):
        # Only the modules LUGPI adds; the encoders initialise (or load) their own weights.
        std = self.config.initializer_range
        if isinstance(module, nn.Linear):
            init.normal_(module.weight, mean=0.0, std=std)
            if module.bias is not None:
                init.zeros_(module.bias)
        elif isinstance(module, nn.LayerNorm):
            init.ones_(module.weight)
            init.zeros_(module.bias)
        elif isinstance(module, LugpiFusionAttention):
            init.normal_(module.in_proj_weight, mean=0.0, std=std)
            init.zeros_(module.in_proj_bias)

    @torch.no_grad()
    @init.guard_torch_init_functions()
    def initialize_weights(self):
        """
        `PreTrainedModel.initialize_weights`, with each encoder initialised by its own `_init_weights`, under the rule
        transformers applies to its own models.

        transformers treats any model defined outside its package as custom code that may write weights in place, and
        then skips every module whose own parameters are already flagged, down into the native encoders: CLIP's
        attention and MLP modules, which set their children's weights, would keep the generic init when a teacher is
        loaded with missing weights. This file initialises through `transformers.initialization`, so no such guard
        is needed.
        """

        def apply(module: nn.Module, initialize) -> None:
            for child in module.children():
                apply(child, child._initialize_weights if isinstance(child, PreTrainedModel) else initialize)
            initialize(module, False)

        apply(self, self._initialize_weights)


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

    # Trainer then passes `num_items_in_batch` to `forward` and does not divide the loss by the accumulation steps:
    # `forward` does the normalisation, exactly, whatever the micro-batch sizes.
    accepts_loss_kwargs = True

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
        self.fusion = nn.ModuleList(LugpiFusionLayer(config) for _ in range(config.fusion_layers))
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

    def set_input_embeddings(self, value: nn.Module):
        self.text_model.set_input_embeddings(value)

    def encode_text(
        self,
        input_ids: torch.LongTensor | None,
        attention_mask: torch.LongTensor | None,
        token_type_ids: torch.LongTensor | None = None,
        inputs_embeds: torch.FloatTensor | None = None,
    ) -> torch.Tensor:
        """All text tokens from the text encoder, `(batch, text_len, width)`."""
        kwargs = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
        if inputs_embeds is not None:
            kwargs["inputs_embeds"] = inputs_embeds
        else:
            kwargs["input_ids"] = input_ids
        return self.text_model(attention_mask=attention_mask, **kwargs).last_hidden_state

    def encode_image(self, pixel_values: torch.FloatTensor) -> torch.Tensor:
        """All image tokens, CLS first, projected to the text width: `(batch, 1 + patches, width)`."""
        tokens = self.vision_model(pixel_values=pixel_values).last_hidden_state
        if self.config.vision_config.model_type == "clip_vision_model":
            # CLIP normalises only its pooled CLS token; normalise every token the same way so the fusion
            # blocks see them on one scale (and the layer norm gets gradients, which DDP needs).
            tokens = self.vision_model.post_layernorm(tokens)
        return self.vision_projection(tokens)

    def _fusion_mask(self, padding_mask: torch.Tensor, tokens: torch.Tensor, eager: bool) -> torch.Tensor | None:
        # `padding_mask` is 2D, 1 for real tokens. Attention weights are only materialised by eager attention,
        # which takes an additive float mask whatever implementation the config names.
        if eager or self.config._attn_implementation in (None, "eager"):
            mask = padding_mask[:, None, None, :].to(tokens.dtype)
            return (1.0 - mask) * torch.finfo(tokens.dtype).min
        return create_bidirectional_mask(config=self.config, inputs_embeds=tokens, attention_mask=padding_mask)

    def _loss(
        self, logits: torch.Tensor, labels: torch.Tensor, num_items_in_batch: int | torch.Tensor | None
    ) -> torch.Tensor:
        problem_type = self.config.problem_type
        if problem_type is None:
            # transformers' rule: one output is regression; integer labels are single-label classes.
            if self.config.num_labels == 1:
                problem_type = "regression"
            elif labels.dtype in (torch.long, torch.int):
                problem_type = "single_label_classification"
            else:
                problem_type = "multi_label_classification"
        labels = labels.to(logits.device)
        if problem_type == "single_label_classification":
            losses = nn.functional.cross_entropy(
                logits.view(-1, self.config.num_labels), labels.view(-1), ignore_index=-100, reduction="none"
            )
            losses = losses[labels.view(-1) != -100]
        elif problem_type == "multi_label_classification":
            losses = nn.functional.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype), reduction="none")
        elif problem_type == "regression":
            if self.config.num_labels == 1:
                logits, labels = logits.squeeze(-1), labels.view(-1)
            losses = nn.functional.mse_loss(logits, labels.to(logits.dtype), reduction="none")
        else:
            raise ValueError(
                f"LugpiConfig.problem_type must be 'regression', 'single_label_classification' or "
                f"'multi_label_classification', got {problem_type!r}."
            )
        if num_items_in_batch is None:
            return losses.mean()
        # Under gradient accumulation Trainer counts the labels of all micro-batches: dividing the sum by that count
        # gives the loss of one batch of their combined size, whatever the size of each micro-batch.
        if torch.is_tensor(num_items_in_batch):
            num_items_in_batch = num_items_in_batch.to(losses.device)
        return losses.sum() / num_items_in_batch

    def forward(
        self,
        input_ids: torch.LongTensor | None = None,
        attention_mask: torch.LongTensor | None = None,
        pixel_values: torch.FloatTensor | None = None,
        labels: torch.Tensor | None = None,
        token_type_ids: torch.LongTensor | None = None,
        inputs_embeds: torch.FloatTensor | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | list[int] | None = None,
        return_dict: bool | None = None,
        num_items_in_batch: int | torch.Tensor | None = None,
    ) -> LugpiSequenceClassifierOutput | tuple:
        r"""
        Args:
            input_ids (`torch.LongTensor` of shape `(batch_size, text_len)`):
                Token ids of the text, from the text encoder's tokenizer (see [`LugpiProcessor`]).
            attention_mask (`torch.LongTensor` of shape `(batch_size, text_len)`, *optional*):
                1 for real tokens, 0 for padding. Padding is masked in the text encoder and in the fusion blocks.
            pixel_values (`torch.FloatTensor` of shape `(batch_size, channels, height, width)`):
                The generated images, from the image encoder's image processor.
            labels (`torch.Tensor`, *optional*):
                Class indices `(batch_size,)` for single-label classification, floats `(batch_size, num_labels)`
                for multi-label classification, targets `(batch_size,)` for regression (`num_labels=1`); when
                given, the output carries the loss.
            token_type_ids (`torch.LongTensor`, *optional*):
                Passed to text encoders that use them (BERT); DistilBERT and RoBERTa do not.
            inputs_embeds (`torch.FloatTensor` of shape `(batch_size, text_len, text_hidden_size)`, *optional*):
                The text encoder's input embeddings, in place of `input_ids`.
            output_attentions (`bool`, *optional*):
                Return the fusion blocks' attention weights (computed with eager attention for this call).
                Defaults to `config.output_attentions`.
            output_hidden_states (`bool` or `list[int]`, *optional*):
                Return the fusion blocks' input and output token sequences; a list of indices (negative ones count
                from the end) keeps only those and gives `None` for the others. Defaults to
                `config.output_hidden_states`.
            return_dict (`bool`, *optional*):
                Return a [`LugpiSequenceClassifierOutput`] rather than a tuple. Defaults to `config.return_dict`.
            num_items_in_batch (`int` or `torch.Tensor`, *optional*):
                Labels in the whole accumulated batch, passed by `Trainer` under gradient accumulation: the loss is
                then the sum over this micro-batch divided by it.
        """
        if pixel_values is None:
            raise ValueError(
                "LugpiMultimodalForSequenceClassification needs `pixel_values`: the teacher reads the text and "
                "its generated image. Distil a text-only student to classify text alone."
            )
        if (input_ids is None) == (inputs_embeds is None):
            raise ValueError(
                "LugpiMultimodalForSequenceClassification needs exactly one of `input_ids` and `inputs_embeds`."
            )
        output_attentions = output_attentions if output_attentions is not None else self.config.output_attentions
        output_hidden_states = (
            output_hidden_states if output_hidden_states is not None else self.config.output_hidden_states
        )
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        if attention_mask is None:
            text_shape = input_ids.shape if input_ids is not None else inputs_embeds.shape[:2]
            device = input_ids.device if input_ids is not None else inputs_embeds.device
            attention_mask = torch.ones(text_shape, dtype=torch.long, device=device)

        text_tokens = self.encode_text(input_ids, attention_mask, token_type_ids, inputs_embeds)
        image_tokens = self.encode_image(pixel_values.to(self.vision_model.dtype))
        tokens = torch.cat([text_tokens, image_tokens.to(text_tokens.dtype)], dim=1)
        # Text padding is masked; every image token is real.
        padding_mask = torch.cat(
            [attention_mask.to(tokens.device), attention_mask.new_ones(image_tokens.shape[:2]).to(tokens.device)],
            dim=1,
        )
        fusion_mask = self._fusion_mask(padding_mask, tokens, eager=output_attentions)

        all_hidden_states = (tokens,) if output_hidden_states else None
        all_attentions = () if output_attentions else None
        for layer in self.fusion:
            tokens, attn_weights = layer(tokens, fusion_mask, output_attentions)
            if output_hidden_states:
                all_hidden_states += (tokens,)
            if output_attentions:
                all_attentions += (attn_weights,)

        text_cls = tokens[:, 0]
        image_cls = tokens[:, text_tokens.shape[1]]
        embedding = self.classifier_activation(self.classifier_hidden(torch.cat([text_cls, image_cls], dim=-1)))
        logits = self.classifier(self.classifier_dropout(embedding))

        if isinstance(output_hidden_states, (list, tuple)):
            kept = {index % len(all_hidden_states) for index in output_hidden_states}
            all_hidden_states = tuple(
                states if index in kept else None for index, states in enumerate(all_hidden_states)
            )
        loss = self._loss(logits, labels, num_items_in_batch) if labels is not None else None

        if not return_dict:
            output = tuple(
                value for value in (logits, embedding, all_hidden_states, all_attentions) if value is not None
            )
            return (loss, *output) if loss is not None else output
        return LugpiSequenceClassifierOutput(
            loss=loss, logits=logits, embedding=embedding, hidden_states=all_hidden_states, attentions=all_attentions
        )


def _pretrained_encoder(config: PretrainedConfig, name_or_path: str, kwargs: dict) -> PreTrainedModel:
    model_class = AutoModel._model_mapping[type(config)]
    if _accepts_add_pooling_layer(model_class):
        kwargs = {**kwargs, "add_pooling_layer": False}
    return model_class.from_pretrained(name_or_path, config=config, **kwargs)


__all__ = [
    "LugpiFusionAttention",
    "LugpiFusionLayer",
    "LugpiMultimodalForSequenceClassification",
    "LugpiPreTrainedModel",
    "LugpiSequenceClassifierOutput",
]
