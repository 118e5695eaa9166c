# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi run`: every LUGPI stage, one after another, each into its own directory of one output directory.

    prepare → generate → teacher-<name> → cache-<name> → student-<name> (+ baseline, image-only-<name>) → results

A stage whose directory holds a valid completion record (see `lugpi_hf.stages`) for the same settings and the
same inputs is skipped; an interrupted, changed or corrupted one is redone. The `demo` preset runs everything
offline on CPU with the tiny models of `lugpi_hf.testing` and a toy dataset the package makes itself; the paper
presets (`imdb`, `20newsgroups`, `cwi-news`, `cwi-wikinews`) use the real checkpoints and hyper-parameters.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml
from transformers import TrainingArguments
from transformers.utils import logging

from .stages import STAGE_RECORD, clear_stage, mark_stage_done, stage_problem


logger = logging.get_logger(__name__)

PRESETS_DIR = Path(__file__).parent / "presets"
DEMO_NOTICE = (
    "The demo checks the machinery, not accuracy: tiny random models, a toy dataset and images from a tiny "
    "random diffusion model. Run a paper preset (e.g. `lugpi run --preset imdb`) on a GPU for real results."
)


@dataclass
class LugpiRunConfig:
    r"""
    Everything `lugpi run` does, as read from a preset or a YAML file (`lugpi run --config file.yaml`).

    Args:
        dataset (`str`):
            `"demo"` (the toy set from `lugpi_hf.testing`) or a name `lugpi_hf.data.load_lugpi_dataset` knows:
            `imdb`, `20newsgroups`, `cwi-news`, `cwi-wikinews`, a Hub id or a local file.
        data_dir (`str`, *optional*):
            Local copy of the dataset's original files (otherwise the Hub).
        prepare (`dict`, *optional*):
            Further arguments of `load_lugpi_dataset` (`text_column`, `label_column`, `validation_fraction`, ...).
        generation (`dict`):
            Arguments of `generate_privileged_images`: `generator` (hub id or directory), `preset`, `batch_size`,
            `num_inference_steps`, `guidance_scale`, `seed`, `image_size`, `image_format`.
        teachers (`dict[str, dict]`):
            One teacher per entry, by name: `text_model`, `vision_model` and optional `fusion_layers`,
            `fusion_heads`, `max_length`.
        student_model (`str`):
            The student's (and baseline's) pretrained checkpoint.
        image_only (`bool`, defaults to `True`):
            Also fine-tune each teacher's image encoder on the images alone (the paper's image-only rows).
        training (`dict`):
            `TrainingArguments` shared by every training stage (learning rate, batch size, epochs, ...).
        distillation (`dict`):
            The distillation arguments: `alpha`, `beta`, `temperature`, `soft_loss`, `embedding_loss`.
        eval_split (`str`, defaults to `"test"`):
            The split of the results table.
        demo (`bool`, defaults to `False`):
            Build the tiny models of `lugpi_hf.testing` into the output directory and use them.
    """

    dataset: str
    data_dir: str | None = None
    prepare: dict[str, Any] = field(default_factory=dict)
    generation: dict[str, Any] = field(default_factory=dict)
    teachers: dict[str, dict[str, Any]] = field(default_factory=dict)
    student_model: str = "distilbert-base-uncased"
    image_only: bool = True
    training: dict[str, Any] = field(default_factory=dict)
    distillation: dict[str, Any] = field(default_factory=dict)
    eval_split: str = "test"
    demo: bool = False

    def __post_init__(self):
        if not self.teachers:
            raise ValueError("The run configuration names no teacher: give at least one under `teachers`.")
        for name, teacher in self.teachers.items():
            missing = {"text_model", "vision_model"} - set(teacher)
            if missing:
                raise ValueError(f"Teacher {name!r}: missing {sorted(missing)} in the run configuration.")

    @classmethod
    def from_yaml(cls, path: str | os.PathLike) -> LugpiRunConfig:
        """Read a run configuration; unknown keys are an error naming them and the file."""
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"{path}: no such run configuration file.")
        values = yaml.safe_load(path.read_text()) or {}
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"{path}: unknown key(s) {unknown}; expected some of {sorted(known)}.")
        return cls(**values)

    @classmethod
    def from_preset(cls, name: str) -> LugpiRunConfig:
        """One of the presets shipped in `lugpi_hf/presets/` (see [`list_presets`])."""
        path = PRESETS_DIR / f"{name}.yaml"
        if not path.is_file():
            raise ValueError(f"Unknown preset {name!r}; expected one of {list_presets()}.")
        return cls.from_yaml(path)


def list_presets() -> list[str]:
    return sorted(path.stem for path in PRESETS_DIR.glob("*.yaml"))


