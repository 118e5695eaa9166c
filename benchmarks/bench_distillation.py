# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
Cost of LUGPI distillation against plain fine-tuning of the same student, on the same batches.

Measures, with random weights (nothing is downloaded):
- per-step training time (collation + forward + backward + optimizer step, median over timed steps) of
  (a) plain fine-tuning with `transformers.Trainer`, (b) `LugpiDistillationTrainer` from a teacher cache,
  (c) `LugpiDistillationTrainer` with the teacher online; targets: (b) / (a) <= 1.10;
- inference latency of the distilled student against the baseline (same architecture; target 1.00 +- 0.05).

Runs are interleaved (a, b, c, a, b, c, ...) so that drift in machine load hits every condition alike.

# CPU, small models (DistilBERT-like student of width 128 and 2 layers; teacher = the same text encoder + a ViT
# of width 128 and 2 layers on 64x64 images); a few minutes on 2 cores
python benchmarks/bench_distillation.py --device cpu

# GPU (runs only where CUDA exists): DistilBERT-base-size student, DistilBERT-base + ViT-base teacher, bf16
python benchmarks/bench_distillation.py --device cuda
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

import datasets
import numpy as np
import torch
from PIL import Image
from transformers import (
    AutoModelForSequenceClassification,
    DistilBertConfig,
    DistilBertForSequenceClassification,
    DistilBertTokenizer,
    Trainer,
    TrainerCallback,
    TrainingArguments,
    ViTConfig,
    ViTImageProcessor,
)

from lugpi_hf import LugpiConfig, LugpiMultimodalForSequenceClassification, LugpiProcessor
from lugpi_hf.data_collator import LugpiDistillationCollator
from lugpi_hf.teacher_cache import build_teacher_cache
from lugpi_hf.testing import get_tiny_vocab
from lugpi_hf.trainer import LugpiDistillationTrainer
from lugpi_hf.training_args import LugpiDistillationArguments


SIZES = {
    # text: vocabulary (None: the tiny one), width, layers, heads, ffn; image size and patch; ViT width, layers, ...
    "cpu": dict(vocab=None, dim=128, n_layers=2, n_heads=4, hidden_dim=512, image=64, patch=16, vit=128, vit_layers=2,
                vit_heads=4, vit_ffn=512),  # fmt: skip
    "cuda": dict(vocab=30522, dim=768, n_layers=6, n_heads=12, hidden_dim=3072, image=224, patch=16, vit=768,
                 vit_layers=12, vit_heads=12, vit_ffn=3072),  # fmt: skip
}
LABELS = ["negative", "positive"]


class StepTimer(TrainerCallback):
    """Wall time between consecutive optimizer steps (so collation is included)."""

    def __init__(self, cuda: bool):
        self.cuda, self.times, self.last = cuda, [], None

    def _now(self):
        if self.cuda:
            torch.cuda.synchronize()
        return time.perf_counter()

    def on_train_begin(self, args, state, control, **kwargs):
        self.last = self._now()

    def on_step_end(self, args, state, control, **kwargs):
        now = self._now()
        self.times.append(now - self.last)
        self.last = now


def make_dataset(num_rows: int, words: int, image_size: int, seed: int = 0) -> datasets.Dataset:
    rng = np.random.default_rng(seed)
    vocab = [token for token in get_tiny_vocab() if token.isalpha() and len(token) > 2]
    rows = {"id": [], "text": [], "label": [], "image": []}
    for index in range(num_rows):
        rows["id"].append(f"row-{index:05d}")
        rows["text"].append(" ".join(rng.choice(vocab, size=words)))
        rows["label"].append(int(rng.integers(2)))
        rows["image"].append(Image.fromarray(rng.integers(0, 255, (image_size, image_size, 3), dtype=np.uint8)))
    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "text": datasets.Value("string"),
            "label": datasets.ClassLabel(names=LABELS),
            "image": datasets.Image(),
        }
    )
    return datasets.Dataset.from_dict(rows, features=features)


