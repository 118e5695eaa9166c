# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
Peak memory of one training step of a real-size LUGPI teacher, with and without gradient checkpointing.

The teacher has the paper's architecture, built from configs with random weights (nothing is downloaded):
DistilBERT-base text encoder (6 layers, width 768) + ViT-B/16 image encoder (12 layers, width 768, 224x224
images, 197 tokens), one fusion block (8 heads), the two-layer head. One step is the paper's batch of 14 rows at
512 tokens: forward, backward and an AdamW update. Each variant runs in a fresh subprocess, so its peak resident
set size (`ru_maxrss`) is its own; target: at least 30% lower with checkpointing.

    # CPU (a few minutes on 2 cores)
    PYTHONPATH=$PWD python benchmarks/bench_teacher_memory.py --json /tmp/teacher_memory.json

    # GPU: peak allocated CUDA memory instead of RSS
    PYTHONPATH=$PWD python benchmarks/bench_teacher_memory.py --device cuda
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time


VARIANTS = ("plain", "checkpointing")


def _rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_variant(variant: str, device: str, batch_size: int, text_length: int, fusion_layers: int) -> dict:
    """One training step in this process; returns its memory figures (MiB) and timings."""
    import torch
    from transformers import DistilBertConfig, ViTConfig, set_seed

    from lugpi_hf import LugpiConfig, LugpiMultimodalForSequenceClassification

    set_seed(0)
    config = LugpiConfig(
        text_config=DistilBertConfig(),  # distilbert-base-uncased's architecture
        vision_config=ViTConfig(),  # ViT-B/16 at 224x224, as google/vit-base-patch16-224-in21k
        fusion_layers=fusion_layers,
        num_labels=2,
    )
    model = LugpiMultimodalForSequenceClassification(config).to(device).train()
    if variant == "checkpointing":
        model.activation_checkpointing_enable()
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5)
    generator = torch.Generator().manual_seed(0)
    inputs = {
        "input_ids": torch.randint(1000, config.text_config.vocab_size, (batch_size, text_length), generator=generator),
        "attention_mask": torch.ones(batch_size, text_length, dtype=torch.long),
        "pixel_values": torch.randn(batch_size, 3, 224, 224, generator=generator),
        "labels": torch.randint(0, 2, (batch_size,), generator=generator),
    }
    inputs = {key: value.to(device) for key, value in inputs.items()}
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated() / 2**20
    else:
        before = _rss_mib()

    start = time.perf_counter()
    loss = model(**inputs).loss
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    if device == "cuda":
        torch.cuda.synchronize()
        peak = torch.cuda.max_memory_allocated() / 2**20
    else:
        peak = _rss_mib()
    return {
        "variant": variant,
        "peak_mib": round(peak, 1),
        "before_step_mib": round(before, 1),
        "step_increase_mib": round(peak - before, 1),
        "step_seconds": round(time.perf_counter() - start, 1),
        "parameters_millions": round(sum(p.numel() for p in model.parameters()) / 1e6, 1),
        "loss": round(float(loss), 4),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--batch_size", type=int, default=14)
    parser.add_argument("--text_length", type=int, default=512)
    parser.add_argument("--fusion_layers", type=int, default=1)
    parser.add_argument("--variant", choices=VARIANTS, help="Run one variant in this process (used internally).")
    parser.add_argument("--json", help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    sizes = (args.device, args.batch_size, args.text_length, args.fusion_layers)

    if args.variant:
        print(json.dumps(run_variant(args.variant, *sizes)))
        return {}

    results = []
    for variant in VARIANTS:
        command = [sys.executable, __file__, "--variant", variant, "--device", args.device,
                   "--batch_size", str(args.batch_size), "--text_length", str(args.text_length),
                   "--fusion_layers", str(args.fusion_layers)]  # fmt: skip
        completed = subprocess.run(command, capture_output=True, text=True, check=True)
        results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]))
    plain, checkpointing = results
    summary = {
        "machine": f"{platform.processor() or platform.machine()}, {platform.system()}",
        "python": platform.python_version(),
        "device": args.device,
        "batch_size": args.batch_size,
        "text_length": args.text_length,
        "results": results,
        "peak_reduction": round(1 - checkpointing["peak_mib"] / plain["peak_mib"], 3),
        "step_increase_reduction": round(1 - checkpointing["step_increase_mib"] / plain["step_increase_mib"], 3),
        "target_peak_reduction": 0.30,
    }
    summary["meets_target"] = summary["peak_reduction"] >= summary["target_peak_reduction"]
    print(json.dumps(summary, indent=2))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(summary, handle, indent=2)
    return summary


if __name__ == "__main__":
    main()
