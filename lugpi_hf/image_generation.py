# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 2 of LUGPI: a `diffusers` text-to-image pipeline imagines one image per prompt (the privileged
information), stored as a `datasets` dataset with an `image` column.

The output directory is laid out as the Hub lays out a pushed dataset, so `datasets.load_dataset("parquet",
data_dir=...)` and `lugpi_hf.dataset_io.load_dataset_dict` read it back with its splits:

    output_dir/
        generation_settings.json                   what generated the images (checked on every rerun)
        data/<split>-<rank>-of-<world>-<run>-<n>.parquet

Each Parquet shard holds whole rows (the input columns, `image`, `seed`) and is written under a temporary
name, then renamed, so a crash leaves complete shards only and a rerun generates only the missing rows.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import torch
from PIL import Image
from transformers.utils import logging

from .stages import json_ready


logger = logging.get_logger(__name__)

GENERATION_SETTINGS_FILE = "generation_settings.json"
DATA_DIR = "data"
IMAGE_FORMATS = ("jpeg", "png")
# How a prompt's seed is derived (recorded in the settings and the dataset card; see `prompt_seed`).
SEED_RULE = "int.from_bytes(sha256(f'{seed}\\x00{prompt}'.encode('utf-8')).digest()[:8], 'big') >> 1"
_SETTINGS_METADATA_KEY = b"lugpi_generation_settings"
_SPLIT_NAME = re.compile(r"^\w+(\.\w+)*$")
_SHARD_NAME = re.compile(r"^(?P<split>\w+(?:\.\w+)*)-\d{5}-of-\d{5}-[0-9a-f]{8}-\d{5}\.parquet$")


@dataclasses.dataclass(frozen=True)
class GenerationPreset:
    """
    A named set of generation settings. Arguments given explicitly to [`generate_privileged_images`] win over
    the preset's.

    Args:
        generator (`str`): Hub id of the diffusers text-to-image checkpoint.
        resolution (`int`): Height and width of the generated images, in pixels.
        num_inference_steps (`int`): Denoising steps.
        guidance_scale (`float`): Classifier-free guidance scale (0 or 1 turns guidance off).
        scheduler (`str`, *optional*): Name of a `diffusers` scheduler class replacing the checkpoint's own.
        scheduler_kwargs (`dict`, *optional*): Keyword arguments of `scheduler.from_config`.
        description (`str`, *optional*): One line for humans and dataset cards.

    Example:

    ```python
    >>> from lugpi_hf.image_generation import GENERATION_PRESETS, GenerationPreset

    >>> GENERATION_PRESETS["fast"].num_inference_steps
    20
    >>> GENERATION_PRESETS["sd21-base"] = GenerationPreset("stabilityai/stable-diffusion-2-1-base", 512, 25, 7.5)
    ```
    """

    generator: str
    resolution: int
    num_inference_steps: int
    guidance_scale: float
    scheduler: str | None = None
    scheduler_kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)
    description: str = ""


GENERATION_PRESETS: dict[str, GenerationPreset] = {
    # The paper: Stable Diffusion v2 (the 768-px v-prediction model) with its own scheduler, 50 steps.
    # Guidance 7.5 is diffusers' default; the paper does not state it.
    "paper": GenerationPreset(
        generator="stabilityai/stable-diffusion-2",
        resolution=768,
        num_inference_steps=50,
        guidance_scale=7.5,
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
        description="Stable Diffusion 2 base at 512x512, DPM-Solver++ (multistep), 20 steps.",
    ),
    # SD-Turbo is distilled for one step without classifier-free guidance.
    "turbo": GenerationPreset(
        generator="stabilityai/sd-turbo",
        resolution=512,
        num_inference_steps=1,
        guidance_scale=0.0,
        description="SD-Turbo (adversarially distilled SD 2.1) at 512x512, 1 step, no guidance.",
    ),
}

# Without a preset: diffusers' defaults for Stable Diffusion.
DEFAULT_NUM_INFERENCE_STEPS = 50
DEFAULT_GUIDANCE_SCALE = 7.5


