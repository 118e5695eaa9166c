# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
The generation loop: one image per distinct prompt, the accelerator never waiting for the host.

The main thread only cuts prompts and calls the pipeline. The pipeline returns tensors; on an accelerator they are
resized and converted to uint8 there and copied to pinned host memory without blocking, and a pool of worker threads
encodes them (JPEG/PNG release the GIL) while the next batch runs. A single writer thread assembles and writes the
shards. Both queues are bounded, so memory stays flat however long the split.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import torch
from transformers.utils import logging

from ..dataset_io import require_columns
from ..stages import json_ready
from .loading import (
    call_defaults,
    call_parameters,
    generator_name,
    native_resolution,
    optimise_pipeline,
    partial_state,
    prepare_pipeline,
)
from .presets import resolve_preset
from .prompts import (
    SEED_RULE,
    expand_batch,
    is_empty_prompt,
    negative_conditioning,
    prompt_encoders,
    prompt_seed,
    truncate_prompts,
)
from .storage import (
    DATA_DIR,
    GENERATION_SETTINGS_FILE,
    IMAGE_FORMATS,
    RESIZE_FILTER,
    SPLIT_NAME,
    ShardWriter,
    check_output_dir,
    encode_images,
    generated_features,
    list_shards,
    load_split,
    remove_stale_temporaries,
    to_uint8,
    write_manifest,
)


logger = logging.get_logger(__name__)

# Arguments of the pipeline call that generation sets itself; `pipeline_kwargs` may not override them.
RESERVED_CALL_ARGUMENTS = frozenset(
    {
        "prompt", "prompt_2", "prompt_3", "negative_prompt", "negative_prompt_2", "negative_prompt_3", "generator",
        "latents", "output_type", "return_dict", "num_images_per_prompt", "num_inference_steps", "guidance_scale",
        "height", "width", "prompt_embeds", "negative_prompt_embeds", "pooled_prompt_embeds",
        "negative_pooled_prompt_embeds", "callback_on_step_end",
    }
)  # fmt: skip
_POLL_S = 0.05


def _where(dataset: datasets.Dataset, split: str) -> str:
    if dataset.cache_files:
        return f"split {split!r} ({Path(dataset.cache_files[0]['filename']).parent})"
    return f"split {split!r}"


def _validate(dataset: datasets.Dataset, split: str, id_column: str, prompt_column: str) -> tuple[list, list]:
    where = _where(dataset, split)
    require_columns(dataset, (id_column, prompt_column), where)
    for column in ("image", "seed"):
        if column in dataset.column_names:
            raise ValueError(
                f"{where}: already has an {column!r} column, which generation adds; remove it first "
                f"(dataset.remove_columns({column!r}))."
            )
    if not SPLIT_NAME.match(split):
        raise ValueError(f"Split name {split!r} must be letters, digits and underscores (dots between words).")
    ids, prompts = dataset[id_column], dataset[prompt_column]
    if not ids:
        raise ValueError(f"{where}: no rows to generate images for.")
    first_row: dict = {}
    for row, (row_id, prompt) in enumerate(zip(ids, prompts)):
        if not isinstance(row_id, (str, int)) or isinstance(row_id, bool):
            raise ValueError(
                f"{where}: column {id_column!r}, row {row}: expected a string or integer id, got {row_id!r}."
            )
        if row_id in first_row:
            raise ValueError(
                f"{where}: column {id_column!r}: duplicate id {row_id!r} at rows {first_row[row_id]} and {row}; "
                "ids must be unique."
            )
        first_row[row_id] = row
        if not isinstance(prompt, str):
            raise ValueError(
                f"{where}: column {prompt_column!r}, row {row} (id {row_id!r}): expected a string, got "
                f"{type(prompt).__name__} {prompt!r}."
            )
    return ids, prompts


