# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 2: privileged image generation with the tiny pipeline (32x32, 2 steps), offline, on CPU."""

import logging
import os
import subprocess
import sys
import typing

import datasets
import numpy as np
import pytest
import torch
from diffusers import DPMSolverMultistepScheduler, StableDiffusionPipeline
from generation_helpers import (
    FAST,
    REPO_ROOT,
    count_prompts,
    image_bytes,
    make_prepared,
    pixels,
    read_back,
    shard_files,
)

from lugpi_hf import cli
from lugpi_hf.dataset_io import load_dataset_dict
from lugpi_hf.generation import (
    GENERATION_PRESETS,
    SEED_RULE,
    LugpiGenerationArguments,
    generate_privileged_images,
    load_text_to_image_pipeline,
    make_generated_dataset_card,
    prompt_seed,
    push_generated_dataset,
    read_generation_settings,
)
from lugpi_hf.testing import get_tiny_text_to_image_pipeline


@pytest.fixture(scope="module")
def pipeline():
    return get_tiny_text_to_image_pipeline()


@pytest.fixture(scope="module")
def pipeline_dir(tmp_path_factory, pipeline):
    path = tmp_path_factory.mktemp("tiny-generator")
    pipeline.save_pretrained(path)
    return path


@pytest.fixture(autouse=True)
def single_thread():
    """
    One thread: the tiny pipeline's kernels are too small to share, two OpenMP threads on a busy 2-core machine
    make each call ~20x slower, and `accelerate launch` gives each process one thread too (CPU kernels round
    differently with 1 and 2 threads, and the multi-process test compares bytes).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_prompt_seed_is_a_stable_hash_of_seed_and_prompt():
    # Fixed values: a change here changes every image of every published dataset.
    assert prompt_seed(0, "a red castle") == 7161366601092572346
    assert prompt_seed(1, "a red castle") == 889784430432459891
    assert prompt_seed(0, "a red castle ") != prompt_seed(0, "a red castle")
    import hashlib

    seed, prompt = 0, "a red castle"
    assert eval(SEED_RULE, {"sha256": hashlib.sha256, "seed": seed, "prompt": prompt}) == prompt_seed(seed, prompt)


def test_old_module_is_an_alias():
    from lugpi_hf import generation, image_generation

    assert image_generation.generate_privileged_images is generation.generate_privileged_images
    assert image_generation.GENERATION_SETTINGS_FILE == "generation_settings.json"
    assert set(generation.__all__) <= set(dir(image_generation))


def test_generates_image_and_seed_columns_loadable_as_dataset_dict(pipeline, tmp_path):
    prepared = make_prepared(6)
    generated = generate_privileged_images(prepared, pipeline, tmp_path / "out", batch_size=4, seed=3, **FAST)

    assert generated.column_names == ["id", "text", "prompt", "label", "image", "seed"]
    assert isinstance(generated.features["image"], datasets.Image)
    assert generated.features["label"] == prepared.features["label"]
    assert generated["id"] == prepared["id"]
    assert generated["seed"] == [prompt_seed(3, prompt) for prompt in prepared["prompt"]]
    assert generated[0]["image"].size == (32, 32)
    assert len(set(image_bytes(generated).values())) == 6  # distinct prompts, distinct images

    settings = read_generation_settings(tmp_path / "out")
    assert settings["seed"] == 3 and settings["num_inference_steps"] == 2 and settings["image_format"] == "png"
    assert settings["scheduler"] == "DDIMScheduler" and settings["torch_dtype"] == "float32"
    assert settings["guidance_scale"] == 7.5  # StableDiffusionPipeline's own default
    assert settings["prompt_limits"] == {
        "tokenizer": {"argument": "prompt", "tokenizer_class": "CLIPTokenizer", "max_tokens": 75}
    }
    assert [path.name for path in shard_files(tmp_path / "out")] == ["train-00000-of-00001.parquet"]

    # What the teacher trainer reads: a DatasetDict with the image column intact.
    loaded = load_dataset_dict(tmp_path / "out")
    assert list(loaded) == ["train"]
    assert loaded["train"].features == generated.features
    assert image_bytes(loaded["train"]) == image_bytes(generated)


def test_image_does_not_depend_on_batch_size_or_row_order(pipeline, tmp_path):
    prepared = make_prepared(8)
    one = generate_privileged_images(prepared, pipeline, tmp_path / "b1", batch_size=1, **FAST)
    shuffled = prepared.select([5, 2, 7, 0, 3, 6, 1, 4])
    four = generate_privileged_images(shuffled, pipeline, tmp_path / "b4", batch_size=4, **FAST)

    one_bytes, four_bytes = image_bytes(one), image_bytes(four)
    assert dict(zip(one["id"], one["seed"])) == dict(zip(four["id"], four["seed"]))
    differing_values = 0
    for row_id, data in one_bytes.items():
        a, b = pixels(data), pixels(four_bytes[row_id])
        # Same noise, same prompt: batched CPU kernels may round the last float bit differently, which can
        # move a pixel by one 8-bit step, never more.
        assert np.abs(a - b).max() <= 1, row_id
        differing_values += int((a != b).sum())
    assert differing_values <= 0.01 * 8 * 32 * 32 * 3
    # ...while another seed gives another image entirely.
    other = generate_privileged_images(prepared, pipeline, tmp_path / "seed1", batch_size=4, seed=1, **FAST)
    first = prepared["id"][0]
    assert np.abs(pixels(image_bytes(other)[first]) - pixels(one_bytes[first])).mean() > 5


def test_identical_prompts_generated_once_also_across_splits(pipeline, tmp_path):
    prepared = datasets.DatasetDict(
        {"train": make_prepared(10, num_prompts=4), "validation": make_prepared(3, num_prompts=4, start=10)}
    )
    with count_prompts() as calls:
        generated = generate_privileged_images(
            prepared, pipeline, tmp_path / "out", batch_size=3, shard_size=3, **FAST
        )
    prompts = [prompt for call in calls for prompt in call]
    # 4 distinct prompts in train (first seen in shards 0 and 1); validation's rows repeat train prompts 2, 3, 0.
    assert sorted(prompts) == sorted(set(prepared["train"]["prompt"]))
    train, validation = image_bytes(generated["train"]), image_bytes(generated["validation"])
    assert train["row-0000"] == train["row-0004"] == train["row-0008"] == validation["row-0012"]
    assert train["row-0002"] == validation["row-0010"] and train["row-0000"] != train["row-0001"]
    assert generated["validation"]["seed"] == [prompt_seed(0, p) for p in prepared["validation"]["prompt"]]
    names = [path.name for path in shard_files(tmp_path / "out")]
    assert names == [f"train-0000{k}-of-00004.parquet" for k in range(4)] + ["validation-00000-of-00001.parquet"]


def test_rows_come_back_in_the_prepared_order(pipeline, tmp_path):
    # Repeated prompts scattered over the split: the old layout grouped rows by prompt and by a random file name.
    prepared = make_prepared(14, num_prompts=5).select([13, 2, 7, 0, 11, 4, 9, 1, 12, 3, 8, 6, 10, 5])
    generate_privileged_images(prepared, pipeline, tmp_path / "out", batch_size=2, shard_size=4, **FAST)
    assert read_back(tmp_path / "out")["id"] == prepared["id"]
    assert load_dataset_dict(tmp_path / "out")["train"]["id"] == prepared["id"]


def test_rerun_generates_only_missing_shards_bit_identically(pipeline, tmp_path):
    prepared = make_prepared(12)
    output_dir = tmp_path / "out"
    first = generate_privileged_images(prepared, pipeline, output_dir, batch_size=3, shard_size=4, **FAST)
    shards = shard_files(output_dir)
    assert [path.name for path in shards] == [f"train-0000{k}-of-00003.parquet" for k in range(3)]

    with count_prompts() as calls:
        again = generate_privileged_images(prepared, pipeline, output_dir, batch_size=3, shard_size=4, **FAST)
    assert calls == [] and shard_files(output_dir) == shards
    assert image_bytes(again) == image_bytes(first)

    lost = datasets.Dataset.from_parquet(str(shards[1]))["prompt"]
    shards[1].unlink()
    with count_prompts() as calls:
        resumed = generate_privileged_images(prepared, pipeline, output_dir, batch_size=3, shard_size=4, **FAST)
    assert calls == [lost[:3], lost[3:]]  # the batches of the first run: batches never cross shards
    assert resumed["id"] == prepared["id"] and read_back(output_dir)["id"] == prepared["id"]
    assert image_bytes(resumed) == image_bytes(first)


def test_empty_prompts_get_an_unconditional_image_and_a_warning(pipeline, tmp_path, caplog):
    prepared = make_prepared(5).map(lambda r, i: {"prompt": {1: "", 3: "   "}.get(i, r["prompt"])}, with_indices=True)
    with count_prompts() as calls, caplog.at_level(logging.WARNING, logger="lugpi_hf"):
        generated = generate_privileged_images(prepared, pipeline, tmp_path / "out", batch_size=8, **FAST)
    assert "" in calls[0] and "   " in calls[0]
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("lugpi_hf")]
    assert any("2 rows have an empty 'prompt'; they get an unconditional image" in w for w in warnings), warnings
    assert generated["id"] == prepared["id"] and generated["prompt"][1] == ""
    assert generated[1]["image"].size == (32, 32)
    # CLIP reads "" and "   " alike: the empty text's (unconditional) embedding, so with guidance the image is the
    # unconditional prediction; the seeds differ, so the two images differ.
    assert image_bytes(generated)["row-0001"] != image_bytes(generated)["row-0003"]


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.remove_columns("prompt"), "no 'prompt' column"),
        (lambda d: d.remove_columns("id"), "no 'id' column"),
        (
            lambda d: d.map(lambda r, i: {"id": "row-0001" if i == 3 else r["id"]}, with_indices=True),
            "column 'id': duplicate id 'row-0001' at rows 1 and 3",
        ),
        (
            lambda d: d.map(lambda r, i: {"prompt": None if i == 4 else r["prompt"]}, with_indices=True),
            "column 'prompt', row 4 (id 'row-0004'): expected a string, got NoneType None",
        ),
        (lambda d: d.add_column("image", [None] * len(d)), "already has an 'image' column"),
    ],
)
def test_bad_input_one_line_error_and_nothing_written(pipeline, tmp_path, change, message):
    bad = change(make_prepared(6))
    with count_prompts() as calls, pytest.raises(ValueError) as error:
        generate_privileged_images(bad, pipeline, tmp_path / "out", **FAST)
    assert message in str(error.value) and "\n" not in str(error.value)
    assert calls == [] and not (tmp_path / "out").exists()


def test_output_dir_from_other_settings_or_data_is_refused(pipeline, tmp_path):
    prepared = make_prepared(4)
    output_dir = tmp_path / "out"
    generate_privileged_images(prepared, pipeline, output_dir, batch_size=4, **FAST)
    before = {path: path.read_bytes() for path in output_dir.rglob("*") if path.is_file()}

    with pytest.raises(ValueError, match=r"other settings \(num_inference_steps: 2 there, 3 here\)") as error:
        generate_privileged_images(prepared, pipeline, output_dir, batch_size=4, **{**FAST, "num_inference_steps": 3})
    assert "\n" not in str(error.value)
    with pytest.raises(ValueError, match=r"other settings \(image_format: 'png' there, 'jpeg' here"):
        generate_privileged_images(prepared, pipeline, output_dir, **{**FAST, "image_format": "jpeg"})
    with pytest.raises(ValueError, match=r"other settings \(shard_size: 512 there, 2 here\)"):
        generate_privileged_images(prepared, pipeline, output_dir, shard_size=2, **FAST)
    # A shard copied from elsewhere is caught by its own recorded settings, manifest or not.
    foreign = tmp_path / "foreign"
    generate_privileged_images(make_prepared(4, start=4), pipeline, foreign, seed=5, **FAST)
    (foreign / "generation_settings.json").unlink()
    copied = output_dir / "data" / "validation-00000-of-00001.parquet"
    copied.write_bytes(shard_files(foreign)[0].read_bytes())
    with pytest.raises(
        ValueError, match=rf"{copied.name}: shard generated with other settings \(seed: 5 there, 0 here"
    ):
        generate_privileged_images(prepared, pipeline, output_dir, **FAST)
    copied.unlink()
    # A Parquet file that is not one of our shards would be read as rows by `load_dataset`.
    stray = output_dir / "data" / "train-00000-of-00001-1a2b3c4d-00000.parquet"
    stray.write_bytes(b"PAR1")
    with pytest.raises(ValueError, match=f"{stray.name}: not a shard of this generation stage"):
        generate_privileged_images(prepared, pipeline, output_dir, **FAST)
    stray.unlink()
    # Rows of another dataset, or rows whose prompt changed since, are not silently kept.
    with pytest.raises(ValueError, match="holds id 'row-0000', which split 'train' does not have"):
        generate_privileged_images(make_prepared(4, start=100), pipeline, output_dir, **FAST)
    with pytest.raises(ValueError, match=r"does not hold rows 0-3 of split 'train' in order"):
        generate_privileged_images(prepared.select([1, 0, 2, 3]), pipeline, output_dir, **FAST)
    edited = prepared.map(lambda r: {"prompt": r["prompt"] + " at dawn"})
    with pytest.raises(ValueError, match="id 'row-0000' was generated from another prompt"):
        generate_privileged_images(edited, pipeline, output_dir, **FAST)
    assert {path: path.read_bytes() for path in output_dir.rglob("*") if path.is_file()} == before


def test_presets_match_the_documented_settings(pipeline, tmp_path):
    preset_choices = typing.get_args(typing.get_args(typing.get_type_hints(LugpiGenerationArguments)["preset"])[0])
    assert set(GENERATION_PRESETS) == set(preset_choices)  # the CLI's choices
    expected = {
        "paper": ("stabilityai/stable-diffusion-2", 768, 50, 7.5, None, {}),
        "fast": ("stabilityai/stable-diffusion-2-base", 512, 20, 7.5, "DPMSolverMultistepScheduler", {}),
        "turbo": ("stabilityai/sd-turbo", 512, 1, 0.0, None, {}),
        "sdxl-turbo": ("stabilityai/sdxl-turbo", 512, 1, 0.0, None, {}),
        "flux-schnell": ("black-forest-labs/FLUX.1-schnell", 1024, 4, 0.0, None, {"max_sequence_length": 256}),
        "sd35-large-turbo": ("stabilityai/stable-diffusion-3.5-large-turbo", 1024, 4, 0.0, None, {}),
        "sana-sprint": ("Efficient-Large-Model/Sana_Sprint_1.6B_1024px_diffusers", 1024, 2, None, None, {}),
    }
    for name, values in expected.items():
        preset = GENERATION_PRESETS[name]
        assert (preset.generator, preset.resolution, preset.num_inference_steps, preset.guidance_scale,
                preset.scheduler, preset.pipeline_kwargs) == values, name  # fmt: skip
        assert preset.licence and preset.description
    assert GENERATION_PRESETS["fast"].scheduler_kwargs == {"algorithm_type": "dpmsolver++"}
    assert GENERATION_PRESETS["sdxl-turbo"].scheduler_kwargs == {"timestep_spacing": "trailing"}
    assert "non-commercial" in GENERATION_PRESETS["sdxl-turbo"].licence.lower()
    assert GENERATION_PRESETS["flux-schnell"].licence == "apache-2.0"

    # A preset on a given pipeline: its scheduler and guidance apply, explicit arguments win.
    fast_pipeline = get_tiny_text_to_image_pipeline()
    generated = generate_privileged_images(
        make_prepared(2), fast_pipeline, tmp_path / "out", preset="fast", resolution=32, **FAST
    )
    assert isinstance(fast_pipeline.scheduler, DPMSolverMultistepScheduler)
    assert fast_pipeline.scheduler.config.algorithm_type == "dpmsolver++"
    settings = read_generation_settings(tmp_path / "out")
    assert settings["preset"] == "fast" and settings["scheduler"] == "DPMSolverMultistepScheduler"
    assert settings["guidance_scale"] == 7.5 and settings["licence"] == "openrail++"
    assert (settings["num_inference_steps"], settings["resolution"]) == (2, 32)
    assert generated[0]["image"].size == (32, 32)
    # A preset's scheduler settings without a class apply to the checkpoint's own scheduler.
    turbo_pipeline = get_tiny_text_to_image_pipeline()
    generate_privileged_images(make_prepared(1), turbo_pipeline, tmp_path / "xl", preset="sdxl-turbo", resolution=32,
                               **FAST)  # fmt: skip
    assert type(turbo_pipeline.scheduler).__name__ == "DDIMScheduler"
    assert turbo_pipeline.scheduler.config.timestep_spacing == "trailing"
    assert read_generation_settings(tmp_path / "xl")["guidance_scale"] == 0.0
    with pytest.raises(ValueError, match="Unknown preset 'slow'"):
        generate_privileged_images(make_prepared(2), pipeline, tmp_path / "x", preset="slow")


def test_stored_image_size_and_jpeg(pipeline, tmp_path):
    generated = generate_privileged_images(
        make_prepared(2), pipeline, tmp_path / "out", **{**FAST, "image_size": 16, "image_format": "jpeg"}
    )
    image = generated[0]["image"]
    assert image.format == "JPEG" and image.size == (16, 16)
    assert read_generation_settings(tmp_path / "out")["resize_filter"].startswith("bicubic, antialiased")


def test_pipeline_defaults_kwargs_and_sizes_it_would_change(pipeline, tmp_path):
    # No preset, no steps: the pipeline's own default (50 for Stable Diffusion), recorded.
    generate_privileged_images(make_prepared(1), pipeline, tmp_path / "default", image_size=None, show_progress=False)
    settings = read_generation_settings(tmp_path / "default")
    assert (settings["num_inference_steps"], settings["guidance_scale"]) == (50, 7.5)

    class BinningPipeline(StableDiffusionPipeline):
        """Bins sizes to its native grid, as PixArt and Sana do."""

        def __call__(self, *args, use_resolution_binning: bool = True, **kwargs):
            return super().__call__(*args, **kwargs)

    binning = BinningPipeline(**pipeline.components, requires_safety_checker=False)
    with pytest.raises(ValueError, match=r"BinningPipeline bins sizes to its 32x32 grid .* not the 16x16 asked"):
        generate_privileged_images(make_prepared(1), binning, tmp_path / "binned", resolution=16, **FAST)
    generate_privileged_images(
        make_prepared(1), binning, tmp_path / "unbinned", resolution=16,
        pipeline_kwargs={"use_resolution_binning": False}, **FAST,
    )  # fmt: skip
    assert read_back(tmp_path / "unbinned")[0]["image"].size == (16, 16)
    assert read_generation_settings(tmp_path / "unbinned")["pipeline_kwargs"] == {"use_resolution_binning": False}

    with pytest.raises(ValueError, match=r"pipeline_kwargs: StableDiffusionPipeline takes no 'max_sequence_length'"):
        generate_privileged_images(make_prepared(1), pipeline, tmp_path / "x", pipeline_kwargs={"max_sequence_length": 9})
    with pytest.raises(ValueError, match="pipeline_kwargs: 'guidance_scale' is set by generation itself"):
        generate_privileged_images(make_prepared(1), pipeline, tmp_path / "x", pipeline_kwargs={"guidance_scale": 1})
    # SD needs sizes divisible by 8; the size the pipeline generates is checked against the size asked.
    with pytest.raises(ValueError, match="divisible by 8|generated"):
        generate_privileged_images(make_prepared(1), pipeline, tmp_path / "odd", resolution=36, **FAST)


def test_compile_covers_denoiser_and_decoder_and_pads_the_last_batch(tmp_path):
    compiled = []
    fresh = get_tiny_text_to_image_pipeline()
    with mock_compile(compiled), count_prompts() as calls:
        generated = generate_privileged_images(
            make_prepared(5), fresh, tmp_path / "out", batch_size=4, compile=True, **FAST
        )
    assert compiled == [type(fresh.unet).__name__, type(fresh.vae.decoder).__name__]
    assert fresh.unet.conv_in.weight.is_contiguous(memory_format=torch.channels_last)
    assert fresh.vae.decoder.conv_in.weight.is_contiguous(memory_format=torch.channels_last)
    assert getattr(fresh, "fusing_unet", False) and getattr(fresh, "fusing_vae", False)
    # 5 prompts in batches of 4: the last is padded to 4, so a compiled graph sees one batch shape only.
    assert [len(call) for call in calls] == [4, 4] and generated["id"] == make_prepared(5)["id"]
    settings = read_generation_settings(tmp_path / "out")
    assert settings["compile"] is True
    assert settings["optimisations"] == [
        "unet channels_last", "vae channels_last", "fused qkv", "compile unet", "compile vae.decoder"
    ]  # fmt: skip


def mock_compile(compiled: list):
    from unittest import mock

    def record(module, *args, **kwargs):
        compiled.append(type(module).__name__)

    return mock.patch.object(torch.nn.Module, "compile", record)


def test_loading_through_auto_pipeline(pipeline, tmp_path):
    from diffusers import (
        DDPMPipeline,
        DDPMScheduler,
        StableDiffusionImg2ImgPipeline,
        UNet2DModel,
    )

    # A directory saved as the img2img pipeline of a text-to-image checkpoint loads as its text-to-image pipeline.
    img2img = StableDiffusionImg2ImgPipeline(**pipeline.components, requires_safety_checker=False)
    img2img.save_pretrained(tmp_path / "img2img")
    loaded = load_text_to_image_pipeline(tmp_path / "img2img", device="cpu")
    assert type(loaded).__name__ == "StableDiffusionPipeline" and loaded.safety_checker is None
    generated = generate_privileged_images(make_prepared(2), str(tmp_path / "img2img"), tmp_path / "out", **FAST)
    assert generated[0]["image"].size == (32, 32)
    settings = read_generation_settings(tmp_path / "out")
    assert settings["pipeline_class"] == "StableDiffusionPipeline" and settings["safety_checker"] is False
    # So does an img2img pipeline object.
    generate_privileged_images(make_prepared(1), img2img, tmp_path / "object", **FAST)
    assert read_generation_settings(tmp_path / "object")["pipeline_class"] == "StableDiffusionPipeline"

    # A pipeline that does not generate from text is refused in one line.
    torch.manual_seed(0)
    unet = UNet2DModel(sample_size=8, in_channels=3, out_channels=3, block_out_channels=(4, 8), norm_num_groups=2,
                       down_block_types=("DownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "UpBlock2D"))  # fmt: skip
    DDPMPipeline(unet=unet, scheduler=DDPMScheduler()).save_pretrained(tmp_path / "unconditional")
    with pytest.raises(ValueError, match="DDPMPipeline is not a text-to-image pipeline") as error:
        generate_privileged_images(make_prepared(1), str(tmp_path / "unconditional"), tmp_path / "bad", **FAST)
    assert "\n" not in str(error.value) and not (tmp_path / "bad").exists()
    with pytest.raises(ValueError, match="no diffusers pipeline there"):
        load_text_to_image_pipeline(tmp_path / "nothing-here", device="cpu")


def test_cli_end_to_end(pipeline_dir, tmp_path, capsys):
    prepared = datasets.DatasetDict({"train": make_prepared(5), "validation": make_prepared(3, start=5)})
    prepared.save_to_disk(tmp_path / "prepared")
    common = [
        "--dataset",
        str(tmp_path / "prepared"),
        "--generator",
        str(pipeline_dir),
        "--batch-size",
        "4",
        "--num-inference-steps",
        "2",
        "--seed",
        "1",
        "--image-size",
        "16",
    ]

    assert cli.main(["generate", *common, "--output-dir", str(tmp_path / "out"), "--split", "validation"]) == 0
    assert list(load_dataset_dict(tmp_path / "out")) == ["validation"]
    assert cli.main(["generate", *common, "--output-dir", str(tmp_path / "out")]) == 0
    assert "Generated dataset in" in capsys.readouterr().out

    loaded = load_dataset_dict(tmp_path / "out")
    assert sorted(loaded) == ["train", "validation"]
    assert loaded["train"]["id"] == prepared["train"]["id"]
    assert loaded["validation"][0]["image"].size == (16, 16)
    settings = read_generation_settings(tmp_path / "out")
    assert settings["generator"] == str(pipeline_dir.resolve()) and settings["seed"] == 1

    # Bad input: exit code 1 and one line on stderr, nothing written.
    prepared["train"].remove_columns("prompt").save_to_disk(tmp_path / "no-prompt")
    argv = ["generate", *common, "--output-dir", str(tmp_path / "bad")]
    argv[2] = str(tmp_path / "no-prompt")
    assert cli.main(argv) == 1
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("lugpi generate: error: ") and "no 'prompt' column" in error and "\n" not in error
    assert not (tmp_path / "bad").exists()
    assert cli.main([*argv, "--push_to_hub"]) == 1
    assert capsys.readouterr().err.strip().endswith("--push_to_hub needs --hub_dataset_id (user/name).")


def test_arguments_parse_pipeline_kwargs_as_json():
    args = LugpiGenerationArguments("d", "o", pipeline_kwargs='{"use_resolution_binning": false}')
    assert args.pipeline_kwargs == {"use_resolution_binning": False}
    with pytest.raises(ValueError, match="--pipeline_kwargs: not JSON"):
        LugpiGenerationArguments("d", "o", pipeline_kwargs="{nope")
    with pytest.raises(ValueError, match="expected a JSON object"):
        LugpiGenerationArguments("d", "o", pipeline_kwargs="[1]")


def test_trainer_script(pipeline_dir, tmp_path):
    sys.path.insert(0, str(REPO_ROOT / "trainers"))
    try:
        import generate_images
    finally:
        sys.path.pop(0)
    make_prepared(3).save_to_disk(tmp_path / "prepared")
    (args,) = generate_images.make_parser().parse_args_and_config(
        [
            "--dataset_name",
            str(tmp_path / "prepared"),
            "--generator",
            str(pipeline_dir),
            "--output_dir",
            str(tmp_path / "out"),
            "--num_inference_steps",
            "2",
            "--image_size",
            "0",
            "--image_format",
            "png",
            "--pipeline_kwargs",
            '{"guidance_rescale": 0.0}',
        ]
    )
    generated = generate_images.main(args)
    assert generated["train"]["id"] == make_prepared(3)["id"]
    assert generated["train"][0]["image"].size == (32, 32)  # --image_size 0 keeps the generated size
    assert read_generation_settings(tmp_path / "out")["pipeline_kwargs"] == {"guidance_rescale": 0.0}


def test_dataset_card_names_generator_settings_seed_rule_and_preprocessing(pipeline, tmp_path):
    generate_privileged_images(make_prepared(2), pipeline, tmp_path / "out", **FAST)
    settings = read_generation_settings(tmp_path / "out")
    card = make_generated_dataset_card(settings, {"train": 2}, source_dataset="stanfordnlp/imdb")
    text = str(card)
    assert "lugpi" in card.data.tags and card.data.source_datasets == ["stanfordnlp/imdb"]
    assert "size_categories:\n- n<1K" in text
    assert "| generator | `StableDiffusionPipeline` (`StableDiffusionPipeline`) |" in text
    assert "| inference steps | 2 |" in text and "| guidance scale | 7.5 |" in text
    assert "| scheduler | `DDIMScheduler` |" in text and "| seed | 0 |" in text
    assert SEED_RULE in text and "### Prompt preprocessing" in text
    assert "| `tokenizer` (reads `prompt`) | `CLIPTokenizer` | 75 |" in text
    assert "| train | 2 |" in text and "--num-inference-steps 2" in text
    assert "| safety checker | off |" in text and "### Licence" not in text

    paper = {**settings, "preset": "paper", "generator": "stabilityai/stable-diffusion-2", "resolution": 768}
    text = str(make_generated_dataset_card(paper, {"train": 25_000}))
    assert "[`stabilityai/stable-diffusion-2`](https://huggingface.co/stabilityai/stable-diffusion-2)" in text
    assert "`paper`: The paper's generator" in text and "768x768 px" in text and "10K<n<100K" in text
    turbo = {**settings, "preset": "sdxl-turbo", "licence": GENERATION_PRESETS["sdxl-turbo"].licence,
             "pipeline_kwargs": {"max_sequence_length": 256}}  # fmt: skip
    text = str(make_generated_dataset_card(turbo, {"train": 2}))
    assert "### Licence" in text and "sai-nc-community" in text and "non-commercial" in text
    assert '`{"max_sequence_length": 256}`' in text and "--pipeline-kwargs" in text

    with pytest.raises(ValueError, match="needs `settings=`"):
        push_generated_dataset(datasets.Dataset.from_dict({"id": [1]}), "user/name")


def test_push_generated_dataset_round_trip_through_a_local_hub(local_hub, pipeline, tmp_path):
    from hub_server import DEFAULT_USER

    prepared = datasets.DatasetDict({"train": make_prepared(3), "validation": make_prepared(2, start=3)})
    generated = generate_privileged_images(prepared, pipeline, tmp_path / "out", **FAST)
    repo_id = f"{DEFAULT_USER}/generated"
    code = f"""
