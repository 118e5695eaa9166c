# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Loading a text-to-image pipeline and getting it ready: device, dtype, no safety checker, compile."""

from __future__ import annotations

import inspect
import os

import torch
from transformers.utils import logging

from .presets import GenerationPreset, apply_scheduler, resolve_preset


logger = logging.get_logger(__name__)

# Text-to-image pipelines that `AutoPipelineForText2Image` does not map (diffusers 0.42), loaded as they are.
TEXT_TO_IMAGE_OUTSIDE_AUTO_PIPELINE = ("SanaSprintPipeline",)


def partial_state():
    from accelerate import PartialState
    from accelerate.utils import parse_flag_from_env

    # PartialState() alone treats CPU processes under torchrun / `accelerate launch --multi_gpu` as unrelated
    # single processes (each would generate everything); `cpu=True` makes them one gloo group.
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    cpu = parse_flag_from_env("ACCELERATE_USE_CPU") or (world_size > 1 and not torch.cuda.is_available())
    return PartialState(cpu=cpu)


def default_dtype(device: torch.device) -> torch.dtype:
    # bf16, not fp16: SD 2.x 768-v models give black images in fp16 (diffusers #1614). CPUs compute fp32.
    return torch.bfloat16 if device.type == "cuda" else torch.float32


def load_text_to_image_pipeline(
    generator: str | os.PathLike,
    *,
    preset: str | None = None,
    torch_dtype: torch.dtype | None = None,
    device: str | torch.device | None = None,
    safety_checker: bool = False,
):
    """
    Load a diffusers text-to-image pipeline with `AutoPipelineForText2Image` from a Hub id or a local directory
    (a directory saved as an img2img or inpainting pipeline of a text-to-image checkpoint gives its text-to-image
    pipeline), in bf16 on GPU and fp32 on CPU unless `torch_dtype` says otherwise, with the `preset`'s scheduler.

    The safety checker is left out by default: it replaces every image it flags with a black one, and black images
    would silently poison the privileged data (the teacher would learn from them).

    Args:
        generator (`str` or `os.PathLike`): Hub id or directory of a diffusers checkpoint.
        preset (`str`, *optional*): A key of [`GENERATION_PRESETS`].
        torch_dtype (`torch.dtype`, *optional*): Weights' dtype; defaults to bf16 on CUDA, fp32 elsewhere.
        device (`str` or `torch.device`, *optional*): Defaults to this process's device (`accelerate`).
        safety_checker (`bool`, *optional*, defaults to `False`): Keep the checkpoint's safety checker.
    """
    from diffusers import AutoPipelineForText2Image, DiffusionPipeline

    device = torch.device(device) if device is not None else partial_state().device
    dtype = torch_dtype or default_dtype(device)
    try:
        config = DiffusionPipeline.load_config(str(generator))
    except (OSError, ValueError) as error:
        raise ValueError(f"{generator}: no diffusers pipeline there ({str(error).splitlines()[0]}).") from None
    class_name = config.get("_class_name", "?")
    kwargs = {"dtype": dtype}
    if "safety_checker" in config and not safety_checker:
        kwargs.update(safety_checker=None, requires_safety_checker=False)
    if class_name in TEXT_TO_IMAGE_OUTSIDE_AUTO_PIPELINE:
        pipeline = DiffusionPipeline.from_pretrained(str(generator), **kwargs)
    else:
        try:
            pipeline = AutoPipelineForText2Image.from_pretrained(str(generator), **kwargs)
        except ValueError as error:
            if "can't find a pipeline linked to" not in str(error):
                raise
            raise ValueError(
                f"{generator}: {class_name} is not a text-to-image pipeline, nor the image-to-image or inpainting "
                "pipeline of a text-to-image checkpoint (AutoPipelineForText2Image knows none for it); expected "
                "e.g. a Stable Diffusion, SDXL, SD3, Flux, PixArt or Sana checkpoint."
            ) from None
    apply_scheduler(pipeline, resolve_preset(preset))
    return pipeline.to(device)


def as_text_to_image(pipeline):
    """`pipeline` itself if it generates from text alone, else its text-to-image sibling (sharing its components)."""
    from diffusers import AutoPipelineForText2Image
    from diffusers.pipelines.auto_pipeline import AUTO_TEXT2IMAGE_PIPELINES_MAPPING

    text_to_image = tuple(AUTO_TEXT2IMAGE_PIPELINES_MAPPING.values())
    if isinstance(pipeline, text_to_image) or type(pipeline).__name__ in TEXT_TO_IMAGE_OUTSIDE_AUTO_PIPELINE:
        return pipeline
    parameters = inspect.signature(pipeline.__call__).parameters
    needs_image = any(name in parameters for name in ("image", "mask_image", "control_image"))
    if "prompt" in parameters and not needs_image:
        return pipeline  # a custom text-to-image pipeline
    try:
        return AutoPipelineForText2Image.from_pipe(pipeline)
    except ValueError:
        raise ValueError(
            f"{type(pipeline).__name__} is not a text-to-image pipeline (it needs an input image); expected e.g. a "
            "Stable Diffusion, SDXL, SD3, Flux, PixArt or Sana pipeline."
        ) from None


