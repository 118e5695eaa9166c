# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 2: each text encoder reads what it can (CLIP 77 tokens, T5 up to max_sequence_length)."""

import logging
from unittest import mock

import datasets
import pytest
import torch
from diffusers import FluxPipeline, StableDiffusion3Pipeline, StableDiffusionXLPipeline
from generation_helpers import record_calls

from lugpi_hf.generation import (
    generate_privileged_images,
    read_generation_settings,
    tokenizer_limit,
    truncate_prompts,
)
from lugpi_hf.testing import (
    get_tiny_clip_tokenizer,
    get_tiny_flux_pipeline,
    get_tiny_sd3_pipeline,
    get_tiny_sdxl_pipeline,
    get_tiny_t5_tokenizer,
)

# 120 words: CLIP reads 75 tokens of them, T5 all (one piece per word).
LONG_PROMPT = " ".join(["the", "red", "castle", "by", "the", "sea", "at", "night", "and", "a", "dog", "cat"] * 10)
OPTIONS = dict(num_inference_steps=2, image_size=None, image_format="png", show_progress=False)


@pytest.fixture(autouse=True)
def single_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def lugpi_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("lugpi_hf")]


def test_long_prompts_cut_to_the_token_limit(tmp_path):
    tokenizer = get_tiny_clip_tokenizer()
    long_prompt = " ".join(["the red castle by the sea at night"] * 20)
    cut, count = truncate_prompts(["a dog", long_prompt], tokenizer)
    assert count == 1 and cut[0] == "a dog"
    assert long_prompt.startswith(cut[1]) and len(cut[1]) < len(long_prompt)
    assert len(tokenizer(cut[1]).input_ids) <= tokenizer.model_max_length
    assert len(tokenizer(cut[1] + " castle").input_ids) > tokenizer.model_max_length  # nothing more would fit
    assert tokenizer_limit(tokenizer) == 75
    t5 = get_tiny_t5_tokenizer()
    assert tokenizer_limit(t5) == 511 and tokenizer_limit(t5, max_sequence_length=256) == 255
    assert tokenizer_limit(tokenizer, max_sequence_length=256) == 75  # CLIP keeps its 77 positions


def test_cutting_a_huge_text_tokenises_a_window_of_the_limit_not_the_text():
    tokenizer = get_tiny_clip_tokenizer()
    huge = "the red castle by the sea " * 400_000  # 10.4 million characters
    seen: list[int] = []
    original = type(tokenizer).__call__

    def spy(self, text, *args, **kwargs):
        seen.extend(len(t) for t in (text if isinstance(text, list) else [text]))
        return original(self, text, *args, **kwargs)

    with mock.patch.object(type(tokenizer), "__call__", spy):
        (cut,), count = truncate_prompts([huge], tokenizer)
    assert count == 1 and huge.startswith(cut)
    assert len(tokenizer(cut, add_special_tokens=False).input_ids) == 75
    assert max(seen) <= 16 * 75  # the window, never the 10 MB text
    # A text without spaces (one giant word) is cut too, from a window that grows only as needed.
    (cut,), count = truncate_prompts(["x" * 2_000_000], tokenizer)
    assert count == 1 and 0 < len(tokenizer(cut, add_special_tokens=False).input_ids) <= 75


def test_sd3_t5_reads_the_long_prompt_clip_reads_77(tmp_path, caplog):
    pipeline = get_tiny_sd3_pipeline()
    prepared = datasets.Dataset.from_dict({"id": [1, 2], "prompt": [LONG_PROMPT, "a dog"]})
    with record_calls(StableDiffusion3Pipeline) as calls, caplog.at_level(logging.WARNING, logger="lugpi_hf"):
        generated = generate_privileged_images(prepared, pipeline, tmp_path / "out", batch_size=2, **OPTIONS)
    (call,) = calls
    assert call["prompt_3"][0] == LONG_PROMPT and call["prompt_3"][1] == "a dog"  # T5: the whole prompt
    assert len(pipeline.tokenizer_3(call["prompt_3"][0]).input_ids) == 121  # 120 words and </s>, not 77
    for argument in ("prompt", "prompt_2"):
        cut = call[argument][0]
        assert LONG_PROMPT.startswith(cut) and len(pipeline.tokenizer(cut, add_special_tokens=False).input_ids) == 75
    warnings = lugpi_warnings(caplog)
    assert len(warnings) == 2, warnings  # one summary per CLIP encoder, none for T5
    assert any("1 of 2 prompts exceed the 75-token limit of `tokenizer` (CLIPTokenizer" in w for w in warnings)
    assert any("limit of `tokenizer_2`" in w for w in warnings)
    limits = read_generation_settings(tmp_path / "out")["prompt_limits"]
    assert limits["tokenizer_3"] == {"argument": "prompt_3", "tokenizer_class": "T5Tokenizer", "max_tokens": 255}
    assert limits["tokenizer"]["max_tokens"] == limits["tokenizer_2"]["max_tokens"] == 75
    assert generated["prompt"] == prepared["prompt"] and generated[0]["image"].size == (32, 32)


