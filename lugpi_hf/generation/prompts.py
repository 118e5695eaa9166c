# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""What each text encoder of a pipeline reads: per-encoder token limits, prompt cutting, seeds, negative prompts."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import re

import torch


# How a prompt's seed is derived (recorded in the settings and the dataset card; see `prompt_seed`).
SEED_RULE = "int.from_bytes(sha256(f'{seed}\\x00{prompt}'.encode('utf-8')).digest()[:8], 'big') >> 1"
# The pipeline argument each tokenizer reads (SDXL: two CLIPs; SD3: two CLIPs and T5; Flux: CLIP and T5).
_PROMPT_ARGUMENTS = {"tokenizer": "prompt", "tokenizer_2": "prompt_2", "tokenizer_3": "prompt_3"}
_LAST_SPACE = re.compile(r"\s(?=\S*$)")


def prompt_seed(seed: int, prompt: str) -> int:
    """
    The seed of one prompt's initial noise: a stable hash of (`seed`, `prompt`), the same in every process,
    run and Python version (unlike `hash()`). Rows with the same prompt share it, hence share one image.
    """
    digest = hashlib.sha256(f"{seed}\x00{prompt}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 1  # 63 bits: fits torch's and Arrow's int64


@dataclasses.dataclass
class PromptEncoder:
    """One tokenizer of a pipeline, the call argument it reads and how many content tokens it keeps."""

    tokenizer_name: str
    argument: str
    tokenizer: object
    max_tokens: int | None

    def describe(self) -> dict:
        return {
            "argument": self.argument,
            "tokenizer_class": type(self.tokenizer).__name__,
            "max_tokens": self.max_tokens,
        }


def _is_clip(tokenizer) -> bool:
    return type(tokenizer).__name__.startswith("CLIP")


def tokenizer_limit(tokenizer, max_sequence_length: int | None = None) -> int | None:
    """
    Content tokens (besides start/end tokens) that a text encoder reads: CLIP's `model_max_length` (77 - 2), or for
    other encoders (T5, Gemma) the pipeline's `max_sequence_length` when it has one; `None` when unbounded.
    """
    if tokenizer is None or not getattr(tokenizer, "is_fast", False):
        return None
    if max_sequence_length is not None and not _is_clip(tokenizer):
        max_length = max_sequence_length
    else:
        max_length = getattr(tokenizer, "model_max_length", None)
    if not max_length or max_length > 100_000:  # transformers' "no limit" sentinel is ~1e30
        return None
    return max_length - tokenizer.num_special_tokens_to_add()


def prompt_encoders(pipeline, call_arguments: set[str], max_sequence_length: int | None) -> list[PromptEncoder]:
    """The pipeline's tokenizers with the argument each reads; a tokenizer without its own argument reads `prompt`."""
    encoders = []
    for name, argument in _PROMPT_ARGUMENTS.items():
        tokenizer = getattr(pipeline, name, None)
        if tokenizer is None:
            continue
        if argument not in call_arguments:
            argument = "prompt"
        limit = tokenizer_limit(tokenizer, max_sequence_length)
        # A copy: prompts are cut in a background thread while the pipeline's own tokenizer runs, and a fast
        # tokenizer's padding and truncation settings are state shared by every call.
        encoders.append(PromptEncoder(name, argument, copy.deepcopy(tokenizer), limit))
    return encoders


def _token_spans(tokenizer, texts: list[str]) -> list[list[tuple[int, int]]]:
    # verbose=False: the "longer than the maximum" warning is what the caller replaces with a summary.
    return tokenizer(texts, add_special_tokens=False, return_offsets_mapping=True, verbose=False)["offset_mapping"]


def _window(prompt: str, size: int) -> str:
    if size >= len(prompt):
        return prompt
    text = prompt[:size]
    # End at a word boundary: the pieces of a word cut in its middle can differ from the whole word's.
    match = _LAST_SPACE.search(text)
    return text[: match.start()] if match and match.start() > 0 else text


def truncate_prompts(prompts: list[str], tokenizer, limit: int | None = None) -> tuple[list[str], int]:
    """
    Cut prompts longer than `limit` tokens (default: what the tokenizer's encoder reads, see [`tokenizer_limit`]) at
    the last token that fits, keeping the original text (not a decoded lower-cased copy), so the pipeline sees exactly
    what its text encoder can read and warns about nothing. Returns the prompts and how many were cut.

    Only a window of the text about the limit's size is tokenised (grown while it holds fewer tokens than the
    limit), so cutting a 50 MB text costs memory proportional to the limit, not to the text.
    """
    if limit is None:
        limit = tokenizer_limit(tokenizer)
    if limit is None:
        return list(prompts), 0
    result, cut = [], 0
    size = max(256, 16 * limit)  # characters: CLIP and T5 tokens average about 4
    pending = list(range(len(prompts)))
    found: dict[int, list[tuple[int, int]]] = {}
    while pending:
        windows = [_window(prompts[index], size) for index in pending]
        still = []
        for index, window, spans in zip(pending, windows, _token_spans(tokenizer, windows)):
            if len(spans) > limit:
                found[index] = spans
            elif len(window) < len(prompts[index]):
                still.append(index)
        pending, size = still, size * 4
    for index, prompt in enumerate(prompts):
        spans = found.get(index)
        if spans is None:
            result.append(prompt)
            continue
        cut += 1
        keep = limit
        text = prompt[: spans[keep - 1][1]]
        # A word cut in its middle can re-tokenize into more pieces: step back until it fits.
        while keep > 1 and len(_token_spans(tokenizer, [text])[0]) > limit:
            keep -= 1
            text = prompt[: spans[keep - 1][1]]
        result.append(text)
    return result, cut


def is_empty_prompt(prompt: str) -> bool:
    return not prompt.strip()


def _uses_guidance(pipeline, guidance_scale) -> bool:
    if guidance_scale is None or guidance_scale <= 1:
        return False
    # LCM-style UNets embed the guidance scale instead of running an unconditional branch.
    unet = getattr(pipeline, "unet", None)
    return getattr(getattr(unet, "config", None), "time_cond_proj_dim", None) is None


def negative_conditioning(
    pipeline, negative_prompt: str | None, guidance_scale, pipeline_kwargs: dict, device
) -> dict[str, torch.Tensor] | None:
    """
    The negative (unconditional) prompt embeddings, computed once per run instead of once per batch, as the
    keyword arguments of a pipeline call with batch dimension 1; `None` where the pipeline gets the negative prompt
    as text (other pipeline families, or no classifier-free guidance).
    """
    from diffusers import StableDiffusion3Pipeline, StableDiffusionPipeline, StableDiffusionXLPipeline

    if not _uses_guidance(pipeline, guidance_scale):
        return None
    text = negative_prompt or ""
    with torch.inference_mode():
        if isinstance(pipeline, StableDiffusionPipeline):
            embeds, _ = pipeline.encode_prompt(text, device, 1, False)
            return {"negative_prompt_embeds": embeds}
        if isinstance(pipeline, StableDiffusionXLPipeline):
            if negative_prompt is None and pipeline.config.get("force_zeros_for_empty_prompt", False):
                return None  # SDXL uses zeros, which cost nothing to make
            embeds, _, pooled, _ = pipeline.encode_prompt(
                prompt=text, device=device, num_images_per_prompt=1, do_classifier_free_guidance=False
            )
        elif isinstance(pipeline, StableDiffusion3Pipeline):
            extra = {k: v for k, v in pipeline_kwargs.items() if k == "max_sequence_length"}
            embeds, _, pooled, _ = pipeline.encode_prompt(
                prompt=text,
                prompt_2=None,
                prompt_3=None,
                device=device,
                num_images_per_prompt=1,
                do_classifier_free_guidance=False,
                **extra,
            )
        else:
            return None
    return {"negative_prompt_embeds": embeds, "negative_pooled_prompt_embeds": pooled}


def expand_batch(conditioning: dict[str, torch.Tensor], batch_size: int) -> dict[str, torch.Tensor]:
    return {name: value.expand(batch_size, *value.shape[1:]) for name, value in conditioning.items()}


__all__ = ["SEED_RULE", "prompt_seed", "tokenizer_limit", "truncate_prompts"]
