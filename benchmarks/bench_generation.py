# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
Throughput and memory of stage 2 (privileged image generation). Results go in benchmarks/RESULTS.md.

CPU, always:
  - overlap: a simulated accelerator (a pipeline subclass whose call sleeps 10 ms per image, leaving the host free,
    and returns 512x512 images as tensors) through `generate_privileged_images` with the default storage (256-px
    JPEG), against the pipeline's own images/s, side by side in one run; target >= 0.95;
  - images/s of `generate_privileged_images` on the tiny pipeline vs a naive loop (one prompt per call, one file per
    image), in the same run;
  - peak RSS for 1,000 vs 10,000 prompts, each size in a fresh subprocess (`ru_maxrss`); target <= 1.2x.
GPU, only when CUDA is available: the real SD-Turbo, SDXL-Turbo and SD 2 base architectures, built from their
published configs with random weights (the cost per image does not depend on the weights), 512x512, bf16: images/s
through `generate_privileged_images` vs a naive diffusers loop (batch 1, PIL, one file per image), and the GPU's
busy fraction (the pipeline's own images/s over lugpi's, and NVML utilisation when available). First bars on one
H100/H200: SD-Turbo 1 step >= 50 images/s, SD 2 base 25 steps with guidance >= 8 images/s.

    python benchmarks/bench_generation.py                      # every part this machine can run
    python benchmarks/bench_generation.py --part overlap
    python benchmarks/bench_generation.py --part cpu-throughput
    python benchmarks/bench_generation.py --part cpu-memory
    python benchmarks/bench_generation.py --part gpu [--compile]
    python benchmarks/bench_generation.py --part check-gpu-architectures   # parameter counts, on the meta device
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
    from lugpi_hf.generation import generate_privileged_images

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

    from lugpi_hf.generation import generate_privileged_images
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