def test_flux_defaults_t5_reads_the_long_prompt_and_pipeline_kwargs(tmp_path, caplog):
    pipeline = get_tiny_flux_pipeline()
    prepared = datasets.Dataset.from_dict({"id": ["a"], "prompt": [LONG_PROMPT]})
    with record_calls(FluxPipeline) as calls:
        generate_privileged_images(prepared, pipeline, tmp_path / "default", resolution=16, image_size=None,
                                   image_format="png", show_progress=False)  # fmt: skip
    settings = read_generation_settings(tmp_path / "default")
    # Neither preset nor user set steps or guidance: Flux's own 28 steps and guidance 3.5, not SD's 50 and 7.5.
    assert (settings["num_inference_steps"], settings["guidance_scale"]) == (28, 3.5)
    assert calls[0]["num_inference_steps"] == 28 and calls[0]["prompt_2"] == [LONG_PROMPT]
    assert settings["prompt_limits"]["tokenizer_2"]["max_tokens"] == 511  # Flux's max_sequence_length 512

    # max_sequence_length passed through: T5 now reads 63 tokens, and says so once.
    with record_calls(FluxPipeline) as calls, caplog.at_level(logging.WARNING, logger="lugpi_hf"):
        generate_privileged_images(prepared, pipeline, tmp_path / "short", resolution=16,
                                   pipeline_kwargs={"max_sequence_length": 64}, **OPTIONS)  # fmt: skip
    assert calls[0]["max_sequence_length"] == 64
    assert len(pipeline.tokenizer_2(calls[0]["prompt_2"][0], add_special_tokens=False).input_ids) == 63
    warnings = lugpi_warnings(caplog)
    assert any("63-token limit of `tokenizer_2` (T5Tokenizer, read as `prompt_2`)" in w for w in warnings), warnings
    settings = read_generation_settings(tmp_path / "short")
    assert settings["pipeline_kwargs"] == {"max_sequence_length": 64}
    assert settings["prompt_limits"]["tokenizer_2"]["max_tokens"] == 63
    # A size Flux would round (to its 2x2 latent patches) is refused, not silently changed.
    with pytest.raises(ValueError, match=r"FluxPipeline generated 14x14 images where 15x15 were asked"):
        generate_privileged_images(prepared, pipeline, tmp_path / "odd", resolution=15, **OPTIONS)
    assert not (tmp_path / "odd").exists()  # nothing written, so the corrected rerun is not refused
    generate_privileged_images(prepared, pipeline, tmp_path / "odd", resolution=16, **OPTIONS)


def test_sdxl_both_clips_cut_and_negative_prompt_encoded_once(tmp_path):
    pipeline = get_tiny_sdxl_pipeline()
    prepared = datasets.Dataset.from_dict({"id": list(range(5)), "prompt": [LONG_PROMPT, "a", "b", "c", "d"]})
    with record_calls(StableDiffusionXLPipeline) as calls, mock.patch.object(
        StableDiffusionXLPipeline, "encode_prompt", wraps=pipeline.encode_prompt
    ) as encode:
        generated = generate_privileged_images(
            prepared, pipeline, tmp_path / "out", batch_size=2, resolution=32, guidance_scale=5.0,
            negative_prompt="blurry", **OPTIONS,
        )  # fmt: skip
    assert len(calls) == 3 and calls[0]["prompt"][0] == calls[0]["prompt_2"][0] != LONG_PROMPT
    assert len(pipeline.tokenizer_2(calls[0]["prompt_2"][0], add_special_tokens=False).input_ids) == 75
    # The negative prompt's embeddings: computed once for the run, passed to every batch.
    negative = [c for c in encode.call_args_list if c.kwargs.get("prompt") == "blurry"]
    assert len(negative) == 1
    assert all("negative_prompt" not in call and call["negative_prompt_embeds"].shape[0] == len(call["prompt"])
               for call in calls)  # fmt: skip
    assert generated["id"] == list(range(5))
    settings = read_generation_settings(tmp_path / "out")
    assert settings["negative_prompt"] == "blurry" and set(settings["prompt_limits"]) == {"tokenizer", "tokenizer_2"}