class _ImageSource:
    """Images already in shards on disk, by prompt; waits for a shard another process is still writing."""

    def __init__(self, stop: threading.Event):
        self.stop = stop
        self.location: dict[str, tuple[Path, int]] = {}
        self._tables: dict[Path, object] = {}

    def add_shard(self, path: Path, prompts: list[str]) -> None:
        for offset, prompt in enumerate(prompts):
            self.location.setdefault(prompt, (path, offset))

    def get(self, prompt: str) -> bytes:
        path, offset = self.location[prompt]
        while not path.exists():
            # Written by another process of this job (a lower shard, so it never waits on us).
            if self.stop.wait(_POLL_S):
                raise RuntimeError("generation stopped")
        if path not in self._tables:
            if len(self._tables) >= 4:
                self._tables.pop(next(iter(self._tables)))
            self._tables[path] = pq.read_table(path, columns=["image"]).column("image")
        return self._tables[path][offset]["bytes"].as_py()


def _lower_priority() -> None:
    # The thread that feeds the accelerator must never wait for a core: background threads yield to it (Linux
    # schedules threads as tasks, so a thread's niceness is its own). Elsewhere this is a no-op.
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, os.getpriority(os.PRIO_PROCESS, 0) + 5))
    except (AttributeError, OSError):
        pass


class _Background:
    """The encoder pool and the shard writer, each behind a bounded queue."""

    def __init__(self, num_workers: int):
        self.encoders = ThreadPoolExecutor(num_workers, thread_name_prefix="lugpi-encode", initializer=_lower_priority)
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="lugpi-write", initializer=_lower_priority)
        self.preparer = ThreadPoolExecutor(1, thread_name_prefix="lugpi-prepare")
        self.stop = threading.Event()
        self.encoding: deque[Future] = deque()
        self.writing: deque[Future] = deque()
        # Enough batches in flight to keep every worker busy, few enough that memory does not grow.
        self.max_encoding = 4 * num_workers
        self.max_writing = 2

    def prepare(self, function, *args) -> Future:
        return self.preparer.submit(function, *args)

    def encode(self, function, *args) -> Future:
        future = self.encoders.submit(function, *args)
        self.encoding.append(future)
        while len(self.encoding) > self.max_encoding or (self.encoding and self.encoding[0].done()):
            self.encoding.popleft().result()
        return future

    def write(self, function, *args) -> None:
        self.writing.append(self.writer.submit(function, *args))
        while len(self.writing) > self.max_writing or (self.writing and self.writing[0].done()):
            self.writing.popleft().result()

    def finish(self) -> None:
        while self.writing:
            self.writing.popleft().result()
        while self.encoding:
            self.encoding.popleft().result()

    def close(self) -> None:
        self.stop.set()
        for pool in (self.preparer, self.encoders, self.writer):
            pool.shutdown(wait=True, cancel_futures=True)


def _encode_on_host(images, image_size, image_format, jpeg_quality) -> list[bytes]:
    with torch.inference_mode():
        if isinstance(images, list):  # PIL images from a pipeline that ignores output_type="pt"
            import numpy as np

            images = torch.from_numpy(np.stack([np.asarray(image.convert("RGB")) for image in images]))
            images = images.permute(0, 3, 1, 2).float() / 255
        elif not isinstance(images, torch.Tensor):  # numpy, (B, H, W, 3) in [0, 1]
            images = torch.from_numpy(images).permute(0, 3, 1, 2)
        return encode_images(to_uint8(images, image_size), image_format, jpeg_quality)


def _encode_copied(pixels: torch.Tensor, event, image_format, jpeg_quality) -> list[bytes]:
    event.synchronize()  # the non-blocking copy from the accelerator has landed
    return encode_images(pixels, image_format, jpeg_quality)


def _pipeline_images(output):
    images = output.images if hasattr(output, "images") else output[0]
    return images


