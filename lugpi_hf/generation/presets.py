# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Named generation settings: the paper's generator and today's fast ones, each checked against its model card."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class GenerationPreset:
    """
    A named set of generation settings. Arguments given explicitly to [`generate_privileged_images`] win over
    the preset's; what neither sets comes from the pipeline's own defaults.

    Args:
        generator (`str`): Hub id of the diffusers text-to-image checkpoint.
        resolution (`int`): Height and width of the generated images, in pixels.
        num_inference_steps (`int`): Denoising steps.
        guidance_scale (`float`, *optional*): Guidance scale (0 or 1 turns classifier-free guidance off); `None`
            keeps the pipeline's default (distilled-guidance models such as Sana Sprint).
        scheduler (`str`, *optional*): Name of a `diffusers` scheduler class replacing the checkpoint's own.
        scheduler_kwargs (`dict`, *optional*): Scheduler settings, applied with `scheduler.from_config` to the
            preset's scheduler or, when `scheduler` is `None`, to the checkpoint's own scheduler class.
        pipeline_kwargs (`dict`, *optional*): Extra keyword arguments of every pipeline call
            (e.g. `max_sequence_length`).
        licence (`str`, *optional*): The checkpoint's licence, repeated in the dataset card.
        description (`str`, *optional*): One line for humans and dataset cards.

    Example:

    ```python
    >>> from lugpi_hf.generation import GENERATION_PRESETS, GenerationPreset

    >>> GENERATION_PRESETS["fast"].num_inference_steps
    20
    >>> GENERATION_PRESETS["sd21-base"] = GenerationPreset("stabilityai/stable-diffusion-2-1-base", 512, 25, 7.5)
    ```
    """

    generator: str
    resolution: int
    num_inference_steps: int
    guidance_scale: float | None
    scheduler: str | None = None
    scheduler_kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)
    pipeline_kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)
    licence: str | None = None
    description: str = ""


_SAI_NON_COMMERCIAL = (
    "sai-nc-community (Stability AI Non-Commercial Research Community License: research and non-commercial use; "
    "commercial use needs a licence from Stability AI)"
)

GENERATION_PRESETS: dict[str, GenerationPreset] = {
    # The paper: Stable Diffusion v2 (the 768-px v-prediction model) with its own scheduler, 50 steps.
    # Guidance 7.5 is diffusers' default; the paper does not state it.
    "paper": GenerationPreset(
        generator="stabilityai/stable-diffusion-2",
        resolution=768,
        num_inference_steps=50,
        guidance_scale=7.5,
        licence="openrail++",
        description="The paper's generator: Stable Diffusion 2 at 768x768, its own scheduler, 50 steps.",
    ),
    # Same family at 512 px; DPM-Solver++ (Lu et al., 2022), a second-order multistep solver, needs ~20 steps.
    "fast": GenerationPreset(
        generator="stabilityai/stable-diffusion-2-base",
        resolution=512,
        num_inference_steps=20,
        guidance_scale=7.5,
        scheduler="DPMSolverMultistepScheduler",
        scheduler_kwargs={"algorithm_type": "dpmsolver++"},
        licence="openrail++",
        description="Stable Diffusion 2 base at 512x512, DPM-Solver++ (multistep), 20 steps.",
    ),
    # SD-Turbo is distilled for one step without classifier-free guidance.
    "turbo": GenerationPreset(
        generator="stabilityai/sd-turbo",
        resolution=512,
        num_inference_steps=1,
        guidance_scale=0.0,
        licence=_SAI_NON_COMMERCIAL,
        description="SD-Turbo (adversarially distilled SD 2.1) at 512x512, 1 step, no guidance.",
    ),
    # Model card: 512x512, 1-4 steps, guidance_scale=0.0; diffusers' docs: timestep_spacing="trailing".
    "sdxl-turbo": GenerationPreset(
        generator="stabilityai/sdxl-turbo",
        resolution=512,
        num_inference_steps=1,
        guidance_scale=0.0,
        scheduler_kwargs={"timestep_spacing": "trailing"},
        licence=_SAI_NON_COMMERCIAL,
        description="SDXL-Turbo (adversarially distilled SDXL) at 512x512, 1 step, no guidance, trailing timesteps.",
    ),
    # Model card: guidance_scale=0.0, num_inference_steps=4, max_sequence_length=256 (schnell's T5 limit), at the
    # pipeline's default 1024x1024.
    "flux-schnell": GenerationPreset(
        generator="black-forest-labs/FLUX.1-schnell",
        resolution=1024,
        num_inference_steps=4,
        guidance_scale=0.0,
        pipeline_kwargs={"max_sequence_length": 256},
        licence="apache-2.0",
        description="FLUX.1 [schnell] at 1024x1024, 4 steps, no guidance, T5 reads 256 tokens.",
    ),
    # Model card / Stability's demo: 1024x1024, 4 steps, guidance 0; SD3's T5 reads 256 tokens by default.
    "sd35-large-turbo": GenerationPreset(
        generator="stabilityai/stable-diffusion-3.5-large-turbo",
        resolution=1024,
        num_inference_steps=4,
        guidance_scale=0.0,
        licence="stabilityai-ai-community (Stability AI Community License; gated on the Hub)",
        description="Stable Diffusion 3.5 Large Turbo at 1024x1024, 4 steps, no guidance.",
    ),
    # Model card: SanaSprintPipeline, 2 steps, its own (distilled) guidance, 1024 px.
    "sana-sprint": GenerationPreset(
        generator="Efficient-Large-Model/Sana_Sprint_1.6B_1024px_diffusers",
        resolution=1024,
        num_inference_steps=2,
        guidance_scale=None,
        licence="NSCL v2-custom (NVIDIA licence, non-commercial) and the Gemma Terms of Use for its text encoder",
        description="Sana Sprint 1.6B at 1024x1024, 2 steps, its distilled guidance.",
    ),
}


def resolve_preset(preset: str | None) -> GenerationPreset | None:
    """The [`GenerationPreset`] named `preset`, `None` for no preset; a one-line `ValueError` for an unknown name."""
    if preset is None:
        return None
    if preset not in GENERATION_PRESETS:
        raise ValueError(f"Unknown preset {preset!r}; expected one of {sorted(GENERATION_PRESETS)}.")
    return GENERATION_PRESETS[preset]


def apply_scheduler(pipeline, preset: GenerationPreset | None) -> None:
    """Give `pipeline` the preset's scheduler (class and settings), keeping the checkpoint's own when it matches."""
    if preset is None or (preset.scheduler is None and not preset.scheduler_kwargs):
        return
    import diffusers

    scheduler_class = getattr(diffusers, preset.scheduler) if preset.scheduler else type(pipeline.scheduler)
    if not isinstance(pipeline.scheduler, scheduler_class) or any(
        pipeline.scheduler.config.get(k) != v for k, v in preset.scheduler_kwargs.items()
    ):
        pipeline.scheduler = scheduler_class.from_config(pipeline.scheduler.config, **preset.scheduler_kwargs)


__all__ = ["GENERATION_PRESETS", "GenerationPreset", "apply_scheduler", "resolve_preset"]