import datasets
from huggingface_hub import DatasetCard
from lugpi_hf.generation import SEED_RULE, push_generated_dataset

push_generated_dataset({str(tmp_path / "out")!r}, {repo_id!r}, source_dataset="stanfordnlp/imdb")
pulled = datasets.load_dataset({repo_id!r})
assert sorted(pulled) == ["train", "validation"], pulled
assert isinstance(pulled["train"].features["image"], datasets.Image)
print(pulled["train"]["id"], pulled["train"][0]["image"].size)
card = DatasetCard.load({repo_id!r}, repo_type="dataset")
# The template's text survives `push_to_hub`, which adds its own metadata to the card.
assert SEED_RULE in card.text and "## Generation" in card.text, card.text
assert "dataset_info" in card.data.to_dict() and "lugpi" in card.data.tags, card.data
print("PUSHED-AND-PULLED")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], env=local_hub.env(tmp_path / "home"), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert f"{generated['train']['id']} (32, 32)" in result.stdout and "PUSHED-AND-PULLED" in result.stdout
    assert local_hub.refused == []


@pytest.mark.slow
def test_push_generated_dataset_to_the_real_hub(pipeline, tmp_path):
    """Needs HF_TOKEN, LUGPI_TEST_HUB_DATASET (a dataset repo the token may write) and HF_HUB_OFFLINE=0."""
    repo_id = os.environ.get("LUGPI_TEST_HUB_DATASET")
    if not (repo_id and os.environ.get("HF_TOKEN")):
        pytest.skip("set HF_TOKEN and LUGPI_TEST_HUB_DATASET to push to the real Hub")
    generate_privileged_images(make_prepared(3), pipeline, tmp_path / "out", **FAST)
    push_generated_dataset(tmp_path / "out", repo_id, private=True)
    from huggingface_hub import DatasetCard

    pushed = datasets.load_dataset(repo_id, split="train")
    assert pushed["id"] == make_prepared(3)["id"] and isinstance(pushed.features["image"], datasets.Image)
    card = DatasetCard.load(repo_id)
    assert SEED_RULE in card.text and "dataset_info" in card.data.to_dict()