def simulated_accelerator(seconds_per_image: float, size: int = 512):
    """
    The tiny pipeline's components behind a `__call__` that sleeps `seconds_per_image` per image (time.sleep releases
    the GIL, as a GPU kernel leaves the host free) and returns `size`x`size` images as a tensor in [0, 1]: smooth
    random pictures, so JPEG costs what it costs on real images.
    """
    import torch
    from diffusers import StableDiffusionPipeline
    from diffusers.pipelines.stable_diffusion import StableDiffusionPipelineOutput

    from lugpi_hf.testing import get_tiny_text_to_image_pipeline

    cache: dict[int, torch.Tensor] = {}

    class SimulatedAccelerator(StableDiffusionPipeline):
        def __call__(self, prompt=None, num_inference_steps: int = 1, guidance_scale: float = 0.0, height=None,
                     width=None, generator=None, output_type: str = "pil", negative_prompt_embeds=None):  # fmt: skip
            count = len(prompt)
            time.sleep(seconds_per_image * count)
            if count not in cache:
                torch.manual_seed(count)
                low = torch.rand(count, 3, size // 32, size // 32)
                cache[count] = torch.nn.functional.interpolate(low, size=(size, size), mode="bicubic").clamp(0, 1)
            return StableDiffusionPipelineOutput(images=cache[count], nsfw_content_detected=None)

    tiny = get_tiny_text_to_image_pipeline()
    pipeline = SimulatedAccelerator(**tiny.components, requires_safety_checker=False)
    pipeline.set_progress_bar_config(disable=True)
    return pipeline


def overlap(args) -> dict:
    """lugpi's images/s against the pipeline's own, for a simulated accelerator, alternating within one run."""
    import statistics

    import torch

    torch.set_num_threads(1)
    pipeline = simulated_accelerator(args.seconds_per_image)
    prompts = distinct_prompts(args.overlap_prompts)
    batch = args.overlap_batch_size

    def own() -> float:
        start = time.perf_counter()
        for index in range(0, len(prompts), batch):
            pipeline(prompt=prompts[index : index + batch], output_type="pt")
        return len(prompts) / (time.perf_counter() - start)

    def cpu_seconds() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        batched(pipeline, batch * 4, Path(tmp) / "warm", batch_size=batch)
        for repeat in range(args.repeats):
            load = os.getloadavg()[0]
            rate_own = own()
            # Default storage settings: 256-px JPEG (quality 95), resized from 512 px.
            cpu = cpu_seconds()
            rate_lugpi = batched(pipeline, len(prompts), Path(tmp) / f"run-{repeat}", batch_size=batch)
            cpu = cpu_seconds() - cpu
            runs.append(
                {
                    "pipeline_images_per_s": round(rate_own, 1),
                    "lugpi_images_per_s": round(rate_lugpi, 1),
                    "ratio": round(rate_lugpi / rate_own, 3),
                    "host_cpu_ms_per_image": round(1000 * cpu / len(prompts), 2),
                    "load_average": round(load, 1),
                }
            )
    return {
        "part": "overlap",
        "prompts": len(prompts),
        "batch_size": batch,
        "seconds_per_image": args.seconds_per_image,
        "generated_size": 512,
        "stored": "256 px JPEG quality 95",
        "cpu_count": os.cpu_count(),
        "runs": runs,
        "median_ratio": round(statistics.median(run["ratio"] for run in runs), 3),
    }


def _clip_text_model(hidden, layers, heads, intermediate, act, projection, tokenizer, with_projection=False):
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    config = CLIPTextConfig(
        hidden_size=hidden, intermediate_size=intermediate, num_hidden_layers=layers, num_attention_heads=heads,
        hidden_act=act, max_position_embeddings=77, vocab_size=49408, projection_dim=projection,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )  # fmt: skip
    return (CLIPTextModelWithProjection if with_projection else CLIPTextModel)(config)


def _vae(scaling_factor: float):
    from diffusers import AutoencoderKL

    return AutoencoderKL(
        in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4, block_out_channels=(128, 256, 512, 512), layers_per_block=2,
        latent_channels=4, sample_size=512, scaling_factor=scaling_factor,
    )  # fmt: skip


def real_architecture(kind: str, device: str, dtype):
    """
    A pipeline with the published architecture of SD 2 base / SD-Turbo (SD 2.1 base) or SDXL-Turbo (SDXL), random
    weights. Configs: the Hub's unet/, vae/, text_encoder/ (and text_encoder_2/) config.json of those checkpoints.
    """
    import torch
    from diffusers import (
        DPMSolverMultistepScheduler,
        EulerAncestralDiscreteScheduler,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        StableDiffusionXLPipeline,
        UNet2DConditionModel,
    )

    from lugpi_hf.testing import get_tiny_clip_tokenizer

    # Its ids all fall inside CLIP's 49,408-token vocabulary; tokenizing costs the same.
    tokenizer = get_tiny_clip_tokenizer()
    betas = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1)
    with torch.device(device):
        torch.manual_seed(0)
        if kind == "sdxl-turbo":
            unet = UNet2DConditionModel(
                sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
                block_out_channels=(320, 640, 1280),
                down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
                up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
                transformer_layers_per_block=(1, 2, 10), attention_head_dim=(5, 10, 20), cross_attention_dim=2048,
                use_linear_projection=True, addition_embed_type="text_time", addition_time_embed_dim=256,
                projection_class_embeddings_input_dim=2816, norm_num_groups=32,
            )  # fmt: skip
            text_encoder = _clip_text_model(768, 12, 12, 3072, "quick_gelu", 768, tokenizer)
            text_encoder_2 = _clip_text_model(1280, 32, 20, 5120, "gelu", 1280, tokenizer, with_projection=True)
            vae = _vae(0.13025)
        else:
            unet = UNet2DConditionModel(
                sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
                block_out_channels=(320, 640, 1280, 1280),
                down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
                up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
                attention_head_dim=(5, 10, 20, 20), cross_attention_dim=1024, use_linear_projection=True,
                norm_num_groups=32,
            )  # fmt: skip
            text_encoder = _clip_text_model(1024, 23, 16, 4096, "gelu", 512, tokenizer)
            vae = _vae(0.18215)
    if kind == "sdxl-turbo":
        scheduler = EulerAncestralDiscreteScheduler(**betas, timestep_spacing="trailing")
        pipeline = StableDiffusionXLPipeline(
            vae=vae, text_encoder=text_encoder, text_encoder_2=text_encoder_2, tokenizer=tokenizer,
            tokenizer_2=get_tiny_clip_tokenizer(), unet=unet, scheduler=scheduler,
        )  # fmt: skip
    else:
        if kind == "sd2-base":
            scheduler = DPMSolverMultistepScheduler(**betas, algorithm_type="dpmsolver++")
        else:
            scheduler = EulerDiscreteScheduler(**betas, timestep_spacing="trailing")
        pipeline = StableDiffusionPipeline(
            vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet, scheduler=scheduler,
            safety_checker=None, feature_extractor=None, requires_safety_checker=False,
        )  # fmt: skip
    if device == "meta":
        return pipeline
    pipeline.set_progress_bar_config(disable=True)
    pipeline.to(device)
    # Built in fp32; `.to(dtype)` warns even when it changes nothing.
    return pipeline if dtype == torch.float32 else pipeline.to(dtype=dtype)


