# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
Throughput and memory of stage 2 (privileged image generation). Results go in benchmarks/RESULTS.md.

CPU, tiny pipeline (`lugpi_hf.testing`), always:
  - images/s of `generate_privileged_images` (batched, Parquet shards) vs a naive loop that calls the pipeline
    once per prompt and saves each image to a file (the paper's way), in the same run;
  - peak RSS for 1,000 vs 10,000 prompts, each size in a fresh subprocess (`ru_maxrss`); target <= 1.2x.
GPU, only when CUDA is available: the real SD 2 base and SD-Turbo UNet / VAE / text-encoder architectures, built
from their published configs with random weights (the cost per image does not depend on the weights), 512x512,
bf16: images/s of `generate_privileged_images` (SD 2 base: DPM-Solver++ 25 steps; SD-Turbo: 1 step, no guidance)
vs a naive fp32 batch-1 loop. Targets on one H100: >= 4 images/s (SD 2 base), >= 30 images/s (SD-Turbo), >= 5x
the naive loop.

    python benchmarks/bench_generation.py                      # every part this machine can run
    python benchmarks/bench_generation.py --part cpu-throughput
    python benchmarks/bench_generation.py --part cpu-memory
    python benchmarks/bench_generation.py --part gpu [--compile]
    python benchmarks/bench_generation.py --part check-gpu-architectures   # builds them on CPU, 1 tiny step
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

WORDS = "red blue green castle dog sea movie story night city forest river cat bird tree sun".split()


def distinct_prompts(count: int) -> list[str]:
    return [f"a {WORDS[i % 16]} {WORDS[(i // 16) % 16]} {WORDS[(i // 256) % 16]} number {i}" for i in range(count)]


def prepared_dataset(count: int):
    import datasets

    return datasets.Dataset.from_dict(
        {"id": [f"row-{i:06d}" for i in range(count)], "prompt": distinct_prompts(count)}
    )


def naive_loop(pipeline, prompts: list[str], directory: Path, **call_kwargs) -> float:
    """One pipeline call per prompt, each image saved to its own file: images/s."""
    import torch

    directory.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for index, prompt in enumerate(prompts):
        generator = torch.Generator("cpu").manual_seed(index)
        image = pipeline(prompt, generator=generator, **call_kwargs).images[0]
        image.save(directory / f"{index:06d}.png")
    synchronize()
    return len(prompts) / (time.perf_counter() - start)


def batched(pipeline, prompts_count: int, directory: Path, **kwargs) -> float:
    """`generate_privileged_images` over `prompts_count` distinct prompts: images/s, shards and final load included."""
    from lugpi_hf.image_generation import generate_privileged_images

    dataset = prepared_dataset(prompts_count)
    start = time.perf_counter()
    generate_privileged_images(dataset, pipeline, directory, show_progress=False, **kwargs)
    synchronize()
    return prompts_count / (time.perf_counter() - start)


def synchronize() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def cpu_throughput(args) -> dict:
    import torch

    from lugpi_hf.testing import get_tiny_text_to_image_pipeline

    torch.set_num_threads(args.cpu_threads)
    pipeline = get_tiny_text_to_image_pipeline()
    pipeline.set_progress_bar_config(disable=True)
    steps = 2
    kwargs = {
        "batch_size": args.cpu_batch_size,
        "num_inference_steps": steps,
        "image_size": None,
        "image_format": "png",
    }
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # Warm-up: first calls build the CPU kernels for each shape.
        batched(pipeline, 64, tmp / "warm", **kwargs)
        naive_loop(pipeline, distinct_prompts(8), tmp / "warm-naive", num_inference_steps=steps)
        rate_naive = naive_loop(pipeline, distinct_prompts(args.cpu_prompts), tmp / "naive", num_inference_steps=steps)
        rate_batched = batched(pipeline, args.cpu_prompts, tmp / "batched", **kwargs)
    return {
        "part": "cpu-throughput",
        "prompts": args.cpu_prompts,
        "steps": steps,
        "batch_size": args.cpu_batch_size,
        "threads": args.cpu_threads,
        "naive_images_per_s": round(rate_naive, 1),
        "batched_images_per_s": round(rate_batched, 1),
        "speedup": round(rate_batched / rate_naive, 2),
    }


def memory_child(rows: int) -> dict:
    """Run in a fresh process: peak RSS of one generation of `rows` distinct prompts."""
    import torch

    from lugpi_hf.image_generation import generate_privileged_images
    from lugpi_hf.testing import get_tiny_text_to_image_pipeline

    torch.set_num_threads(1)
    pipeline = get_tiny_text_to_image_pipeline()
    dataset = prepared_dataset(rows)
    kwargs = {"batch_size": 64, "num_inference_steps": 1, "show_progress": False}
    with tempfile.TemporaryDirectory() as tmp:
        # Warm up on a few rows so the baseline holds the kernels too.
        generate_privileged_images(dataset.select(range(64)), pipeline, Path(tmp) / "warm", **kwargs)
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        # Stored as 256-px PNG (about 85 KB each): holding every image would add about 0.8 GB at 10,000 rows.
        generated = generate_privileged_images(
            dataset, pipeline, Path(tmp) / "out", image_size=256, image_format="png", **kwargs
        )
        seconds = time.perf_counter() - start
        on_disk = sum(path.stat().st_size for path in (Path(tmp) / "out" / "data").glob("*.parquet"))
        assert generated.num_rows == rows
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": rows,
        "baseline_mb": baseline / 1024,
        "peak_mb": peak / 1024,
        "seconds": seconds,
        "parquet_mb": on_disk / 2**20,
    }