def prompt_seed(seed: int, prompt: str) -> int:
    """
    The seed of one prompt's initial noise: a stable hash of (`seed`, `prompt`), the same in every process,
    run and Python version (unlike `hash()`). Rows with the same prompt share it, hence share one image.
    """
    digest = hashlib.sha256(f"{seed}\x00{prompt}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 1  # 63 bits: fits torch's and Arrow's int64


def _resolve_preset(preset: str | None) -> GenerationPreset | None:
    if preset is None:
        return None
    if preset not in GENERATION_PRESETS:
        raise ValueError(f"Unknown preset {preset!r}; expected one of {sorted(GENERATION_PRESETS)}.")
    return GENERATION_PRESETS[preset]


def _default_dtype(device: torch.device) -> torch.dtype:
    # bf16, not fp16: SD 2.x 768-v models give black images in fp16 (diffusers #1614). CPUs compute fp32.
    return torch.bfloat16 if device.type == "cuda" else torch.float32


def _partial_state():
    from accelerate import PartialState
    from accelerate.utils import parse_flag_from_env

    # PartialState() alone treats CPU processes under torchrun / `accelerate launch --multi_gpu` as unrelated
    # single processes (each would generate everything); `cpu=True` makes them one gloo group.
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    cpu = parse_flag_from_env("ACCELERATE_USE_CPU") or (world_size > 1 and not torch.cuda.is_available())
    return PartialState(cpu=cpu)


def load_text_to_image_pipeline(
    generator: str | os.PathLike,
    *,
    preset: str | None = None,
    torch_dtype: torch.dtype | None = None,
    device: str | torch.device | None = None,
):
    """
    Load a diffusers text-to-image pipeline (`DiffusionPipeline.from_pretrained`) from a Hub id or a local
    directory, in bf16 on GPU and fp32 on CPU unless `torch_dtype` says otherwise, with the `preset`'s
    scheduler if it names one.

    Args:
        generator (`str` or `os.PathLike`): Hub id or directory of a diffusers checkpoint.
        preset (`str`, *optional*): A key of [`GENERATION_PRESETS`].
        torch_dtype (`torch.dtype`, *optional*): Weights' dtype; defaults to bf16 on CUDA, fp32 elsewhere.
        device (`str` or `torch.device`, *optional*): Defaults to this process's device (`accelerate`).
    """
    from diffusers import DiffusionPipeline

    device = torch.device(device) if device is not None else _partial_state().device
    dtype = torch_dtype or _default_dtype(device)
    pipeline = DiffusionPipeline.from_pretrained(str(generator), dtype=dtype)
    _apply_scheduler(pipeline, _resolve_preset(preset))
    return pipeline.to(device)


def _apply_scheduler(pipeline, preset: GenerationPreset | None) -> None:
    if preset is None or preset.scheduler is None:
        return
    import diffusers

    scheduler_class = getattr(diffusers, preset.scheduler)
    if not isinstance(pipeline.scheduler, scheduler_class) or any(
        pipeline.scheduler.config.get(k) != v for k, v in preset.scheduler_kwargs.items()
    ):
        pipeline.scheduler = scheduler_class.from_config(pipeline.scheduler.config, **preset.scheduler_kwargs)


def _generator_name(pipeline, given: str | os.PathLike | None) -> str:
    name = str(given) if given is not None else getattr(pipeline, "name_or_path", None)
    if name and os.path.isdir(name):
        name = os.path.abspath(name)
    return name or type(pipeline).__name__


def _prompt_token_limit(tokenizer) -> int | None:
    """Content tokens the generator's text encoder reads (77 - 2 special tokens for CLIP), or None if unbounded."""
    if tokenizer is None or not getattr(tokenizer, "is_fast", False):
        return None
    max_length = getattr(tokenizer, "model_max_length", None)
    if not max_length or max_length > 100_000:  # transformers' "no limit" sentinel is ~1e30
        return None
    return max_length - tokenizer.num_special_tokens_to_add()


def truncate_prompts(prompts: list[str], tokenizer) -> tuple[list[str], int]:
    """
    Cut prompts longer than the tokenizer's limit at the last token that fits, keeping the original text (not a
    decoded lower-cased copy), so the pipeline sees exactly what its text encoder can read and warns about
    nothing. Returns the prompts and how many were cut.
    """
    limit = _prompt_token_limit(tokenizer)
    if limit is None:
        return list(prompts), 0
    # verbose=False: the "longer than the maximum" warning is what this function replaces with a summary.
    encodings = tokenizer(list(prompts), add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    result, cut = [], 0
    for prompt, spans in zip(prompts, encodings["offset_mapping"]):
        if len(spans) <= limit:
            result.append(prompt)
            continue
        cut += 1
        keep = limit
        text = prompt[: spans[keep - 1][1]]
        # A word cut in its middle can re-tokenize into more pieces: step back until it fits.
        while keep > 1 and len(tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]) > limit:
            keep -= 1
            text = prompt[: spans[keep - 1][1]]
        result.append(text)
    return result, cut


def _settings_diff(there: dict, here: dict) -> str:
    parts = []
    for key in sorted(set(there) | set(here)):
        a, b = there.get(key), here.get(key)
        if a != b:
            short = all(not isinstance(v, (dict, list)) and len(repr(v)) <= 80 for v in (a, b))
            parts.append(f"{key}: {a!r} there, {b!r} here" if short else f"{key} differs")
    return "; ".join(parts)


def read_generation_settings(output_dir: str | os.PathLike) -> dict:
    """The settings recorded in `output_dir/generation_settings.json` by [`generate_privileged_images`]."""
    path = Path(output_dir) / GENERATION_SETTINGS_FILE
    if not path.is_file():
        raise ValueError(f"{path}: not found; is {output_dir} the output directory of `lugpi generate`?")
    return json.loads(path.read_text(encoding="utf-8"))["settings"]


def _list_shards(data_dir: Path) -> dict[str, list[Path]]:
    shards: dict[str, list[Path]] = {}
    if data_dir.is_dir():
        for path in sorted(data_dir.iterdir()):
            match = _SHARD_NAME.match(path.name)
            if match:
                shards.setdefault(match["split"], []).append(path)
    return shards


def _check_output_dir(output_dir: Path, settings: dict) -> None:
    """Refuse an output directory that holds images made with other settings: one line saying what differs."""
    manifest = output_dir / GENERATION_SETTINGS_FILE
    if manifest.is_file():
        try:
            there = json.loads(manifest.read_text(encoding="utf-8"))["settings"]
        except (json.JSONDecodeError, KeyError) as error:
            raise ValueError(f"{manifest}: unreadable generation settings ({error}).") from None
        if there != settings:
            raise ValueError(
                f"{output_dir} holds images generated with other settings ({_settings_diff(there, settings)}); "
                "use another output directory, or the same settings to resume."
            )
    for paths in _list_shards(output_dir / DATA_DIR).values():
        for path in paths:
            raw = (pq.read_schema(path).metadata or {}).get(_SETTINGS_METADATA_KEY)
            there = json.loads(raw) if raw else {}
            if there != settings:
                raise ValueError(
                    f"{path}: shard generated with other settings ({_settings_diff(there, settings)}); "
                    "use another output directory, or the same settings to resume."
                )


def _write_manifest(output_dir: Path, settings: dict) -> None:
    from . import __version__

    manifest = output_dir / GENERATION_SETTINGS_FILE
    if manifest.is_file():
        return
    output_dir.mkdir(parents=True, exist_ok=True)
    tmp = output_dir / f".{GENERATION_SETTINGS_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"lugpi_hf_version": __version__, "settings": settings}, indent=2) + "\n")
    os.replace(tmp, manifest)


def _remove_stale_temporaries(output_dir: Path) -> None:
    # Left by a process killed while writing; every live writer is started after this runs.
    for directory in (output_dir, output_dir / DATA_DIR):
        if directory.is_dir():
            for path in directory.glob(".*.tmp"):
                path.unlink(missing_ok=True)


def _where(dataset: datasets.Dataset, split: str) -> str:
    if dataset.cache_files:
        return f"split {split!r} ({Path(dataset.cache_files[0]['filename']).parent})"
    return f"split {split!r}"


def _validate(dataset: datasets.Dataset, split: str, id_column: str, prompt_column: str) -> tuple[list, list]:
    where = _where(dataset, split)
    for column in (id_column, prompt_column):
        if column not in dataset.column_names:
            raise ValueError(f"{where}: no {column!r} column (columns: {dataset.column_names}).")
    for column in ("image", "seed"):
        if column in dataset.column_names:
            raise ValueError(
                f"{where}: already has an {column!r} column, which generation adds; remove it first "
                f"(dataset.remove_columns({column!r}))."
            )
    if not _SPLIT_NAME.match(split):
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
        if not prompt.strip():
            raise ValueError(f"{where}: column {prompt_column!r}, row {row} (id {row_id!r}): empty prompt.")
    return ids, prompts


class _ShardWriter:
    """Buffers whole rows and writes them as Parquet shards, each under a temporary name, then renamed."""

    def __init__(self, dataset, data_dir: Path, split: str, features, settings: dict, shard_size: int, state):
        self.dataset = dataset.with_format("arrow")
        self.data_dir = data_dir
        self.prefix = f"{split}-{state.process_index:05d}-of-{state.num_processes:05d}-{uuid.uuid4().hex[:8]}"
        schema = features.arrow_schema
        self.schema = schema.with_metadata(
            {**schema.metadata, _SETTINGS_METADATA_KEY: json.dumps(settings, sort_keys=True)}
        )
        self.image_type = features["image"].pa_type
        self.shard_size = shard_size
        self.tables: list[pa.Table] = []
        self.num_rows = 0
        self.num_shards = 0

    def add(self, items: list[tuple[list[int], bytes, int]]) -> None:
        """Add the rows of some prompts: (row indices, encoded image, seed) each."""
        indices = [row for rows, _, _ in items for row in rows]
        table = self.dataset[indices]
        images = [{"bytes": image, "path": None} for rows, image, _ in items for _ in rows]
        seeds = [seed for rows, _, seed in items for _ in rows]
        columns = table.columns + [pa.array(images, type=self.image_type), pa.array(seeds, type=pa.int64())]
        self.tables.append(pa.Table.from_arrays(columns, schema=self.schema))
        self.num_rows += len(indices)

    def flush(self, force: bool = False) -> None:
        """Write the buffer as a shard once it holds `shard_size` rows (or anything, if `force`)."""
        if not self.tables or (self.num_rows < self.shard_size and not force):
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        name = f"{self.prefix}-{self.num_shards:05d}.parquet"
        tmp = self.data_dir / f".{name}.tmp"
        # Row groups of 100 rows let the Hub's viewer and streaming readers page through images.
        pq.write_table(pa.concat_tables(self.tables), tmp, row_group_size=100)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, self.data_dir / name)
        self.tables, self.num_rows = [], 0
        self.num_shards += 1