class _Runner:
    """Runs the stages of one output directory, each at most once, in order."""

    def __init__(self, output_dir: Path, report: Callable[[str], None]):
        self.output_dir = output_dir
        self.report = report
        self.ran: list[str] = []
        self.skipped: list[str] = []

    def stage(
        self,
        name: str,
        settings: dict[str, Any],
        inputs: list[Path],
        run: Callable[[Path], None],
        resumable: bool = False,
    ) -> Path:
        stage_dir = self.output_dir / name
        # A stage depends on the exact records of the stages it reads, so redoing one redoes what follows.
        settings = {**settings, "inputs": {path.name: _record_digest(path) for path in inputs}}
        problem = stage_problem(stage_dir, settings)
        if problem is None:
            self.report(f"[skip] {name}: already done ({stage_dir})")
            self.skipped.append(name)
            return stage_dir
        self.report(f"[run ] {name}: {problem}")
        if not (resumable and problem.startswith("no completion record")):
            # A resumable stage (generation) picks up where an interruption left it; anything else starts clean.
            clear_stage(stage_dir)
        stage_dir.mkdir(parents=True, exist_ok=True)
        run(stage_dir)
        mark_stage_done(stage_dir, settings)
        self.ran.append(name)
        self.report(f"[done] {name} → {stage_dir}")
        return stage_dir


def _record_digest(stage_dir: Path) -> str:
    return hashlib.sha256((stage_dir / STAGE_RECORD).read_bytes()).hexdigest()


def _training_arguments(args_class, output_dir: Path, config: LugpiRunConfig, **extra):
    kwargs = {"report_to": "none", "save_strategy": "no", "eval_strategy": "epoch", **config.training, **extra}
    if config.demo:
        kwargs.setdefault("use_cpu", True)
    return args_class(output_dir=str(output_dir), **kwargs)