def cpu_memory(args) -> dict:
    results = {}
    for rows in args.memory_rows:
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "HF_DATASETS_CACHE": cache, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
            output = subprocess.run(
                [sys.executable, __file__, "--memory-child", str(rows)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        results[rows] = json.loads(output.strip().splitlines()[-1])
    small, large = (results[rows] for rows in args.memory_rows)
    return {
        "part": "cpu-memory",
        "runs": list(results.values()),
        "peak_ratio": round(large["peak_mb"] / small["peak_mb"], 3),
        "growth_above_baseline_mb": [round(r["peak_mb"] - r["baseline_mb"], 1) for r in results.values()],
    }


def sd2_architecture(kind: str, device: str, dtype):
    """A `StableDiffusionPipeline` with the SD 2 base / SD-Turbo architectures and random weights."""
    import torch
    from diffusers import (
        AutoencoderKL,
        DPMSolverMultistepScheduler,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel

    from lugpi_hf.testing import get_tiny_clip_tokenizer

    # Its ids all fall inside CLIP's 49,408-token vocabulary; tokenizing costs the same.
    tokenizer = get_tiny_clip_tokenizer()
    with torch.device(device):
        torch.manual_seed(0)
        unet = UNet2DConditionModel(
            sample_size=64,
            in_channels=4,
            out_channels=4,
            layers_per_block=2,
            block_out_channels=(320, 640, 1280, 1280),
            down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
            up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
            attention_head_dim=(5, 10, 20, 20),
            cross_attention_dim=1024,
            use_linear_projection=True,
            norm_num_groups=32,
        )
        vae = AutoencoderKL(
            in_channels=3,
            out_channels=3,
            down_block_types=("DownEncoderBlock2D",) * 4,
            up_block_types=("UpDecoderBlock2D",) * 4,
            block_out_channels=(128, 256, 512, 512),
            layers_per_block=2,
            latent_channels=4,
            sample_size=512,
            scaling_factor=0.18215,
        )
        text_encoder = CLIPTextModel(
            CLIPTextConfig(
                hidden_size=1024,
                intermediate_size=4096,
                num_hidden_layers=23,
                num_attention_heads=16,
                hidden_act="gelu",
                max_position_embeddings=77,
                vocab_size=49408,
                projection_dim=512,
                bos_token_id=tokenizer.bos_token_id,
                eos_token_id=tokenizer.eos_token_id,
                pad_token_id=tokenizer.pad_token_id,
            )
        )
    betas = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1)
    if kind == "sd2-base":
        scheduler = DPMSolverMultistepScheduler(**betas, algorithm_type="dpmsolver++")
    else:
        scheduler = EulerDiscreteScheduler(**betas, timestep_spacing="trailing")
    pipeline = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipeline.set_progress_bar_config(disable=True)
    pipeline.to(device)
    # Built in fp32; `.to(dtype)` warns even when it changes nothing.
    return pipeline if dtype == torch.float32 else pipeline.to(dtype=dtype)


GPU_RUNS = {
    # kind: (steps, guidance, batch size, prompts batched, prompts naive)
    "sd2-base": (25, 7.5, 16, 128, 4),
    "sd-turbo": (1, 0.0, 32, 512, 16),
}


def gpu(args) -> dict:
    import torch

    results = []
    for kind, (steps, guidance, batch_size, prompts, naive_prompts) in GPU_RUNS.items():
        settings = dict(num_inference_steps=steps, guidance_scale=guidance)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            pipeline = sd2_architecture(kind, "cuda", torch.bfloat16)
            kwargs = dict(batch_size=batch_size, resolution=512, image_size=256, compile=args.compile, **settings)
            batched(pipeline, batch_size * 2, tmp / "warm", **kwargs)
            rate = batched(pipeline, prompts, tmp / "bf16", **kwargs)
            del pipeline
            torch.cuda.empty_cache()
            naive = sd2_architecture(kind, "cuda", torch.float32)
            call = dict(height=512, width=512, **settings)
            naive_loop(naive, distinct_prompts(2), tmp / "warm-naive", **call)
            naive_rate = naive_loop(naive, distinct_prompts(naive_prompts), tmp / "naive", **call)
            del naive
            torch.cuda.empty_cache()
        results.append(
            {
                "kind": kind,
                "steps": steps,
                "batch_size": batch_size,
                "compile": args.compile,
                "bf16_batched_images_per_s": round(rate, 2),
                "fp32_batch1_images_per_s": round(naive_rate, 2),
                "speedup": round(rate / naive_rate, 2),
            }
        )
    return {"part": "gpu", "device": torch.cuda.get_device_name(), "runs": results}


def check_gpu_architectures(args) -> dict:
    """Build the real architectures on CPU and run one 64x64 step: checks the GPU part's wiring without a GPU."""
    import torch

    torch.set_num_threads(args.cpu_threads)
    checked = {}
    for kind, (_, guidance, _, _, _) in GPU_RUNS.items():
        pipeline = sd2_architecture(kind, "cpu", torch.float32)
        parameters = {
            name: sum(p.numel() for p in getattr(pipeline, name).parameters())
            for name in ("unet", "vae", "text_encoder")
        }
        image = pipeline("a red castle", num_inference_steps=1, guidance_scale=guidance, height=64, width=64).images[0]
        checked[kind] = {"parameters": parameters, "image_size": list(image.size)}
        del pipeline
    return {"part": "check-gpu-architectures", "architectures": checked}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--part", choices=("all", "cpu-throughput", "cpu-memory", "gpu", "check-gpu-architectures"), default="all"
    )
    parser.add_argument("--cpu-prompts", type=int, default=256)
    parser.add_argument("--cpu-batch-size", type=int, default=32)
    parser.add_argument(
        "--cpu-threads",
        type=int,
        default=1,
        help="torch threads on CPU (1: the tiny kernels gain nothing from more, and a shared "
        "machine makes OpenMP threads spin)",
    )
    parser.add_argument("--memory-rows", type=int, nargs=2, default=[1_000, 10_000])
    parser.add_argument("--compile", action="store_true", help="GPU part: torch.compile the UNet")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()

    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child)))
        return

    import torch

    parts = [args.part] if args.part != "all" else ["cpu-throughput", "cpu-memory", "gpu"]
    runners = {
        "cpu-throughput": cpu_throughput,
        "cpu-memory": cpu_memory,
        "gpu": gpu,
        "check-gpu-architectures": check_gpu_architectures,
    }
    results = []
    for part in parts:
        if part == "gpu" and not torch.cuda.is_available():
            print("gpu: skipped (CUDA is not available)")
            continue
        result = runners[part](args)
        print(json.dumps(result, indent=2))
        results.append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