def _encode(image: Image.Image, image_size: int | None, image_format: str, jpeg_quality: int) -> bytes:
    if image_size is not None and min(image.size) != image_size:
        scale = image_size / min(image.size)
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if image_format == "jpeg":
        image.convert("RGB").save(buffer, format="JPEG", quality=jpeg_quality)
    else:
        image.save(buffer, format="PNG")
    return buffer.getvalue()


def _batched(items: list, size: int) -> Iterable[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _generate_split(
    dataset: datasets.Dataset,
    ids: list,
    prompts: list[str],
    pipeline,
    output_dir: Path,
    split: str,
    settings: dict,
    *,
    batch_size: int,
    shard_size: int,
    id_column: str,
    prompt_column: str,
    show_progress: bool,
    state,
) -> datasets.Dataset:
    data_dir = output_dir / DATA_DIR
    where = _where(dataset, split)
    all_shards = _list_shards(data_dir)

    # Rows already written: they must be rows of this dataset, with the same prompt, once.
    position = {row_id: row for row, row_id in enumerate(ids)}
    done: set = set()
    for path in all_shards.get(split, []):
        table = pq.read_table(path, columns=[id_column, prompt_column])
        for row_id, prompt in zip(table.column(id_column).to_pylist(), table.column(prompt_column).to_pylist()):
            if row_id not in position:
                raise ValueError(
                    f"{path}: holds id {row_id!r}, which {where} does not have; it belongs to other data."
                )
            if prompts[position[row_id]] != prompt:
                raise ValueError(f"{path}: id {row_id!r} was generated from another prompt than {where} has now.")
            if row_id in done:
                raise ValueError(f"{path}: id {row_id!r} is written twice in {data_dir}.")
            done.add(row_id)

    # Missing rows, grouped by prompt: each distinct prompt is generated once, its image written to all its rows.
    groups: dict[str, list[int]] = {}
    for row, (row_id, prompt) in enumerate(zip(ids, prompts)):
        if row_id not in done:
            groups.setdefault(prompt, []).append(row)

    # Prompts whose image some shard (of any split) already holds are copied, not generated again.
    sources: dict[str, tuple[Path, int]] = {}
    for paths in all_shards.values() if groups else ():
        for path in paths:
            column = pq.read_table(path, columns=[prompt_column]).column(prompt_column).to_pylist()
            for index, prompt in enumerate(column):
                if prompt in groups and prompt not in sources:
                    sources[prompt] = (path, index)
    to_copy = [(prompt, rows) for prompt, rows in groups.items() if prompt in sources]
    to_generate = [(prompt, rows) for prompt, rows in groups.items() if prompt not in sources]

    if state.is_main_process:
        logger.info(
            f"{split}: {len(ids)} rows, {len(done)} already in {output_dir}; {len(to_copy)} prompts reuse an "
            f"image there; generating {len(to_generate)} images on {state.num_processes} process(es)."
        )
    # Every process must see the same shards before any of them writes a new one.
    state.wait_for_everyone()

    features = dataset.features.copy()
    features["image"] = datasets.Image()
    features["seed"] = datasets.Value("int64")
    writer = _ShardWriter(dataset, data_dir, split, features, settings, shard_size, state)
    seed = settings["seed"]

    with state.split_between_processes(to_copy) as my_copies:
        by_source: dict[Path, list] = {}
        for prompt, rows in my_copies:
            by_source.setdefault(sources[prompt][0], []).append((prompt, rows))
        for path, items in by_source.items():
            images = pq.read_table(path, columns=["image"]).column("image")
            writer.add([(rows, images[sources[p][1]]["bytes"].as_py(), prompt_seed(seed, p)) for p, rows in items])
            writer.flush()

    # Batches are cut from the global list, then dealt out whole: a resumed or multi-process run feeds the
    # pipeline exactly the batches of an uninterrupted single-process run, so even float rounding matches.
    num_truncated = 0
    call_kwargs = {
        "num_inference_steps": settings["num_inference_steps"],
        "guidance_scale": settings["guidance_scale"],
    }
    if settings["resolution"] is not None:
        call_kwargs.update(height=settings["resolution"], width=settings["resolution"])
    with state.split_between_processes(_batched(to_generate, batch_size)) as my_batches:
        progress = logging.tqdm(
            total=sum(len(batch) for batch in my_batches),
            desc=f"Generating {split}",
            unit="img",
            dynamic_ncols=True,
            disable=not (show_progress and state.is_local_main_process),
        )
        tokenizer = getattr(pipeline, "tokenizer", None)
        with torch.inference_mode():
            for batch in my_batches:
                texts, cut = truncate_prompts([prompt for prompt, _ in batch], tokenizer)
                num_truncated += cut
                seeds = [prompt_seed(seed, prompt) for prompt, _ in batch]
                kwargs = dict(call_kwargs)
                if settings["negative_prompt"] is not None:
                    kwargs["negative_prompt"] = [settings["negative_prompt"]] * len(batch)
                images = pipeline(
                    prompt=texts,
                    generator=[torch.Generator("cpu").manual_seed(s) for s in seeds],
                    output_type="pil",
                    **kwargs,
                ).images
                encoded = [
                    _encode(image, settings["image_size"], settings["image_format"], settings["jpeg_quality"])
                    for image in images
                ]
                writer.add([(rows, image, s) for (_, rows), image, s in zip(batch, encoded, seeds)])
                writer.flush()
                progress.update(len(batch))
        progress.close()
    writer.flush(force=True)

    if state.num_processes > 1:
        from accelerate.utils import gather_object

        num_truncated = sum(gather_object([num_truncated]))
    if num_truncated and state.is_main_process:
        limit = _prompt_token_limit(getattr(pipeline, "tokenizer", None))
        logger.warning(
            f"{split}: {num_truncated} of {len(to_generate)} prompts exceed the generator's {limit}-token limit and "
            f"were cut to their first {limit} tokens (the stored {prompt_column!r} column keeps the full text)."
        )
    state.wait_for_everyone()
    return _load_split(data_dir, split, features, ids, id_column)


def _load_split(data_dir: Path, split: str, features, ids: list, id_column: str) -> datasets.Dataset:
    """The split's shards as one `Dataset`, rows in the input's order, each id exactly once."""
    paths = [str(path) for path in _list_shards(data_dir).get(split, [])]
    result = datasets.Dataset.from_parquet(paths, features=features, split=split)
    position: dict = {}
    for row, row_id in enumerate(result[id_column]):
        if row_id in position:
            raise ValueError(f"{data_dir}: id {row_id!r} is written twice; did two runs write there at once?")
        position[row_id] = row
    missing = [row_id for row_id in ids if row_id not in position]
    if missing:
        raise ValueError(f"{data_dir}: {len(missing)} ids have no image (first: {missing[0]!r}); rerun to finish.")
    return result.select([position[row_id] for row_id in ids])


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
    show_progress: bool = True,
) -> datasets.Dataset | datasets.DatasetDict:
    """
    Generate one image per distinct prompt of `dataset` with a diffusers text-to-image pipeline and return the
    dataset with an `image` (`datasets.Image()`) and a `seed` column added, rows in the input's order.

    Images stream to Parquet shards under `output_dir` as they come (memory does not grow with the dataset);
    rerunning the same call after a crash or Ctrl-C generates only the missing rows. Under `accelerate launch`
    the prompts are split between processes, each writing its own shards; the result equals a one-process run.

    Determinism: a prompt's initial noise comes from its own `torch.Generator` seeded with
    [`prompt_seed`]`(seed, prompt)`, so an image does not depend on the batch it lands in, the order, the
    number of processes or restarts. Identical prompts share their seed and are generated once. Batches are
    cut from the whole split before being dealt to processes, so resumed and multi-process runs give
    bit-identical images; changing `batch_size` changes only float rounding inside batched kernels.

    Args:
        dataset (`datasets.Dataset` or `datasets.DatasetDict`):
            Prepared data with unique `id_column` ids and non-empty string prompts. A `DatasetDict` is generated
            split by split (a `DatasetDict` is returned) and identical prompts across splits are generated once.
        pipeline (`DiffusionPipeline`, `str` or `os.PathLike`, *optional*):
            Any diffusers text-to-image pipeline, or a Hub id or directory to load one from. Defaults to the
            preset's generator.
        output_dir (`str` or `os.PathLike`, *optional*, defaults to `"lugpi-output/generated"`):
            Where the shards and `generation_settings.json` go. A directory holding images made with other
            settings is refused.
        preset (`str`, *optional*):
            `"paper"`, `"fast"` or `"turbo"` (see [`GENERATION_PRESETS`]): generator, resolution, steps, guidance
            and scheduler; explicit arguments win.
        split (`str`, *optional*, defaults to `"train"`):
            The split name a `Dataset` is stored under.
        batch_size (`int`, *optional*, defaults to 8):
            Prompts per pipeline call (per process).
        num_inference_steps (`int`, *optional*):
            Denoising steps; defaults to the preset's, else 50.
        guidance_scale (`float`, *optional*):
            Classifier-free guidance; defaults to the preset's, else 7.5.
        resolution (`int`, *optional*):
            Height and width to generate at; defaults to the preset's, else the pipeline's default.
        seed (`int`, *optional*, defaults to 0):
            Global seed, hashed with each prompt.
        image_size (`int`, *optional*, defaults to 256):
            Shorter side of the stored images (resized with Lanczos); `None` keeps the generated size.
        image_format (`str`, *optional*, defaults to `"jpeg"`):
            `"jpeg"` or `"png"`.
        jpeg_quality (`int`, *optional*, defaults to 95):
            JPEG quality.
        negative_prompt (`str`, *optional*):
            One negative prompt for every image (the paper uses none).
        shard_size (`int`, *optional*, defaults to 512):
            Rows per Parquet shard (a crash loses at most one unwritten shard per process).
        id_column (`str`, *optional*, defaults to `"id"`):
            Column of unique row ids.
        prompt_column (`str`, *optional*, defaults to `"prompt"`):
            Column of generator prompts. Prompts beyond the generator's token limit (77 for CLIP) are cut to it,
            with one summary warning.
        torch_dtype (`torch.dtype`, *optional*):
            Pipeline dtype; defaults to bf16 on CUDA (fp16 breaks SD 2 768-v) and fp32 on CPU.
        compile (`bool`, *optional*, defaults to `False`):
            `torch.compile` the denoiser (UNet or transformer): slower start, faster steps on large runs.
        show_progress (`bool`, *optional*, defaults to `True`):
            A progress bar with images/s and ETA on the local main process.

    Example:

    ```python
    >>> from lugpi_hf.image_generation import generate_privileged_images
    >>> from lugpi_hf.dataset_io import load_dataset_dict

    >>> prepared = load_dataset_dict("imdb-prepared")  # columns id, text, prompt, label
    >>> generated = generate_privileged_images(prepared, preset="fast", output_dir="imdb-generated", batch_size=16)
    >>> generated["train"][0]["image"]  # a 256x256 PIL image
    ```
    """
    preset_values = _resolve_preset(preset)
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image_format must be one of {IMAGE_FORMATS}, got {image_format!r}.")
    for name, value in (("batch_size", batch_size), ("shard_size", shard_size)):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}.")
    if image_size is not None and image_size < 1:
        raise ValueError(f"image_size must be positive or None (keep the generated size), got {image_size}.")

    # Bad rows are reported before anything is loaded or written.
    splits = dataset if isinstance(dataset, datasets.DatasetDict) else {split: dataset}
    columns = {name: _validate(data, name, id_column, prompt_column) for name, data in splits.items()}

    state = _partial_state()
    given = pipeline
    if pipeline is None:
        if preset_values is None:
            raise ValueError("Give a pipeline (object, Hub id or directory) or a preset.")
        given = preset_values.generator
    if isinstance(given, (str, os.PathLike)):
        pipeline = load_text_to_image_pipeline(given, preset=preset, torch_dtype=torch_dtype, device=state.device)
    else:
        given = None
        _apply_scheduler(pipeline, preset_values)
        dtype = torch_dtype or _default_dtype(state.device)
        # `.to(dtype)` warns even when nothing changes; cast only pipelines that need it.
        if getattr(pipeline, "dtype", dtype) != dtype:
            pipeline = pipeline.to(dtype=dtype)
        pipeline = pipeline.to(state.device)
    if hasattr(pipeline, "set_progress_bar_config"):
        pipeline.set_progress_bar_config(disable=True)  # one bar for the whole split, not one per call
    if compile:
        denoiser = getattr(pipeline, "unet", None) or getattr(pipeline, "transformer", None)
        if denoiser is None:
            raise ValueError(f"compile=True: {type(pipeline).__name__} has no `unet` or `transformer` to compile.")
        denoiser.compile()

    scheduler = getattr(pipeline, "scheduler", None)
    settings = json_ready(
        {
            "generator": _generator_name(pipeline, given),
            "pipeline_class": type(pipeline).__name__,
            "scheduler": type(scheduler).__name__ if scheduler is not None else None,
            "scheduler_config": {
                k: v for k, v in dict(getattr(scheduler, "config", {})).items() if not k.startswith("_")
            },
            "preset": preset,
            "num_inference_steps": num_inference_steps
            or (preset_values.num_inference_steps if preset_values else DEFAULT_NUM_INFERENCE_STEPS),
            "guidance_scale": float(
                guidance_scale
                if guidance_scale is not None
                else (preset_values.guidance_scale if preset_values else DEFAULT_GUIDANCE_SCALE)
            ),
            "resolution": resolution or (preset_values.resolution if preset_values else None),
            "negative_prompt": negative_prompt,
            "torch_dtype": str(getattr(pipeline, "dtype", torch_dtype)).removeprefix("torch."),
            "seed": seed,
            "seed_rule": SEED_RULE,
            "prompt_column": prompt_column,
            "max_prompt_tokens": _prompt_token_limit(getattr(pipeline, "tokenizer", None)),
            "image_size": image_size,
            "image_format": image_format,
            "jpeg_quality": jpeg_quality if image_format == "jpeg" else None,
        }
    )

    output_dir = Path(output_dir)
    # Every process checks (and raises) alike, so none is left waiting at a barrier.
    _check_output_dir(output_dir, settings)
    if state.is_main_process:
        _remove_stale_temporaries(output_dir)
        _write_manifest(output_dir, settings)
    results = {
        name: _generate_split(
            split_dataset,
            *columns[name],
            pipeline,
            output_dir,
            name,
            settings,
            batch_size=batch_size,
            shard_size=shard_size,
            id_column=id_column,
            prompt_column=prompt_column,
            show_progress=show_progress,
            state=state,
        )
        for name, split_dataset in splits.items()
    }
    if isinstance(dataset, datasets.DatasetDict):
        return datasets.DatasetDict(results)
    return results[split]