class _SplitPlan:
    """Which shards are missing, which prompts each must generate, and where the others' images already are."""

    def __init__(
        self,
        writer: ShardWriter,
        ids: list,
        prompts: list[str],
        where: str,
        all_shards: dict,
        prompt_column: str,
        id_column: str,
        source: _ImageSource,
        batch_size: int,
    ):
        position = {row_id: row for row, row_id in enumerate(ids)}
        existing = all_shards.get(writer.split, {})
        for index, path in existing.items():
            count = int(path.name.rsplit("-of-", 1)[1].split(".")[0])
            table = pq.read_table(path, columns=[id_column, prompt_column])
            shard_ids = table.column(id_column).to_pylist()
            for row_id in shard_ids:
                if row_id not in position:
                    raise ValueError(
                        f"{path}: holds id {row_id!r}, which {where} does not have; it belongs to other data."
                    )
            expected = [ids[row] for row in writer.rows(index)]
            if count != writer.num_shards or shard_ids != expected:
                raise ValueError(
                    f"{path}: does not hold rows {writer.rows(index).start}-{writer.rows(index).stop - 1} of {where} "
                    f"in order ({writer.num_shards} shards of {writer.shard_size} rows expected); it belongs to other "
                    "data."
                )
            for row_id, prompt in zip(shard_ids, table.column(prompt_column).to_pylist()):
                if prompts[position[row_id]] != prompt:
                    raise ValueError(f"{path}: id {row_id!r} was generated from another prompt than {where} has now.")
        # Prompts whose image some shard on disk (of any split) already holds are copied, not generated again.
        for paths in all_shards.values():
            for path in paths.values():
                source.add_shard(path, pq.read_table(path, columns=[prompt_column]).column(prompt_column).to_pylist())
        self.missing = [index for index in range(writer.num_shards) if index not in existing]
        # A prompt is generated by the shard where it first occurs; later shards copy it from there.
        self.new_prompts: dict[int, list[str]] = {}
        location = source.location
        for index in self.missing:
            new = []
            rows, path = writer.rows(index), writer.path(index)
            for row in rows:
                prompt = prompts[row]
                if prompt not in location:
                    location[prompt] = (path, row - rows.start)
                    new.append(prompt)
            self.new_prompts[index] = new
        # Batches never cross shards and are cut the same way whatever ran before, so a resumed or multi-process run
        # feeds the pipeline exactly the batches of an uninterrupted single-process run (bit-identical images).
        self.batches = {
            index: [new[start : start + batch_size] for start in range(0, len(new), batch_size)]
            for index, new in self.new_prompts.items()
        }
        self.num_existing_rows = sum(len(writer.rows(index)) for index in existing)


