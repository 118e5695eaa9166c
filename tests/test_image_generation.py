# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 2: privileged image generation with the tiny pipeline (32x32, 2 steps), offline, on CPU."""

import io
import logging
import os
import signal
import subprocess
import sys
import time
import typing
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import datasets
import numpy as np
import pytest
import torch
from diffusers import DPMSolverMultistepScheduler, StableDiffusionPipeline
from PIL import Image

from conftest import free_port
from lugpi_hf import cli
from lugpi_hf.dataset_io import load_dataset_dict
from lugpi_hf.image_generation import (
    GENERATION_PRESETS,
    SEED_RULE,
    LugpiGenerationArguments,
    generate_privileged_images,
    make_generated_dataset_card,
    prompt_seed,
    push_generated_dataset,
    read_generation_settings,
    truncate_prompts,
)
from lugpi_hf.testing import get_tiny_text_to_image_pipeline


REPO_ROOT = Path(__file__).resolve().parents[1]
# PNG keeps pixels exact, so comparisons see the generator's output, not JPEG's.
FAST = dict(num_inference_steps=2, image_size=None, image_format="png", show_progress=False)
WORDS = "red blue green castle dog sea movie story night city forest river cat bird tree sun".split()


def make_prepared(num_rows: int, num_prompts: int | None = None, start: int = 0) -> datasets.Dataset:
    """A prepared split: id, text, prompt, label (ClassLabel); prompts repeat every `num_prompts` rows."""
    num_prompts = num_prompts or num_rows
    prompts = [f"a {WORDS[i % 16]} {WORDS[(i // 16 + 3) % 16]} number {i}" for i in range(num_prompts)]
    rows = range(start, start + num_rows)
    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "text": datasets.Value("string"),
            "prompt": datasets.Value("string"),
            "label": datasets.ClassLabel(names=["neg", "pos"]),
        }
    )
    return datasets.Dataset.from_dict(
        {
            "id": [f"row-{i:04d}" for i in rows],
            "text": [f"text of row {i}" for i in rows],
            "prompt": [prompts[i % num_prompts] for i in rows],
            "label": [i % 2 for i in rows],
        },
        features=features,
    )


@pytest.fixture(scope="module")
def pipeline():
    return get_tiny_text_to_image_pipeline()


@pytest.fixture(scope="module")
def pipeline_dir(tmp_path_factory, pipeline):
    path = tmp_path_factory.mktemp("tiny-generator")
    pipeline.save_pretrained(path)
    return path


@contextmanager
def count_prompts():
    """Patch the pipeline class to record the prompts of every call (the real pipeline still runs)."""
    calls: list[list[str]] = []
    original = StableDiffusionPipeline.__call__

    def spy(self, *args, **kwargs):
        calls.append(list(kwargs["prompt"]))
        return original(self, *args, **kwargs)

    with mock.patch.object(StableDiffusionPipeline, "__call__", spy):
        yield calls


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


def image_bytes(dataset: datasets.Dataset) -> dict[str, bytes]:
    raw = dataset.cast_column("image", datasets.Image(decode=False))
    return {row["id"]: row["image"]["bytes"] for row in raw}


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def shard_files(output_dir: Path) -> list[Path]:
    return sorted((output_dir / "data").glob("*.parquet"))



def subprocess_env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "CUDA_VISIBLE_DEVICES": "",
        "HF_HUB_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",
    }


def test_prompt_seed_is_a_stable_hash_of_seed_and_prompt():
    # Fixed values: a change here changes every image of every published dataset.
    assert prompt_seed(0, "a red castle") == 7161366601092572346
    assert prompt_seed(1, "a red castle") == 889784430432459891
    assert prompt_seed(0, "a red castle ") != prompt_seed(0, "a red castle")
    import hashlib

    seed, prompt = 0, "a red castle"
    assert eval(SEED_RULE, {"sha256": hashlib.sha256, "seed": seed, "prompt": prompt}) == prompt_seed(seed, prompt)


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
    assert all(path.name.startswith("train-00000-of-00001-") for path in shard_files(tmp_path / "out"))

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
        generated = generate_privileged_images(prepared, pipeline, tmp_path / "out", batch_size=3, **FAST)
    prompts = [prompt for call in calls for prompt in call]
    # 4 distinct prompts in train; validation's rows 10-12 repeat train prompts 2, 3, 0: nothing new.
    assert sorted(prompts) == sorted(set(prepared["train"]["prompt"]))
    train, validation = image_bytes(generated["train"]), image_bytes(generated["validation"])
    assert train["row-0000"] == train["row-0004"] == train["row-0008"] == validation["row-0012"]
    assert train["row-0002"] == validation["row-0010"] and train["row-0000"] != train["row-0001"]
    assert generated["validation"]["seed"] == [prompt_seed(0, p) for p in prepared["validation"]["prompt"]]