DATASET_CARD_TEMPLATE = Path(__file__).parent / "templates" / "generated_dataset_card.md"
_SIZE_CATEGORIES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")]


def _is_hub_id(name: str | None) -> bool:
    return bool(name) and not os.path.isabs(name) and not os.path.exists(name) and name.count("/") == 1


def _reproduce_command(settings: dict) -> str:
    args = ["lugpi generate", "--dataset <prepared dataset>"]
    args.append(f"--generator {settings['generator']}")
    if settings.get("preset"):
        args.append(f"--preset {settings['preset']}")
    args += [
        f"--num-inference-steps {settings['num_inference_steps']}",
        f"--guidance-scale {settings['guidance_scale']}",
        f"--seed {settings['seed']}",
        f"--image-size {settings['image_size'] or 0}",
        f"--image-format {settings['image_format']}",
    ]
    if settings.get("resolution"):
        args.append(f"--resolution {settings['resolution']}")
    return " \\\n    ".join(args) + " \\\n    --output-dir generated"


def make_generated_dataset_card(
    settings: dict,
    splits: dict[str, int] | None = None,
    *,
    source_dataset: str | None = None,
    pretty_name: str | None = None,
):
    """
    The dataset card of a generated dataset, rendered from `lugpi_hf/templates/generated_dataset_card.md`:
    generator, preset, steps, guidance, seed rule and prompt preprocessing, from `settings` (as recorded by
    [`generate_privileged_images`]).

    Args:
        settings (`dict`): What [`read_generation_settings`] returns.
        splits (`dict[str, int]`, *optional*): Rows per split.
        source_dataset (`str`, *optional*): Hub id (or name) of the text dataset the prompts come from.
        pretty_name (`str`, *optional*): Title; defaults to one naming the source and generator.
    """
    from huggingface_hub import DatasetCard, DatasetCardData

    splits = dict(splits or {})
    total = sum(splits.values())
    generator = settings["generator"]
    pretty_name = pretty_name or (
        f"{source_dataset or 'Texts'} with images generated by {generator.rsplit('/', 1)[-1]} (LUGPI)"
    )
    card_data = DatasetCardData(
        pretty_name=pretty_name,
        tags=["lugpi", "privileged-information", "synthetic", "text-to-image", "diffusers"],
        task_categories=["text-classification"],
        size_categories=[next((name for bound, name in _SIZE_CATEGORIES if total < bound), "n>1M")]
        if splits
        else None,
        source_datasets=[source_dataset] if source_dataset else None,
    )
    preset = GENERATION_PRESETS.get(settings.get("preset") or "")
    return DatasetCard.from_template(
        card_data,
        template_path=str(DATASET_CARD_TEMPLATE),
        pretty_name=pretty_name,
        settings=settings,
        splits=splits,
        source_dataset=source_dataset,
        source_dataset_url=f"https://huggingface.co/datasets/{source_dataset}" if _is_hub_id(source_dataset) else None,
        generator_url=f"https://huggingface.co/{generator}" if _is_hub_id(generator) else None,
        preset_description=preset.description if preset else None,
        command=_reproduce_command(settings),
    )