def run_lugpi(config: LugpiRunConfig, output_dir: str | os.PathLike, report: Callable[[str], None] = print) -> dict:
    r"""
    Run every LUGPI stage of `config` into `output_dir`, skipping the stages already done, and return a summary:
    the stage directories, which stages ran and which were skipped, and the results table (markdown).

    Args:
        config ([`LugpiRunConfig`]):
            What to run; see `LugpiRunConfig.from_preset` and `LugpiRunConfig.from_yaml`.
        output_dir (`str` or `os.PathLike`):
            One directory per stage goes there.
        report (`Callable[[str], None]`, *optional*, defaults to `print`):
            Where the progress lines (which stage runs, which is skipped and why) go.
    """
    # Imported here: each stage module pulls in its own heavy dependencies (diffusers, datasets, matplotlib).
    from .data import load_lugpi_dataset
    from .dataset_io import load_dataset_dict, save_to_disk_atomic
    from .evaluation import evaluate_model, write_results
    from .figures import save_image_grid
    from .image_generation import generate_privileged_images, read_generation_settings
    from .image_only import ImageOnlyScriptArguments, train_image_only
    from .student import StudentScriptArguments, train_student
    from .teacher_cache import build_teacher_cache
    from .teacher_training import LugpiTeacherArguments, train_teacher
    from .training_args import LugpiDistillationArguments

    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    runner = _Runner(output_dir, report)
    config_settings = dataclasses.asdict(config)
    stages: dict[str, Path] = {}

    if config.demo:
        from .testing import save_tiny_checkpoints

        stages["models"] = runner.stage("models", {"demo": True}, [], save_tiny_checkpoints)
        models = stages["models"]

        def resolve(name: str) -> str:
            # Demo configurations name the tiny checkpoints by their directory under `models/`.
            return str(models / name)

    else:

        def resolve(name: str) -> str:
            return name

    model_inputs = [stages["models"]] if config.demo else []

    def prepare(stage_dir: Path) -> None:
        if config.dataset == "demo":
            from .testing import make_toy_demo_dataset

            dataset = make_toy_demo_dataset()
        else:
            dataset = load_lugpi_dataset(config.dataset, config.data_dir, **config.prepare)
        save_to_disk_atomic(dataset, stage_dir / "dataset", overwrite=True)

    stages["prepare"] = runner.stage(
        "prepare", {k: config_settings[k] for k in ("dataset", "data_dir", "prepare")}, [], prepare
    )
    prepared_dir = stages["prepare"] / "dataset"

    generation = dict(config.generation)
    generator = generation.pop("generator", None)

    def generate(stage_dir: Path) -> None:
        generated = generate_privileged_images(
            load_dataset_dict(prepared_dir),
            resolve(generator) if generator else None,
            stage_dir / "dataset",
            **generation,
        )
        train = generated["train"] if "train" in generated else next(iter(generated.values()))
        save_image_grid(train, stage_dir / "image_grid.png")

    stages["generate"] = runner.stage(
        "generate", {"generation": config.generation}, [stages["prepare"], *model_inputs], generate, resumable=True
    )
    generated_dir = stages["generate"] / "dataset"

    for name, teacher in config.teachers.items():
        teacher_settings = {"teacher": teacher, "training": config.training}

        def teacher_stage(stage_dir: Path, teacher=teacher) -> None:
            args = LugpiTeacherArguments(
                dataset_name=str(generated_dir),
                text_model_name_or_path=resolve(teacher["text_model"]),
                vision_model_name_or_path=resolve(teacher["vision_model"]),
                generator=read_generation_settings(generated_dir)["generator"],
                **{k: v for k, v in teacher.items() if k not in ("text_model", "vision_model")},
            )
            train_teacher(args, _training_arguments(TrainingArguments, stage_dir, config))

        stages[f"teacher-{name}"] = runner.stage(
            f"teacher-{name}", teacher_settings, [stages["generate"], *model_inputs], teacher_stage
        )

        def cache_stage(stage_dir: Path, teacher_dir=stages[f"teacher-{name}"], teacher=teacher) -> None:
            train = load_dataset_dict(generated_dir)["train"]
            cache = build_teacher_cache(teacher_dir, train, max_length=teacher.get("max_length"))
            cache.save_to_disk(stage_dir / "cache")

        stages[f"cache-{name}"] = runner.stage(
            f"cache-{name}", {}, [stages["generate"], stages[f"teacher-{name}"]], cache_stage
        )

        def distill_stage(stage_dir: Path, cache_dir=stages[f"cache-{name}"] / "cache") -> None:
            args = StudentScriptArguments(
                dataset_name=str(generated_dir), student_model_name_or_path=resolve(config.student_model)
            )
            training_args = _training_arguments(
                LugpiDistillationArguments, stage_dir, config, teacher_cache=[str(cache_dir)], **config.distillation
            )
            train_student(args, training_args, distill=True)

        stages[f"student-{name}"] = runner.stage(
            f"student-{name}",
            {"student_model": config.student_model, "training": config.training, "distillation": config.distillation},
            [stages["generate"], stages[f"cache-{name}"], *model_inputs],
            distill_stage,
        )

    def baseline_stage(stage_dir: Path) -> None:
        args = StudentScriptArguments(
            dataset_name=str(prepared_dir), student_model_name_or_path=resolve(config.student_model)
        )
        train_student(args, _training_arguments(TrainingArguments, stage_dir, config), distill=False)

    stages["baseline"] = runner.stage(
        "baseline",
        {"student_model": config.student_model, "training": config.training},
        [stages["prepare"], *model_inputs],
        baseline_stage,
    )

    image_only_names = []
    if config.image_only:
        for name, teacher in config.teachers.items():

            def image_only_stage(stage_dir: Path, vision_model=teacher["vision_model"]) -> None:
                args = ImageOnlyScriptArguments(
                    dataset_name=str(generated_dir), vision_model_name_or_path=resolve(vision_model)
                )
                train_image_only(args, _training_arguments(TrainingArguments, stage_dir, config))

            stages[f"image-only-{name}"] = runner.stage(
                f"image-only-{name}",
                {"vision_model": teacher["vision_model"], "training": config.training},
                [stages["generate"], *model_inputs],
                image_only_stage,
            )
            image_only_names.append(name)

    def results_stage(stage_dir: Path) -> None:
        prepared = load_dataset_dict(prepared_dir)
        generated = load_dataset_dict(generated_dir)
        for source, dataset in (("prepared", prepared), ("generated", generated)):
            if config.eval_split not in dataset:
                raise ValueError(f"{source} dataset has no split {config.eval_split!r} (splits: {sorted(dataset)}).")
        text_split, image_split = prepared[config.eval_split], generated[config.eval_split]
        results = [evaluate_model("baseline", str(stages["baseline"]), text_split, name="baseline")]
        for name in image_only_names:
            results.append(
                evaluate_model("image_only", str(stages[f"image-only-{name}"]), image_split, name=f"image-only {name}")
            )
        for name in config.teachers:
            results.append(evaluate_model("teacher", str(stages[f"teacher-{name}"]), image_split, name=f"teacher {name}"))
            results.append(evaluate_model("student", str(stages[f"student-{name}"]), text_split, name=f"student {name}"))
        title = f"LUGPI on {config.dataset} ({config.eval_split} split)"
        write_results(results, stage_dir, title=title, metadata={"config": config_settings, "demo": config.demo})

    result_inputs = [stages[name] for name in stages if name not in ("models",)]
    stages["results"] = runner.stage("results", {"eval_split": config.eval_split}, result_inputs, results_stage)

    table = (stages["results"] / "results.md").read_text()
    report("")
    report(table)
    report(f"Results: {stages['results']} (results.md, results.json, results.png)")
    report(f"Image grid: {stages['generate'] / 'image_grid.png'}")
    if config.demo:
        report(DEMO_NOTICE)
    summary = {
        "stages": {name: str(path) for name, path in stages.items()},
        "ran": runner.ran,
        "skipped": runner.skipped,
        "results_markdown": table,
    }
    (output_dir / "run_summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


__all__ = ["DEMO_NOTICE", "LugpiRunConfig", "list_presets", "run_lugpi"]