def test_rerun_generates_only_missing_rows(pipeline, tmp_path):
    prepared = make_prepared(12)
    output_dir = tmp_path / "out"
    first = generate_privileged_images(prepared, pipeline, output_dir, batch_size=2, shard_size=4, **FAST)
    shards = shard_files(output_dir)
    assert len(shards) == 3

    with count_prompts() as calls:
        again = generate_privileged_images(prepared, pipeline, output_dir, batch_size=2, shard_size=4, **FAST)
    assert calls == [] and shard_files(output_dir) == shards
    assert image_bytes(again) == image_bytes(first)

    lost = datasets.Dataset.from_parquet(str(shards[1]))["prompt"]
    shards[1].unlink()
    with count_prompts() as calls:
        resumed = generate_privileged_images(prepared, pipeline, output_dir, batch_size=2, shard_size=4, **FAST)
    assert sorted(p for call in calls for p in call) == sorted(lost)
    assert resumed["id"] == prepared["id"]
    assert image_bytes(resumed) == image_bytes(first)  # same batches as the first run: bit-identical


GENERATE_SCRIPT = """
import sys, time
import datasets, torch
from diffusers import StableDiffusionPipeline
from lugpi_hf.image_generation import generate_privileged_images
from lugpi_hf.testing import get_tiny_text_to_image_pipeline

dataset_dir, output_dir, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])
if delay:
    original = StableDiffusionPipeline.__call__
    def slow_call(self, *args, **kwargs):
        time.sleep(delay)
        return original(self, *args, **kwargs)
    StableDiffusionPipeline.__call__ = slow_call
generate_privileged_images(
    datasets.load_from_disk(dataset_dir), get_tiny_text_to_image_pipeline(), output_dir,
    batch_size=2, shard_size=4, num_inference_steps=2, image_size=None, image_format="png", show_progress=False,
)
"""


def test_killed_generation_resumes_to_the_uninterrupted_result(pipeline, tmp_path):
    prepared = make_prepared(24)
    prepared.save_to_disk(tmp_path / "prepared")
    script = tmp_path / "generate.py"
    script.write_text(GENERATE_SCRIPT)
    output_dir = tmp_path / "killed"

    process = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "prepared"), str(output_dir), "0.3"],
        env=subprocess_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while len(shard_files(output_dir)) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate()
    assert process.returncode == -signal.SIGKILL, stderr.decode()[-2000:]
    written = len(shard_files(output_dir))
    assert 2 <= written < 6  # killed mid-run: 24 rows make 6 shards of 4

    with count_prompts() as calls:
        resumed = generate_privileged_images(prepared, pipeline, output_dir, batch_size=2, shard_size=4, **FAST)
    assert len([p for call in calls for p in call]) == 24 - 4 * written
    reference = generate_privileged_images(
        prepared, pipeline, tmp_path / "reference", batch_size=2, shard_size=4, **FAST
    )
    assert resumed["id"] == prepared["id"]
    assert image_bytes(resumed) == image_bytes(reference)
    on_disk = load_dataset_dict(output_dir)["train"]
    assert sorted(on_disk["id"]) == sorted(prepared["id"])  # every id exactly once
    assert not list(output_dir.rglob(".*.tmp"))