def push_generated_dataset(
    dataset_or_dir: datasets.Dataset | datasets.DatasetDict | str | os.PathLike,
    repo_id: str,
    *,
    settings: dict | None = None,
    source_dataset: str | None = None,
    private: bool | None = None,
    token: str | None = None,
    commit_message: str = "Upload images generated for LUGPI",
) -> str:
    """
    Push a generated dataset (its `image` column embedded in Parquet) to the Hub with a dataset card naming the
    generator, preset, steps, guidance, seed rule and prompt preprocessing. Returns the dataset's URL.

    Args:
        dataset_or_dir (`Dataset`, `DatasetDict`, `str` or `os.PathLike`):
            The output directory of [`generate_privileged_images`] (settings are read from it), or its result.
        repo_id (`str`): Dataset repository, `user/name`.
        settings (`dict`, *optional*): Generation settings; required when `dataset_or_dir` is not a directory.
        source_dataset (`str`, *optional*): The text dataset the prompts come from, named in the card.
        private (`bool`, *optional*): Create the repository private.
        token (`str`, *optional*): Hub token; defaults to the logged-in one.
        commit_message (`str`, *optional*): Message of the data commit.
    """
    from huggingface_hub import HfApi

    from .dataset_io import load_dataset_dict

    if isinstance(dataset_or_dir, (str, os.PathLike)):
        settings = settings or read_generation_settings(dataset_or_dir)
        dataset = load_dataset_dict(dataset_or_dir)
    elif settings is None:
        raise ValueError(
            "push_generated_dataset needs `settings=` (see read_generation_settings) for a dataset object."
        )
    elif isinstance(dataset_or_dir, datasets.Dataset):
        dataset = datasets.DatasetDict({str(dataset_or_dir.split or "train"): dataset_or_dir})
    else:
        dataset = dataset_or_dir
    card = make_generated_dataset_card(
        settings, {name: split.num_rows for name, split in dataset.items()}, source_dataset=source_dataset
    )
    api = HfApi(token=token)
    url = api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    # The card goes first: `push_to_hub` keeps an existing README's text and only adds its own metadata.
    card.push_to_hub(repo_id, repo_type="dataset", token=token, commit_message="Add dataset card")
    dataset.push_to_hub(repo_id, private=private, token=token, commit_message=commit_message)
    return str(url)


