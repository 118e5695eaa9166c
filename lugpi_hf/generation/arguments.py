# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The generation stage's arguments, as `lugpi generate`, the stage script and `lugpi run` take them."""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Literal

import datasets

from .card import push_generated_dataset
from .loading import partial_state
from .loop import generate_privileged_images


PresetName = Literal["paper", "fast", "turbo", "sdxl-turbo", "flux-schnell", "sd35-large-turbo", "sana-sprint"]


@dataclasses.dataclass
class LugpiGenerationArguments:
    r"""
    Arguments of the generation stage, as `lugpi generate` and `trainers/generate_images.py` take them (each option
    also answers to its hyphenated name: `--batch-size`, `--output-dir`, ...). [`run_generation`] runs them.

    Example:

    ```python
    >>> from lugpi_hf.generation import LugpiGenerationArguments, run_generation

    >>> args = LugpiGenerationArguments("imdb-prepared", "imdb-generated", preset="sdxl-turbo", batch_size=32)
    >>> generated = run_generation(args)
    ```
    """

    dataset_name: str = dataclasses.field(
        metadata={
            "aliases": ["--dataset"],
            "help": "Prepared dataset (id, prompt, ... columns): save_to_disk or Parquet directory, or Hub id.",
        }
    )
    output_dir: str = dataclasses.field(
        metadata={"help": "Where the generated dataset goes (Parquet shards and generation_settings.json)."}
    )
    dataset_config: str | None = dataclasses.field(default=None, metadata={"help": "Hub dataset configuration."})
    splits: list[str] | None = dataclasses.field(
        default=None, metadata={"aliases": ["--split"], "help": "Splits to generate (default: every split)."}
    )
    generator: str | None = dataclasses.field(
        default=None,
        metadata={"help": "diffusers text-to-image pipeline: Hub id or directory (default: the preset's)."},
    )
    preset: PresetName | None = dataclasses.field(
        default=None,
        metadata={
            "help": "paper (SD 2, 768 px, 50 steps), fast (SD 2 base, DPM-Solver++ 20 steps), turbo (SD-Turbo, 1 "
            "step), sdxl-turbo (1 step), flux-schnell (4 steps), sd35-large-turbo (4 steps) or sana-sprint (2 "
            "steps); explicit options win."
        },
    )
    batch_size: int = dataclasses.field(default=8, metadata={"help": "Prompts per pipeline call, per process."})
    num_inference_steps: int | None = dataclasses.field(
        default=None, metadata={"help": "Denoising steps (the preset's, else the pipeline's default)."}
    )
    guidance_scale: float | None = dataclasses.field(
        default=None, metadata={"help": "Guidance scale (the preset's, else the pipeline's default)."}
    )
    resolution: int | None = dataclasses.field(
        default=None, metadata={"help": "Generated height and width in pixels (the preset's, else the pipeline's)."}
    )
    seed: int = dataclasses.field(default=0, metadata={"help": "Global seed, hashed with each prompt."})
    image_size: int = dataclasses.field(
        default=256, metadata={"help": "Stored shorter side in pixels; 0 keeps the generated size."}
    )
    image_format: Literal["jpeg", "png"] = dataclasses.field(default="jpeg", metadata={"help": "Stored format."})
    shard_size: int = dataclasses.field(default=512, metadata={"help": "Rows per Parquet shard."})
    compile: bool = dataclasses.field(
        default=False,
        metadata={"help": "torch.compile the denoiser and VAE decoder, channels-last, fused QKV (long GPU runs)."},
    )
    pipeline_kwargs: dict | str | None = dataclasses.field(
        default=None,
        metadata={
            "help": "More arguments of every pipeline call, as JSON: e.g. '{\"use_resolution_binning\": false}' "
            "(PixArt, Sana) or '{\"max_sequence_length\": 512}' (Flux)."
        },
    )
    negative_prompt: str | None = dataclasses.field(
        default=None, metadata={"help": "One negative prompt for every image (the paper uses none)."}
    )
    safety_checker: bool = dataclasses.field(
        default=False,
        metadata={"help": "Keep the checkpoint's safety checker (off: it blacks out flagged images)."},
    )
    push_to_hub: bool = dataclasses.field(default=False, metadata={"help": "Push the result with a dataset card."})
    hub_dataset_id: str | None = dataclasses.field(
        default=None, metadata={"help": "Dataset repository to push to (user/name)."}
    )
    hub_private_repo: bool | None = dataclasses.field(
        default=None, metadata={"help": "Create the Hub repository private."}
    )

    def __post_init__(self):
        if self.push_to_hub and not self.hub_dataset_id:
            raise ValueError("--push_to_hub needs --hub_dataset_id (user/name).")
        if isinstance(self.pipeline_kwargs, str):
            try:
                self.pipeline_kwargs = json.loads(self.pipeline_kwargs)
            except json.JSONDecodeError as error:
                raise ValueError(f"--pipeline_kwargs: not JSON ({error}): {self.pipeline_kwargs!r}.") from None
        if self.pipeline_kwargs is not None and not isinstance(self.pipeline_kwargs, dict):
            raise ValueError(f"--pipeline_kwargs: expected a JSON object, got {self.pipeline_kwargs!r}.")


def run_generation(args: LugpiGenerationArguments) -> datasets.DatasetDict:
    """
    What `lugpi generate` and `trainers/generate_images.py` run: load the prepared dataset, generate the chosen
    splits with [`generate_privileged_images`], and push the result from the main process when asked.
    """
    from ..dataset_io import load_dataset_dict

    dataset = load_dataset_dict(args.dataset_name, args.dataset_config)
    if args.splits:
        unknown = [name for name in args.splits if name not in dataset]
        if unknown:
            raise ValueError(f"{args.dataset_name}: no split {unknown[0]!r} (splits: {list(dataset)}).")
        dataset = datasets.DatasetDict({name: dataset[name] for name in args.splits})
    generated = generate_privileged_images(
        dataset,
        args.generator,
        args.output_dir,
        preset=args.preset,
        batch_size=args.batch_size,
        num_inference_steps=args.num_inference_steps,
        guidance_scale=args.guidance_scale,
        resolution=args.resolution,
        seed=args.seed,
        image_size=args.image_size or None,
        image_format=args.image_format,
        shard_size=args.shard_size,
        compile=args.compile,
        pipeline_kwargs=args.pipeline_kwargs,
        negative_prompt=args.negative_prompt,
        safety_checker=args.safety_checker,
    )
    if args.push_to_hub and partial_state().is_main_process:
        # A Hub id names the source in the card; a local path would mean nothing to its readers.
        source = None if os.path.exists(args.dataset_name) else args.dataset_name
        push_generated_dataset(
            args.output_dir, args.hub_dataset_id, source_dataset=source, private=args.hub_private_repo
        )
    return generated


__all__ = ["LugpiGenerationArguments", "run_generation"]