def build_models(size: dict, max_length: int):
    labels = {"id2label": dict(enumerate(LABELS)), "label2id": {name: i for i, name in enumerate(LABELS)}}
    text_config = DistilBertConfig(
        vocab_size=size["vocab"] or len(get_tiny_vocab()), dim=size["dim"], n_layers=size["n_layers"],
        n_heads=size["n_heads"], hidden_dim=size["hidden_dim"], max_position_embeddings=max_length, pad_token_id=0,
        **labels,
    )  # fmt: skip
    vision_config = ViTConfig(
        hidden_size=size["vit"], num_hidden_layers=size["vit_layers"], num_attention_heads=size["vit_heads"],
        intermediate_size=size["vit_ffn"], image_size=size["image"], patch_size=size["patch"],
    )  # fmt: skip
    torch.manual_seed(0)
    teacher = LugpiMultimodalForSequenceClassification(
        LugpiConfig(text_config=text_config, vision_config=vision_config, fusion_heads=size["n_heads"], **labels)
    )
    tokenizer = DistilBertTokenizer(vocab=get_tiny_vocab(), model_max_length=max_length)
    image_processor = ViTImageProcessor(size={"height": size["image"], "width": size["image"]})
    return text_config, teacher, tokenizer, LugpiProcessor(image_processor=image_processor, tokenizer=tokenizer)


def new_student(text_config) -> DistilBertForSequenceClassification:
    torch.manual_seed(1)
    return DistilBertForSequenceClassification(text_config)


def run_condition(name, text_config, dataset, tokenizer, workdir, common, teacher_dir, cache_dir, device, cuda):
    timer = StepTimer(cuda)
    student = new_student(text_config)
    output_dir = str(workdir / name)
    collator = LugpiDistillationCollator(tokenizer)
    if name == "plain":
        # What the baseline reads (as `lugpi baseline` does); the distillation trainer drops the rest itself.
        args = TrainingArguments(output_dir=output_dir, remove_unused_columns=False, **common)
        trainer = Trainer(model=student, args=args, train_dataset=dataset.select_columns(["text", "label"]),
                          data_collator=collator,
                          processing_class=tokenizer, callbacks=[timer])  # fmt: skip
    else:
        if name == "cache":
            teacher_kwargs = {"teacher_cache": [cache_dir]}
        else:
            teacher_kwargs = {"teacher_model_name_or_path": teacher_dir}
        args = LugpiDistillationArguments(output_dir=output_dir, **teacher_kwargs, **common)
        trainer = LugpiDistillationTrainer(model=student, args=args, train_dataset=dataset, data_collator=collator,
                                           processing_class=tokenizer, callbacks=[timer])  # fmt: skip
    trainer.train()
    trainer.save_model(output_dir)
    return timer.times, output_dir