def test_accelerate_two_processes_equal_one(pipeline, tmp_path):
    # `accelerate launch --cpu` starts one process whatever --num_processes says (accelerate 1.15); two CPU
    # processes come from --multi_gpu on a machine without GPUs, as one gloo group.
    prepared = make_prepared(11, num_prompts=9)
    prepared.save_to_disk(tmp_path / "prepared")
    script = tmp_path / "generate.py"
    script.write_text(GENERATE_SCRIPT)
    launch = "-m accelerate.commands.launch --multi_gpu --num_processes 2 --num_machines 1 --mixed_precision no"
    command = [sys.executable, *launch.split(), "--dynamo_backend", "no", "--main_process_port", str(free_port())]
    command += [str(script), str(tmp_path / "prepared"), str(tmp_path / "two"), "0"]
    result = subprocess.run(command, env=subprocess_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    names = [path.name for path in shard_files(tmp_path / "two")]
    assert any("-00000-of-00002-" in name for name in names) and any("-00001-of-00002-" in name for name in names)

    one = generate_privileged_images(prepared, pipeline, tmp_path / "one", batch_size=2, shard_size=4, **FAST)
    two = load_dataset_dict(tmp_path / "two")["train"]
    assert sorted(two["id"]) == sorted(prepared["id"])
    assert image_bytes(two) == image_bytes(one)


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
            lambda d: d.map(lambda r, i: {"prompt": "  " if i == 2 else r["prompt"]}, with_indices=True),
            "column 'prompt', row 2 (id 'row-0002'): empty prompt",
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
    # A shard copied from elsewhere is caught by its own recorded settings, manifest or not.
    foreign = tmp_path / "foreign"
    generate_privileged_images(prepared, pipeline, foreign, seed=5, **FAST)
    (foreign / "generation_settings.json").unlink()
    copied = output_dir / "data" / shard_files(foreign)[0].name
    copied.write_bytes(shard_files(foreign)[0].read_bytes())
    with pytest.raises(
        ValueError, match=rf"{copied.name}: shard generated with other settings \(seed: 5 there, 0 here"
    ):
        generate_privileged_images(prepared, pipeline, output_dir, **FAST)
    copied.unlink()
    # Rows of another dataset, or rows whose prompt changed since, are not silently kept.
    with pytest.raises(ValueError, match="holds id 'row-0000', which split 'train' does not have"):
        generate_privileged_images(make_prepared(4, start=100), pipeline, output_dir, **FAST)
    edited = prepared.map(lambda r: {"prompt": r["prompt"] + " at dawn"})
    with pytest.raises(ValueError, match="id 'row-0000' was generated from another prompt"):
        generate_privileged_images(edited, pipeline, output_dir, **FAST)
    assert {path: path.read_bytes() for path in output_dir.rglob("*") if path.is_file()} == before


def test_long_prompts_cut_to_the_token_limit_with_one_warning(pipeline, tmp_path, caplog):
    long_prompt = " ".join(["the red castle by the sea at night"] * 20)
    tokenizer = pipeline.tokenizer
    cut, count = truncate_prompts(["a dog", long_prompt], tokenizer)
    assert count == 1 and cut[0] == "a dog"
    assert long_prompt.startswith(cut[1]) and len(cut[1]) < len(long_prompt)
    assert len(tokenizer(cut[1]).input_ids) <= tokenizer.model_max_length
    assert len(tokenizer(cut[1] + " castle").input_ids) > tokenizer.model_max_length  # nothing more would fit

    prepared = datasets.Dataset.from_dict({"id": [1, 2, 3], "prompt": [long_prompt, long_prompt + " again", "a dog"]})
    with count_prompts() as calls, caplog.at_level(logging.WARNING, logger="lugpi_hf"):
        generated = generate_privileged_images(prepared, pipeline, tmp_path / "out", batch_size=3, **FAST)
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("lugpi_hf")]
    assert len(warnings) == 1 and "2 of 3 prompts exceed the generator's 75-token limit" in warnings[0]
    assert calls == [[cut[1], cut[1], "a dog"]]
    assert generated["prompt"] == prepared["prompt"]  # the stored prompt keeps the full text
    assert generated["seed"][0] != generated["seed"][1]  # seeds follow the full prompts