def _generate_split(
    dataset: datasets.Dataset,
    ids: list,
    prompts: list[str],
    pipeline,
    output_dir: Path,
    split: str,
    settings: dict,
    run: dict,
    *,
    batch_size: int,
    id_column: str,
    prompt_column: str,
    show_progress: bool,
    num_workers: int,
    state,
) -> datasets.Dataset:
    data_dir = output_dir / DATA_DIR
    where = _where(dataset, split)
    writer = ShardWriter(dataset, data_dir, split, settings, settings["shard_size"])
    background = _Background(num_workers)
    source = _ImageSource(background.stop)
    plan = _SplitPlan(writer, ids, prompts, where, list_shards(data_dir), prompt_column, id_column, source, batch_size)
    num_new = sum(len(new) for new in plan.new_prompts.values())
    num_empty = sum(1 for prompt in prompts if is_empty_prompt(prompt))
    if state.is_main_process:
        logger.info(
            f"{split}: {len(ids)} rows, {plan.num_existing_rows} already in {output_dir}; generating {num_new} "
            f"images (one per new distinct prompt) into {len(plan.missing)} shards on {state.num_processes} "
            "process(es)."
        )
        if num_empty:
            logger.warning(
                f"{split}: {num_empty} rows have an empty {prompt_column!r}; they get an unconditional image (the "
                "generator's picture of nothing in particular), one shared by all of them."
            )
    # Every process must plan from the same shards before any of them writes a new one.
    state.wait_for_everyone()

    my_shards = plan.missing[state.process_index :: state.num_processes]
    encoders = run["encoders"]
    cut_counts = {encoder.tokenizer_name: 0 for encoder in encoders}
    seed = settings["seed"]
    image_size, image_format, quality = settings["image_size"], settings["image_format"], settings["jpeg_quality"]
    resolution = settings["resolution"]
    pad_to = batch_size if settings["compile"] else None

    def write_shard(index: int, batch_results: list[tuple[list[str], Future]]) -> None:
        images: dict[str, bytes] = {}
        for batch_prompts, future in batch_results:
            images.update(zip(batch_prompts, future.result()))
        rows = writer.rows(index)
        row_images = [images[prompts[row]] if prompts[row] in images else source.get(prompts[row]) for row in rows]
        writer.write(index, row_images, [prompt_seed(seed, prompts[row]) for row in rows])

    progress = logging.tqdm(
        total=sum(len(plan.new_prompts[index]) for index in my_shards),
        desc=f"Generating {split}",
        unit="img",
        dynamic_ncols=True,
        disable=not (show_progress and state.is_local_main_process),
    )
    def prepare(batch: list[str]) -> tuple[dict, list]:
        """A batch's call arguments: each encoder's cut of the prompts, and one seeded generator per prompt."""
        count = len(batch)
        texts = list(batch) + [batch[-1]] * ((pad_to or count) - count)
        arguments: dict[str, list[str]] = {}
        for encoder in encoders:
            cut, number = truncate_prompts(texts[:count], encoder.tokenizer, encoder.max_tokens)
            cut_counts[encoder.tokenizer_name] += number
            cut += [cut[-1]] * (len(texts) - count)
            previous = arguments.get(encoder.argument)
            # Two tokenizers reading one argument: the shorter cut fits both.
            arguments[encoder.argument] = (
                cut if previous is None else [min(a, b, key=len) for a, b in zip(previous, cut)]
            )
        arguments.setdefault("prompt", texts)
        return arguments, [torch.Generator("cpu").manual_seed(prompt_seed(seed, prompt)) for prompt in texts]

    # The next batch is prepared (tokenised, cut, seeded) while the pipeline runs the current one.
    queue = [batch for index in my_shards for batch in plan.batches[index]]
    checked_size = False
    try:
        upcoming = background.prepare(prepare, queue[0]) if queue else None
        position = 0
        with torch.inference_mode():
            for index in my_shards:
                batch_results = []
                for batch in plan.batches[index]:
                    count = len(batch)
                    arguments, generators = upcoming.result()
                    position += 1
                    upcoming = background.prepare(prepare, queue[position]) if position < len(queue) else None
                    output = pipeline(
                        **arguments,
                        generator=generators,
                        output_type="pt",
                        **run["call_kwargs"],
                        **expand_batch(run["negative"], len(generators)),
                    )
                    images = _pipeline_images(output)[:count]
                    if not checked_size:
                        _check_size(images, resolution, pipeline)
                        checked_size = True
                    # Spread over the workers, so that the last batch's encoding (the run's tail) is short too.
                    step = -(-count // num_workers)
                    if isinstance(images, torch.Tensor) and images.device.type != "cpu":
                        pixels = to_uint8(images, image_size)
                        host = torch.empty(pixels.shape, dtype=torch.uint8, pin_memory=True)
                        host.copy_(pixels, non_blocking=True)
                        event = torch.cuda.Event()
                        event.record()
                        for start in range(0, count, step):
                            chunk = host[start : start + step]
                            future = background.encode(_encode_copied, chunk, event, image_format, quality)
                            batch_results.append((batch[start : start + step], future))
                    else:
                        for start in range(0, count, step):
                            chunk = images[start : start + step]
                            future = background.encode(_encode_on_host, chunk, image_size, image_format, quality)
                            batch_results.append((batch[start : start + step], future))
                    progress.update(count)
                background.write(write_shard, index, batch_results)
            background.finish()
    finally:
        progress.close()
        background.close()

    if state.num_processes > 1:
        from accelerate.utils import gather_object

        gathered = gather_object([cut_counts])
        cut_counts = {name: sum(counts[name] for counts in gathered) for name in cut_counts}
    if state.is_main_process:
        for encoder in encoders:
            if cut_counts[encoder.tokenizer_name]:
                tokenizer_class = type(encoder.tokenizer).__name__
                logger.warning(
                    f"{split}: {cut_counts[encoder.tokenizer_name]} of {num_new} prompts exceed the "
                    f"{encoder.max_tokens}-token limit of `{encoder.tokenizer_name}` ({tokenizer_class}, read as "
                    f"`{encoder.argument}`) and were cut to it (the stored {prompt_column!r} column keeps the full "
                    "text)."
                )
    state.wait_for_everyone()
    return load_split(writer, generated_features(dataset.features), ids, id_column)


def _check_size(images, resolution: int | None, pipeline) -> None:
    if resolution is None:
        return
    if isinstance(images, torch.Tensor):
        size = tuple(images.shape[-2:])
    elif isinstance(images, list):
        size = (images[0].height, images[0].width)
    else:
        size = tuple(images.shape[1:3])
    if size != (resolution, resolution):
        raise ValueError(
            f"{type(pipeline).__name__} generated {size[0]}x{size[1]} images where {resolution}x{resolution} were "
            "asked (it rounds sizes to its latent grid); choose a resolution it keeps, e.g. a multiple of 64."
        )


def _default_num_workers(state) -> int:
    local = max(1, int(os.environ.get("LOCAL_WORLD_SIZE", "1")))
    return max(2, min(8, (os.cpu_count() or 2) // local))


def _check_pipeline_kwargs(pipeline, pipeline_kwargs: dict) -> None:
    # Named parameters only: Stable Diffusion's `**kwargs` swallows unknown names silently (it reads two legacy ones).
    names, _ = call_parameters(pipeline)
    for key in pipeline_kwargs:
        if key in RESERVED_CALL_ARGUMENTS:
            raise ValueError(
                f"pipeline_kwargs: {key!r} is set by generation itself; use the matching argument "
                "(num_inference_steps, guidance_scale, resolution, negative_prompt, seed) instead."
            )
        if key not in names:
            raise ValueError(
                f"pipeline_kwargs: {type(pipeline).__name__} takes no {key!r} argument (it takes "
                f"{sorted(name for name in names if name not in RESERVED_CALL_ARGUMENTS and name != 'self')})."
            )


def _check_binning(pipeline, resolution: int | None, call_kwargs: dict, defaults: dict) -> None:
    names, _ = call_parameters(pipeline)
    if "use_resolution_binning" not in names or resolution is None:
        return
    if not call_kwargs.get("use_resolution_binning", defaults.get("use_resolution_binning", False)):
        return
    native = native_resolution(pipeline)
    if native is not None and resolution != native:
        raise ValueError(
            f"{type(pipeline).__name__} bins sizes to its {native}x{native} grid (use_resolution_binning): it would "
            f"generate at {native}x{native}, not the {resolution}x{resolution} asked, and resize afterwards; pass "
            f"pipeline_kwargs={{'use_resolution_binning': False}} to generate at {resolution}, or resolution {native}."
        )


def generate_privileged_images(
    dataset: datasets.Dataset | datasets.DatasetDict,
    pipeline=None,
    output_dir: str | os.PathLike = "lugpi-output/generated",
    *,
    preset: str | None = None,
    split: str = "train",
    batch_size: int = 8,
    num_inference_steps: int | None = None,
    guidance_scale: float | None = None,
    resolution: int | None = None,
    seed: int = 0,
    image_size: int | None = 256,
    image_format: str = "jpeg",
    jpeg_quality: int = 95,
    negative_prompt: str | None = None,
    shard_size: int = 512,
    id_column: str = "id",
    prompt_column: str = "prompt",
    torch_dtype: torch.dtype | None = None,
    compile: bool = False,
    pipeline_kwargs: dict | None = None,
    safety_checker: bool = False,
    num_workers: int | None = None,
    show_progress: bool = True,
) -> datasets.Dataset | datasets.DatasetDict:
    """
    Generate one image per distinct prompt of `dataset` with a diffusers text-to-image pipeline and return the
    dataset with an `image` (`datasets.Image()`) and a `seed` column added, rows in the input's order.

    Images stream to Parquet shards under `output_dir` as they come (memory does not grow with the dataset); shard
    k holds rows k * `shard_size` ... of the split in the prepared order, so the directory, as
    `load_dataset("parquet", data_dir=...)` reads it, has the input's row order whatever kills, resumes or number
    of processes happened. Rerunning the same call after a crash or Ctrl-C generates only the missing shards. Under
    `accelerate launch` the shards are dealt out between processes; the result equals a one-process run. One writer
    per output directory: a second process is refused with a one-line error naming the holder's PID.

    Determinism: a prompt's initial noise comes from its own `torch.Generator` seeded with
    [`prompt_seed`]`(seed, prompt)`, so an image does not depend on the batch it lands in, the order, the
    number of processes or restarts. Identical prompts share their seed and are generated once. Batches are cut
    within shards, the same way in every run, so resumed and multi-process runs give bit-identical images;
    changing `batch_size` changes only float rounding inside batched kernels.

    Args:
        dataset (`datasets.Dataset` or `datasets.DatasetDict`):
            Prepared data with unique `id_column` ids and string prompts. An empty prompt gets an unconditional
            image (counted in a warning). A `DatasetDict` is generated split by split (a `DatasetDict` is
            returned) and identical prompts across splits are generated once.
        pipeline (`DiffusionPipeline`, `str` or `os.PathLike`, *optional*):
            Any diffusers text-to-image pipeline, or a Hub id or directory to load one from with
            `AutoPipelineForText2Image` (an img2img or inpainting pipeline of a text-to-image checkpoint gives its
            text-to-image pipeline). Defaults to the preset's generator.
        output_dir (`str` or `os.PathLike`, *optional*, defaults to `"lugpi-output/generated"`):
            Where the shards and `generation_settings.json` go. A directory holding images made with other
            settings is refused.
        preset (`str`, *optional*):
            A key of [`GENERATION_PRESETS`] (`"paper"`, `"fast"`, `"turbo"`, `"sdxl-turbo"`, `"flux-schnell"`,
            ...): generator, resolution, steps, guidance, scheduler and pipeline options; explicit arguments win.
        split (`str`, *optional*, defaults to `"train"`):
            The split name a `Dataset` is stored under.
        batch_size (`int`, *optional*, defaults to 8):
            Prompts per pipeline call (per process).
        num_inference_steps (`int`, *optional*):
            Denoising steps; defaults to the preset's, else the pipeline's own default (50 for Stable Diffusion, 28
            for Flux, ...), which is recorded in the settings.
        guidance_scale (`float`, *optional*):
            Guidance scale; defaults to the preset's, else the pipeline's own default.
        resolution (`int`, *optional*):
            Height and width to generate at; defaults to the preset's, else the pipeline's default. A size the
            pipeline would change (resolution binning, latent grid rounding) is an error.
        seed (`int`, *optional*, defaults to 0):
            Global seed, hashed with each prompt.
        image_size (`int`, *optional*, defaults to 256):
            Shorter side of the stored images (bicubic, antialiased, resized where the images are); `None` keeps the
            generated size.
        image_format (`str`, *optional*, defaults to `"jpeg"`):
            `"jpeg"` or `"png"`.
        jpeg_quality (`int`, *optional*, defaults to 95):
            JPEG quality.
        negative_prompt (`str`, *optional*):
            One negative prompt for every image (the paper uses none). Its embeddings (and the unconditional ones,
            when guidance is on) are computed once per run for Stable Diffusion, SDXL and SD3 pipelines.
        shard_size (`int`, *optional*, defaults to 512):
            Rows per Parquet shard (a crash loses at most the shards being written).
        id_column (`str`, *optional*, defaults to `"id"`):
            Column of unique row ids.
        prompt_column (`str`, *optional*, defaults to `"prompt"`):
            Column of generator prompts. Each text encoder reads what it can: CLIP 77 tokens, T5 up to the
            pipeline's `max_sequence_length`; longer prompts are cut per encoder, with one summary per encoder.
        torch_dtype (`torch.dtype`, *optional*):
            Pipeline dtype; defaults to bf16 on CUDA (fp16 breaks SD 2 768-v) and fp32 on CPU.
        compile (`bool`, *optional*, defaults to `False`):
            Channels-last layout and fused QKV projections where supported, then `torch.compile` of the denoiser and
            the VAE decoder; the last partial batch is padded so that it does not recompile.
        pipeline_kwargs (`dict`, *optional*):
            More keyword arguments of every pipeline call, recorded in the settings (e.g.
            `{"use_resolution_binning": False}` for PixArt and Sana, `{"max_sequence_length": 512}` for Flux).
        safety_checker (`bool`, *optional*, defaults to `False`):
            Keep the checkpoint's safety checker when loading one. Off by default: it blacks out every image it
            flags, and black images would poison the privileged data.
        num_workers (`int`, *optional*):
            Threads encoding images in the background; defaults to the CPU cores per local process (2 to 8).
        show_progress (`bool`, *optional*, defaults to `True`):
            A progress bar with images/s and ETA on the local main process.

    Example:

    ```python
    >>> from lugpi_hf.dataset_io import load_dataset_dict
    >>> from lugpi_hf.generation import generate_privileged_images

    >>> prepared = load_dataset_dict("imdb-prepared")  # columns id, text, prompt, label
    >>> generated = generate_privileged_images(prepared, preset="fast", output_dir="imdb-generated", batch_size=16)
    >>> generated["train"][0]["image"]  # a 256x256 PIL image
    ```
    """
    from ..locking import output_dir_lock

    preset_values = resolve_preset(preset)
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image_format must be one of {IMAGE_FORMATS}, got {image_format!r}.")
    for name, value in (("batch_size", batch_size), ("shard_size", shard_size)):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}.")
    if image_size is not None and image_size < 1:
        raise ValueError(f"image_size must be positive or None (keep the generated size), got {image_size}.")
    if pipeline_kwargs is not None and not isinstance(pipeline_kwargs, dict):
        raise ValueError(f"pipeline_kwargs must be a dict, got {type(pipeline_kwargs).__name__} {pipeline_kwargs!r}.")

    # Bad rows are reported before anything is loaded or written.
    splits = dataset if isinstance(dataset, datasets.DatasetDict) else {split: dataset}
    columns = {name: _validate(data, name, id_column, prompt_column) for name, data in splits.items()}
    given = pipeline
    if pipeline is None:
        if preset_values is None:
            raise ValueError("Give a pipeline (object, Hub id or directory) or a preset.")
        given = preset_values.generator

    output_dir = Path(output_dir)
    with output_dir_lock(output_dir, what="lugpi generate"):
        state = partial_state()
        pipeline = prepare_pipeline(
            pipeline,
            given,
            preset=preset_values,
            preset_name=preset,
            torch_dtype=torch_dtype,
            device=state.device,
            safety_checker=safety_checker,
        )
        call_kwargs = {**(preset_values.pipeline_kwargs if preset_values else {}), **(pipeline_kwargs or {})}
        _check_pipeline_kwargs(pipeline, call_kwargs)
        defaults = call_defaults(pipeline)
        if num_inference_steps is None:
            num_inference_steps = preset_values.num_inference_steps if preset_values else None
        if num_inference_steps is None:
            num_inference_steps = defaults.get("num_inference_steps")
        if guidance_scale is None and preset_values is not None:
            guidance_scale = preset_values.guidance_scale
        if guidance_scale is None:
            guidance_scale = defaults.get("guidance_scale")
        resolution = resolution or (preset_values.resolution if preset_values else None)
        _check_binning(pipeline, resolution, call_kwargs, defaults)
        max_sequence_length = call_kwargs.get("max_sequence_length", defaults.get("max_sequence_length"))
        encoders = prompt_encoders(pipeline, call_parameters(pipeline)[0], max_sequence_length)
        optimisations = optimise_pipeline(pipeline, compile=compile)

        scheduler = getattr(pipeline, "scheduler", None)
        settings = json_ready(
            {
                "generator": generator_name(pipeline, given if isinstance(given, (str, os.PathLike)) else None),
                "pipeline_class": type(pipeline).__name__,
                "scheduler": type(scheduler).__name__ if scheduler is not None else None,
                "scheduler_config": {
                    k: v for k, v in dict(getattr(scheduler, "config", {})).items() if not k.startswith("_")
                },
                "preset": preset,
                "licence": preset_values.licence if preset_values else None,
                "num_inference_steps": num_inference_steps,
                "guidance_scale": float(guidance_scale) if guidance_scale is not None else None,
                "resolution": resolution,
                "negative_prompt": negative_prompt,
                "pipeline_kwargs": call_kwargs,
                "torch_dtype": str(getattr(pipeline, "dtype", torch_dtype)).removeprefix("torch."),
                "safety_checker": getattr(pipeline, "safety_checker", None) is not None,
                "compile": bool(compile),
                "optimisations": optimisations,
                "seed": seed,
                "seed_rule": SEED_RULE,
                "prompt_column": prompt_column,
                "prompt_limits": {encoder.tokenizer_name: encoder.describe() for encoder in encoders},
                "image_size": image_size,
                "resize_filter": RESIZE_FILTER if image_size is not None else None,
                "image_format": image_format,
                "jpeg_quality": jpeg_quality if image_format == "jpeg" else None,
                "shard_size": shard_size,
            }
        )
        steps = {"num_inference_steps": num_inference_steps}
        if guidance_scale is not None:
            steps["guidance_scale"] = guidance_scale
        if resolution is not None:
            steps.update(height=resolution, width=resolution)
        negative = negative_conditioning(pipeline, negative_prompt, guidance_scale, call_kwargs, state.device)
        if negative is None and negative_prompt is not None:
            call_kwargs = {**call_kwargs, "negative_prompt": negative_prompt}
            negative_batch = {}
        else:
            negative_batch = negative or {}
        run = {"encoders": encoders, "call_kwargs": {**steps, **call_kwargs}, "negative": negative_batch}

        # Every process checks (and raises) alike, so none is left waiting at a barrier.
        check_output_dir(output_dir, settings)
        created = [path for path in (output_dir, output_dir / DATA_DIR) if not path.exists()]
        created_manifest = not (output_dir / GENERATION_SETTINGS_FILE).exists()
        if state.is_main_process:
            remove_stale_temporaries(output_dir)
            write_manifest(output_dir, settings)
        try:
            results = {
                name: _generate_split(
                    split_dataset,
                    *columns[name],
                    pipeline,
                    output_dir,
                    name,
                    settings,
                    run,
                    batch_size=batch_size,
                    id_column=id_column,
                    prompt_column=prompt_column,
                    show_progress=show_progress,
                    num_workers=num_workers or _default_num_workers(state),
                    state=state,
                )
                for name, split_dataset in splits.items()
            }
        except BaseException:
            # A run that fails before its first shard (a size the pipeline changes, a pipeline error) leaves nothing
            # behind: its settings would otherwise refuse the corrected rerun.
            if state.is_main_process and created_manifest and not list_shards(output_dir / DATA_DIR):
                (output_dir / GENERATION_SETTINGS_FILE).unlink(missing_ok=True)
                for path in reversed(created):
                    if path.is_dir() and not any(path.iterdir()):
                        path.rmdir()
            raise
    if isinstance(dataset, datasets.DatasetDict):
        return datasets.DatasetDict(results)
    return results[split]


__all__ = ["generate_privileged_images"]