def call_defaults(pipeline) -> dict:
    """The default values of the pipeline's `__call__` keyword arguments (steps, guidance, sequence length...)."""
    return {
        name: parameter.default
        for name, parameter in inspect.signature(pipeline.__call__).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }


def call_parameters(pipeline) -> tuple[set[str], bool]:
    """The names the pipeline's `__call__` accepts, and whether it also takes any keyword (`**kwargs`)."""
    parameters = inspect.signature(pipeline.__call__).parameters
    var_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    return set(parameters), var_keyword


def denoiser_of(pipeline):
    return getattr(pipeline, "unet", None) or getattr(pipeline, "transformer", None)


def native_resolution(pipeline) -> int | None:
    """The square size the pipeline generates at by default (and bins to, for PixArt and Sana)."""
    scale = getattr(pipeline, "vae_scale_factor", None)
    size = getattr(pipeline, "default_sample_size", None)
    if size is None:
        denoiser = denoiser_of(pipeline)
        size = getattr(getattr(denoiser, "config", None), "sample_size", None)
    if isinstance(size, (tuple, list)):
        size = size[0]
    return int(size * scale) if size and scale else None


def optimise_pipeline(pipeline, *, compile: bool) -> list[str]:
    """
    With `compile`: channels-last memory layout and fused QKV projections where the pipeline supports them, then
    `torch.compile` of the denoiser and the VAE decoder. Returns what was done, for the settings.
    """
    if not compile:
        return []
    done = []
    denoiser = denoiser_of(pipeline)
    if denoiser is None:
        raise ValueError(f"compile=True: {type(pipeline).__name__} has no `unet` or `transformer` to compile.")
    vae = getattr(pipeline, "vae", None)
    # Convolutions run fastest channels-last on GPUs; transformers over patch tokens gain nothing from it.
    for name, module in (("unet", getattr(pipeline, "unet", None)), ("vae", vae)):
        if module is not None and any(isinstance(m, torch.nn.Conv2d) for m in module.modules()):
            module.to(memory_format=torch.channels_last)
            done.append(f"{name} channels_last")
    try:
        if getattr(pipeline, "unet", None) is not None and hasattr(pipeline, "fuse_qkv_projections"):
            from diffusers import AutoencoderKL

            pipeline.fuse_qkv_projections(unet=True, vae=isinstance(vae, AutoencoderKL))
            done.append("fused qkv")
        elif hasattr(denoiser, "fuse_qkv_projections"):
            denoiser.fuse_qkv_projections()
            done.append("fused qkv")
    except (ValueError, NotImplementedError, AttributeError) as error:
        logger.info(f"QKV projections not fused ({error}).")
    denoiser.compile()
    done.append(f"compile {'unet' if denoiser is getattr(pipeline, 'unet', None) else 'transformer'}")
    decoder = getattr(vae, "decoder", None)
    if isinstance(decoder, torch.nn.Module):
        decoder.compile()
        done.append("compile vae.decoder")
    return done


def prepare_pipeline(
    pipeline, given, *, preset: GenerationPreset | None, preset_name, torch_dtype, device, safety_checker
):
    """Load the pipeline (`given` is a Hub id or directory) or adopt the object `pipeline`, on `device`."""
    if isinstance(given, (str, os.PathLike)):
        pipeline = load_text_to_image_pipeline(
            given, preset=preset_name, torch_dtype=torch_dtype, device=device, safety_checker=safety_checker
        )
    else:
        pipeline = as_text_to_image(pipeline)
        apply_scheduler(pipeline, preset)
        dtype = torch_dtype or default_dtype(device)
        # `.to(dtype)` warns even when nothing changes; cast only pipelines that need it.
        if getattr(pipeline, "dtype", dtype) != dtype:
            pipeline = pipeline.to(dtype=dtype)
        pipeline = pipeline.to(device)
        if getattr(pipeline, "safety_checker", None) is not None and not safety_checker:
            logger.warning(
                f"{type(pipeline).__name__} has a safety checker: it turns each image it flags black, which poisons "
                "privileged data. Load the pipeline with safety_checker=None, or pass safety_checker=True to keep it."
            )
    if hasattr(pipeline, "set_progress_bar_config"):
        pipeline.set_progress_bar_config(disable=True)  # one bar for the whole split, not one per call
    return pipeline


def generator_name(pipeline, given: str | os.PathLike | None) -> str:
    name = str(given) if given is not None else getattr(pipeline, "name_or_path", None)
    if name and os.path.isdir(name):
        name = os.path.abspath(name)
    return name or type(pipeline).__name__


__all__ = ["load_text_to_image_pipeline"]