GPU_RUNS = {
    # kind: (steps, guidance, batch size, prompts through lugpi, prompts through the naive loop)
    "sd-turbo": (1, 0.0, 32, 1024, 32),
    "sdxl-turbo": (1, 0.0, 16, 512, 16),
    "sd2-base": (25, 7.5, 16, 128, 4),
}


class _Utilisation:
    """The GPU's utilisation (NVML, via torch.cuda.utilization) sampled every 50 ms in a thread, when available."""

    def __init__(self):
        import threading

        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import torch

        while not self._stop.wait(0.05):
            try:
                self.samples.append(torch.cuda.utilization())
            except Exception:  # no pynvml / NVML: the ratio of images/s is reported instead
                return

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def mean(self) -> float | None:
        return round(sum(self.samples) / len(self.samples) / 100, 3) if self.samples else None


def gpu(args) -> dict:
    import torch

    results = []
    for kind, (steps, guidance, batch_size, prompts, naive_prompts) in GPU_RUNS.items():
        settings = dict(num_inference_steps=steps, guidance_scale=guidance)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            pipeline = real_architecture(kind, "cuda", torch.bfloat16)
            kwargs = dict(batch_size=batch_size, resolution=512, compile=args.compile, **settings)  # 256-px JPEG
            batched(pipeline, batch_size * 2, tmp / "warm", **kwargs)
            call = dict(height=512, width=512, **settings)
            # The pipeline's own rate (tensors out, nothing stored): the GPU-bound ceiling.
            batch = distinct_prompts(batch_size)
            pipeline(prompt=batch, output_type="pt", **call)
            synchronize()
            start = time.perf_counter()
            for _ in range(max(1, prompts // batch_size // 4)):
                pipeline(prompt=batch, output_type="pt", **call)
            synchronize()
            own = max(1, prompts // batch_size // 4) * batch_size / (time.perf_counter() - start)
            with _Utilisation() as utilisation:
                rate = batched(pipeline, prompts, tmp / "lugpi", **kwargs)
            naive_loop(pipeline, distinct_prompts(2), tmp / "warm-naive", **call)
            naive_rate = naive_loop(pipeline, distinct_prompts(naive_prompts), tmp / "naive", **call)
            del pipeline
            torch.cuda.empty_cache()
        results.append(
            {
                "kind": kind,
                "steps": steps,
                "guidance": guidance,
                "batch_size": batch_size,
                "compile": args.compile,
                "lugpi_images_per_s": round(rate, 2),
                "pipeline_own_images_per_s": round(own, 2),
                "busy_fraction_from_rates": round(rate / own, 3),
                "nvml_utilisation": utilisation.mean(),
                "naive_batch1_images_per_s": round(naive_rate, 2),
                "speedup_over_naive": round(rate / naive_rate, 2),
            }
        )
    return {"part": "gpu", "device": torch.cuda.get_device_name(), "runs": results}


def check_gpu_architectures(args) -> dict:
    """Build the real architectures on the meta device (no memory, no GPU): their parameter counts."""
    checked = {}
    for kind in GPU_RUNS:
        pipeline = real_architecture(kind, "meta", None)
        names = ("unet", "vae", "text_encoder") + (("text_encoder_2",) if kind == "sdxl-turbo" else ())
        checked[kind] = {name: sum(p.numel() for p in getattr(pipeline, name).parameters()) for name in names}
    return {"part": "check-gpu-architectures", "parameters": checked}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--part",
        choices=("all", "overlap", "cpu-throughput", "cpu-memory", "gpu", "check-gpu-architectures"),
        default="all",
    )
    parser.add_argument("--overlap-prompts", type=int, default=1024)
    parser.add_argument("--overlap-batch-size", type=int, default=16)
    parser.add_argument("--seconds-per-image", type=float, default=0.010)
    parser.add_argument("--repeats", type=int, default=3)
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
    parser.add_argument("--compile", action="store_true", help="GPU part: compile the denoiser and VAE decoder")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()

    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child)))
        return

    import torch

    parts = [args.part] if args.part != "all" else ["overlap", "cpu-throughput", "cpu-memory", "gpu"]
    runners = {
        "overlap": overlap,
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