def inference_latency(dirs: dict[str, str], tokenizer, texts, device, cuda, batch_size, iterations=100, warmup=10):
    """Median forward time of each model on one batch; the order alternates every iteration (ABBA...)."""
    models = {
        name: AutoModelForSequenceClassification.from_pretrained(path).to(device).eval() for name, path in dirs.items()
    }
    if cuda:
        models = {name: model.to(torch.bfloat16) for name, model in models.items()}
    batch = tokenizer(texts[:batch_size], padding=True, truncation=True, return_tensors="pt").to(device)
    times = {name: [] for name in models}
    names = list(models)
    with torch.inference_mode():
        for step in range(warmup + iterations):
            for name in names if step % 2 == 0 else names[::-1]:
                if cuda:
                    torch.cuda.synchronize()
                start = time.perf_counter()
                models[name](**batch)
                if cuda:
                    torch.cuda.synchronize()
                if step >= warmup:
                    times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--steps", type=int, default=20, help="Timed steps per run.")
    parser.add_argument("--warmup", type=int, default=3, help="Untimed steps at the start of each run.")
    parser.add_argument("--repeats", type=int, default=3, help="Interleaved runs per condition.")
    parser.add_argument("--batch_size", type=int, default=14, help="The paper's batch size.")
    parser.add_argument("--words", type=int, default=None, help="Words per text (default: 100 CPU, 250 GPU).")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's).")
    parser.add_argument("--output_json", default=None)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    cuda = args.device == "cuda"
    if cuda and not torch.cuda.is_available():
        print("GPU part: not measured (no CUDA device here).")
        return None
    size = SIZES[args.device]
    words = args.words or (250 if cuda else 64)
    max_length = 512
    workdir = Path(tempfile.mkdtemp(prefix="bench_distillation_"))
    num_rows = args.batch_size * (args.warmup + args.steps)
    dataset = make_dataset(num_rows, words, size["image"])
    text_config, teacher, tokenizer, processor = build_models(size, max_length)
    teacher_dir = str(workdir / "teacher")
    teacher.save_pretrained(teacher_dir)
    processor.save_pretrained(teacher_dir)

    start = time.perf_counter()
    cache = build_teacher_cache(teacher_dir, dataset, batch_size=args.batch_size, device=args.device)
    cache_seconds = time.perf_counter() - start
    cache_dir = str(workdir / "cache")
    cache.save_to_disk(cache_dir)

    common = dict(
        max_steps=args.warmup + args.steps, per_device_train_batch_size=args.batch_size, learning_rate=5e-5,
        logging_steps=10_000, save_strategy="no", report_to="none", disable_tqdm=True, seed=0,
        dataloader_pin_memory=False, use_cpu=not cuda, bf16=cuda,
    )  # fmt: skip
    steps = {"plain": [], "cache": [], "online": []}
    dirs = {}
    for _ in range(args.repeats):
        for name in steps:
            times, dirs[name] = run_condition(
                name, text_config, dataset, tokenizer, workdir, common, teacher_dir, cache_dir, args.device, cuda
            )
            steps[name].append(statistics.median(times[args.warmup :]))
    per_step = {name: statistics.median(values) for name, values in steps.items()}
    texts = list(dataset["text"])
    latency = {
        batch: inference_latency({"baseline": dirs["plain"], "student": dirs["cache"]}, tokenizer, texts,
                                 args.device, cuda, batch)  # fmt: skip
        for batch in (1, 32)
    }
    report = {
        "device": torch.cuda.get_device_name() if cuda else f"CPU ({platform.processor() or platform.machine()}, "
        f"{torch.get_num_threads()} threads)",
        "torch": torch.__version__,
        "sizes": size,
        "batch_size": args.batch_size,
        "words_per_text": words,
        "timed_steps": args.steps,
        "repeats": args.repeats,
        "cache_build_seconds": cache_seconds,
        "cache_rows": len(dataset),
        "per_step_seconds": per_step,
        "per_step_runs": steps,
        "ratio_cache_vs_plain": per_step["cache"] / per_step["plain"],
        "ratio_cache_vs_plain_per_repeat": [c / p for c, p in zip(steps["cache"], steps["plain"])],
        "ratio_online_vs_plain": per_step["online"] / per_step["plain"],
        "inference_seconds": latency,
        "inference_ratio_student_vs_baseline": {b: v["student"] / v["baseline"] for b, v in latency.items()},
    }
    print(json.dumps(report, indent=2))
    print()
    print("| measurement | value |")
    print("| --- | ---: |")
    for name in ("plain", "cache", "online"):
        print(f"| per-step time, {name} | {1000 * per_step[name]:.1f} ms |")
    print(f"| distillation from cache / plain fine-tuning | {report['ratio_cache_vs_plain']:.3f} |")
    print(f"| online teacher / plain fine-tuning | {report['ratio_online_vs_plain']:.3f} |")
    for batch, ratio in report["inference_ratio_student_vs_baseline"].items():
        print(f"| student / baseline inference latency, batch {batch} | {ratio:.3f} "
              f"({1000 * latency[batch]['student']:.2f} vs {1000 * latency[batch]['baseline']:.2f} ms) |")  # fmt: skip
    print(f"| teacher cache build, {len(dataset)} rows | {cache_seconds:.1f} s |")
    if args.output_json:
        Path(args.output_json).write_text(json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    main()