@dataclasses.dataclass
class LugpiGenerationArguments:
    r"""
    Arguments of the generation stage, as `lugpi generate` and `trainers/generate_images.py` take them (each option
    also answers to its hyphenated name: `--batch-size`, `--output-dir`, ...). [`run_generation`] runs them.
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
    preset: Literal["paper", "fast", "turbo"] | None = dataclasses.field(
        default=None,
        metadata={
            "help": "paper (SD 2, 768 px, 50 steps), fast (SD 2 base, 512 px, DPM-Solver++ 20 steps) or turbo "
            "(SD-Turbo, 512 px, 1 step); explicit options win."
        },
    )
    batch_size: int = dataclasses.field(default=8, metadata={"help": "Prompts per pipeline call, per process."})
    num_inference_steps: int | None = dataclasses.field(
        default=None, metadata={"help": f"Denoising steps (the preset's, else {DEFAULT_NUM_INFERENCE_STEPS})."}
    )
    guidance_scale: float | None = dataclasses.field(
        default=None, metadata={"help": f"Guidance scale (the preset's, else {DEFAULT_GUIDANCE_SCALE})."}
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
    compile: bool = dataclasses.field(default=False, metadata={"help": "torch.compile the UNet (long GPU runs)."})
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


def run_generation(args: LugpiGenerationArguments) -> datasets.DatasetDict:
    """
    What `lugpi generate` and `trainers/generate_images.py` run: load the prepared dataset, generate the chosen
    splits with [`generate_privileged_images`], and push the result from the main process when asked.
    """
    from .dataset_io import load_dataset_dict

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
    )
    if args.push_to_hub and _partial_state().is_main_process:
        # A Hub id names the source in the card; a local path would mean nothing to its readers.
        source = None if os.path.exists(args.dataset_name) else args.dataset_name
        push_generated_dataset(
            args.output_dir, args.hub_dataset_id, source_dataset=source, private=args.hub_private_repo
        )
    return generated


__all__ = [
    "GENERATION_PRESETS",
    "GenerationPreset",
    "LugpiGenerationArguments",
    "SEED_RULE",
    "generate_privileged_images",
    "load_text_to_image_pipeline",
    "make_generated_dataset_card",
    "push_generated_dataset",
    "prompt_seed",
    "read_generation_settings",
    "run_generation",
    "truncate_prompts",
]