def test_presets_match_the_documented_settings(pipeline, tmp_path):
    preset_choices = typing.get_args(typing.get_args(typing.get_type_hints(LugpiGenerationArguments)["preset"])[0])
    assert set(GENERATION_PRESETS) == set(preset_choices)  # the CLI's choices
    expected = {
        "paper": ("stabilityai/stable-diffusion-2", 768, 50, 7.5, None),
        "fast": ("stabilityai/stable-diffusion-2-base", 512, 20, 7.5, "DPMSolverMultistepScheduler"),
        "turbo": ("stabilityai/sd-turbo", 512, 1, 0.0, None),
    }
    for name, values in expected.items():
        preset = GENERATION_PRESETS[name]
        assert (preset.generator, preset.resolution, preset.num_inference_steps, preset.guidance_scale,
                preset.scheduler) == values  # fmt: skip
    assert GENERATION_PRESETS["fast"].scheduler_kwargs == {"algorithm_type": "dpmsolver++"}

    # A preset on a given pipeline: its scheduler and guidance apply, explicit arguments win.
    fast_pipeline = get_tiny_text_to_image_pipeline()
    generated = generate_privileged_images(
        make_prepared(2), fast_pipeline, tmp_path / "out", preset="fast", resolution=32, **FAST
    )
    assert isinstance(fast_pipeline.scheduler, DPMSolverMultistepScheduler)
    assert fast_pipeline.scheduler.config.algorithm_type == "dpmsolver++"
    settings = read_generation_settings(tmp_path / "out")
    assert settings["preset"] == "fast" and settings["scheduler"] == "DPMSolverMultistepScheduler"
    assert settings["guidance_scale"] == 7.5
    assert (settings["num_inference_steps"], settings["resolution"]) == (2, 32)
    assert generated[0]["image"].size == (32, 32)
    with pytest.raises(ValueError, match="Unknown preset 'slow'"):
        generate_privileged_images(make_prepared(2), pipeline, tmp_path / "x", preset="slow")


def test_stored_image_size_and_jpeg(pipeline, tmp_path):
    generated = generate_privileged_images(
        make_prepared(2), pipeline, tmp_path / "out", **{**FAST, "image_size": 16, "image_format": "jpeg"}
    )
    image = generated[0]["image"]
    assert image.format == "JPEG" and image.size == (16, 16)


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
    assert sorted(loaded["train"]["id"]) == prepared["train"]["id"]
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


def test_trainer_script(pipeline_dir, tmp_path):
    sys.path.insert(0, str(REPO_ROOT / "trainers"))
    try:
        import generate_images
    finally:
        sys.path.pop(0)
    make_prepared(3).save_to_disk(tmp_path / "prepared")
    (args,) = generate_images.make_parser().parse_args_into_dataclasses(
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
        ]
    )
    generated = generate_images.main(args)
    assert generated["train"]["id"] == make_prepared(3)["id"]
    assert generated["train"][0]["image"].size == (32, 32)  # --image_size 0 keeps the generated size


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
    assert SEED_RULE in text and "### Prompt preprocessing" in text and "75 tokens" in text
    assert "| train | 2 |" in text and "--num-inference-steps 2" in text

    paper = {**settings, "preset": "paper", "generator": "stabilityai/stable-diffusion-2", "resolution": 768}
    text = str(make_generated_dataset_card(paper, {"train": 25_000}))
    assert "[`stabilityai/stable-diffusion-2`](https://huggingface.co/stabilityai/stable-diffusion-2)" in text
    assert "`paper`: The paper's generator" in text and "768x768 px" in text and "10K<n<100K" in text

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
from lugpi_hf.image_generation import SEED_RULE, push_generated_dataset

push_generated_dataset({str(tmp_path / "out")!r}, {repo_id!r}, source_dataset="stanfordnlp/imdb")
pulled = datasets.load_dataset({repo_id!r})
assert sorted(pulled) == ["train", "validation"], pulled
assert isinstance(pulled["train"].features["image"], datasets.Image)
print(sorted(pulled["train"]["id"]), pulled["train"][0]["image"].size)
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
    assert f"{sorted(generated['train']['id'])} (32, 32)" in result.stdout and "PUSHED-AND-PULLED" in result.stdout
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
    assert sorted(pushed["id"]) == make_prepared(3)["id"] and isinstance(pushed.features["image"], datasets.Image)
    card = DatasetCard.load(repo_id)
    assert SEED_RULE in card.text and "dataset_info" in card.data.to_dict()
