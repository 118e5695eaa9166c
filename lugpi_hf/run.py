# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi run`: every LUGPI stage, one after another, each into its own directory of one output directory.

    prepare → generate → teacher-<name> → cache-<name> → student-<name> (+ baseline, image-only-<name>) → results

A stage whose directory holds a valid completion record (see `lugpi_hf.stages`) for the same settings and the
same inputs is skipped; an interrupted, changed or corrupted one is redone. The `demo` preset runs everything
offline on CPU with the tiny models of `lugpi_hf.demo` and a toy dataset the package makes itself; the paper
presets (`imdb`, `20newsgroups`, `cwi-news`, `cwi-wikinews`) use the real checkpoints and hyper-parameters.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from transformers.utils import logging

from .file_utils import atomic_write
from .locking import output_dir_lock
from .redaction import redact_secrets
from .schema import ConfigError, check_mapping, dataclass_fields, read_yaml_mapping
from .stages import STAGE_RECORD, clear_stage, mark_stage_done, mark_stage_started, stage_problem


logger = logging.get_logger(__name__)

PRESETS_DIR = Path(__file__).parent / "presets"
DEMO_NOTICE = (
    "The demo checks the machinery, not accuracy: tiny random models, a toy dataset and images from a tiny "
    "random diffusion model. Run a paper preset (e.g. `lugpi run --preset imdb`) on a GPU for real results."
)


# The fields of each section's dataclass that `lugpi run` sets itself (paths between stages, the dataset, pushes).
_RUN_SETS = {
    "prepare": ("dataset_name", "dataset_config", "output_dir", "data_dir", "overwrite"),
    "generation": ("dataset_name", "dataset_config", "output_dir", "splits", "push_to_hub", "hub_dataset_id",
                   "hub_private_repo"),
    "teachers": ("dataset_name", "dataset_config", "generator", "dataset_card_name"),
    "training": ("output_dir",),
    "distillation": ("output_dir", "teacher_cache", "teacher_model_name_or_path"),
}  # fmt: skip


def _section_types(section: str) -> tuple[type, ...]:
    # Imported here: these modules pull in torch, diffusers and transformers' Trainer.
    if section == "prepare":
        from .prepare import PrepareArguments

        return (PrepareArguments,)
    if section == "generation":
        from .generation import LugpiGenerationArguments

        return (LugpiGenerationArguments,)
    if section == "teachers":
        from .teacher_training import LugpiTeacherArguments

        return (LugpiTeacherArguments,)
    from transformers import TrainingArguments

    if section == "training":
        return (TrainingArguments,)
    from .training_args import LugpiDistillationArguments

    return (LugpiDistillationArguments,)


@dataclass
class LugpiRunConfig:
    r"""
    Everything `lugpi run` does, as read from a preset or a YAML file (`lugpi run --config file.yaml`). Each
    section is the arguments of its stage, with the same names as the stage's command-line options; the file is
    checked whole when it is loaded ([`LugpiRunConfig.from_yaml`]), before any stage runs.

    Args:
        dataset (`str`):
            `"demo"` (the toy set from `lugpi_hf.demo`) or a name `lugpi_hf.data.load_lugpi_dataset` knows:
            `imdb`, `20newsgroups`, `cwi-news`, `cwi-wikinews`, a Hub id or a local file.
        data_dir (`str`, *optional*):
            Local copy of the dataset's original files (otherwise the Hub).
        prepare (`dict`, *optional*):
            Fields of [`~lugpi_hf.prepare.PrepareArguments`] (`text_column`, `label_column`,
            `validation_fraction`, ...).
        generation (`dict`):
            Fields of [`~lugpi_hf.generation.LugpiGenerationArguments`]: `generator` (Hub id or directory),
            `preset`, `batch_size`, `num_inference_steps`, `guidance_scale`, `seed`, `image_size`, ...
        teachers (`dict[str, dict]`):
            One teacher per entry, by name: fields of [`~lugpi_hf.teacher_training.LugpiTeacherArguments`]
            (`text_model_name_or_path` or `text_model`, `vision_model_name_or_path` or `vision_model`,
            `fusion_layers`, `fusion_heads`, `max_length`, ...).
        student_model (`str`):
            The student's (and baseline's) pretrained checkpoint.
        image_only (`bool`, defaults to `True`):
            Also fine-tune each teacher's image encoder on the images alone (the paper's image-only rows).
        training (`dict`):
            `transformers.TrainingArguments` fields shared by every training stage (learning rate, batch size,
            epochs, ...).
        distillation (`dict`):
            The fields [`LugpiDistillationArguments`] adds: `alpha`, `beta`, `temperature`, `soft_loss`,
            `embedding_loss`.
        eval_split (`str`, defaults to `"test"`):
            The split of the results table.
        demo (`bool`, defaults to `False`):
            Build the tiny models of `lugpi_hf.demo` into the output directory and use them.
        seeds (`list[int]`, *optional*):
            Training seeds: prepare and generate run once, every training stage once per seed, and the results
            table gives mean ± std over the seeds and a paired bootstrap against the baseline. Defaults to
            `[training.seed]` (42 when unset).
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
    seeds: list[int] | None = None

    def __post_init__(self):
        self.check()

    def check(self, where: str = "the run configuration") -> None:
        """Check every section against its stage's dataclasses; one `ConfigError` naming the key path if not."""
        self.prepare = check_mapping(self.prepare, _section_types("prepare"), where=where, prefix="prepare",
                                     exclude=_RUN_SETS["prepare"])  # fmt: skip
        self.generation = check_mapping(self.generation, _section_types("generation"), where=where, prefix="generation",
                                        exclude=_RUN_SETS["generation"])  # fmt: skip
        if not self.teachers:
            raise ConfigError(f"{where}: teachers: name at least one teacher.")
        if not isinstance(self.teachers, dict):
            raise ConfigError(f"{where}: teachers: expected a mapping of teacher names to their settings.")
        teacher_types = _section_types("teachers")
        for name, teacher in self.teachers.items():
            teacher_where = f"{where}: teachers.{name}"
            self.teachers[name] = check_mapping(teacher, teacher_types, where=where, prefix=f"teachers.{name}",
                                                exclude=_RUN_SETS["teachers"])  # fmt: skip
            missing = [key for key in ("text_model_name_or_path", "vision_model_name_or_path")
                       if key not in self.teachers[name]]  # fmt: skip
            if missing:
                raise ConfigError(f"{teacher_where}: missing {missing[0]!r} (or its short name "
                                  f"{missing[0].removesuffix('_name_or_path')!r}).")  # fmt: skip
        training_types = _section_types("training")
        self.training = check_mapping(self.training, training_types, where=where, prefix="training",
                                      exclude=_RUN_SETS["training"])  # fmt: skip
        distillation_types = _section_types("distillation")
        training_fields = set(dataclass_fields(training_types))
        for key in self.distillation or {}:
            if key in training_fields:
                raise ConfigError(f"{where}: distillation.{key}: a training setting shared by every model; put it "
                                  "under training.")  # fmt: skip
        self.distillation = check_mapping(self.distillation, distillation_types, where=where, prefix="distillation",
                                          exclude=_RUN_SETS["distillation"])  # fmt: skip
        # The dataclasses' own checks (ranges, combinations) too, on the stages that need no hardware to build.
        with _config_errors(f"{where}: prepare"):
            _section_types("prepare")[0](dataset_name=self.dataset, data_dir=self.data_dir, **self.prepare)
        with _config_errors(f"{where}: generation"):
            _section_types("generation")[0](dataset_name="prepared", output_dir="generated", **self.generation)
        for name, teacher in self.teachers.items():
            with _config_errors(f"{where}: teachers.{name}"):
                teacher_types[0](**teacher)
        with _config_errors(f"{where}: distillation"):
            distillation_types[0](output_dir="distillation-check", use_cpu=True, **self.distillation)

    @classmethod
    def from_yaml(cls, path: str | os.PathLike) -> LugpiRunConfig:
        """Read and check a whole run configuration; any problem is one `ConfigError` naming the file and key."""
        values = read_yaml_mapping(path)
        values = check_mapping(values, [cls], where=str(path))
        if "dataset" not in values:
            raise ConfigError(f"{path}: missing 'dataset' (demo, imdb, 20newsgroups, cwi-news, cwi-wikinews, a Hub "
                              "id or a local file).")  # fmt: skip
        config = cls.__new__(cls)
        for name, value in {**{f.name: _default(f) for f in dataclasses.fields(cls)}, **values}.items():
            setattr(config, name, value)
        config.check(str(path))
        return config

    @classmethod
    def from_preset(cls, name: str) -> LugpiRunConfig:
        """One of the presets shipped in `lugpi_hf/presets/` (see [`list_presets`])."""
        path = PRESETS_DIR / f"{name}.yaml"
        if not path.is_file():
            raise ValueError(f"Unknown preset {name!r}; expected one of {list_presets()}.")
        return cls.from_yaml(path)


def _default(field_: dataclasses.Field) -> Any:
    return field_.default_factory() if field_.default_factory is not dataclasses.MISSING else field_.default


@contextlib.contextmanager
def _config_errors(where: str):
    try:
        yield
    except ConfigError:
        raise
    except (ValueError, TypeError) as error:
        raise ConfigError(f"{where}: {error}") from None


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
        settings = {**redact_secrets(settings), "inputs": {path.name: _record_digest(path) for path in inputs}}
        problem = stage_problem(stage_dir, settings)
        if problem is None:
            self.report(f"[skip] {name}: already done ({stage_dir})")
            self.skipped.append(name)
            return stage_dir
        self.report(f"[run ] {name}: {problem}")
        if not (resumable and problem.startswith("no completion record")):
            # A resumable stage (generation) picks up where an interruption left it; anything else starts clean.
            clear_stage(stage_dir)
        # Before anything is written: an interrupted stage is then recognisably ours to clear or resume.
        mark_stage_started(stage_dir, settings)
        run(stage_dir)
        mark_stage_done(stage_dir, settings)
        self.ran.append(name)
        self.report(f"[done] {name} → {stage_dir}")
        return stage_dir


def _record_digest(stage_dir: Path) -> str:
    return hashlib.sha256((stage_dir / STAGE_RECORD).read_bytes()).hexdigest()


# Stages that train or generate: with `num_processes > 1` each runs across that many processes through
# `accelerate launch -m lugpi_hf.scripts.<module> --config <its arguments>`; the orchestration stays here.
_TRAINING = {"train_teacher", "distill", "baseline", "image_only"}
_LAUNCHED = {"generate", *_TRAINING}


def _instantiate(dataclass_types: tuple[type, ...], values: dict[str, Any]) -> tuple:
    """The stage's dataclasses from one flat mapping of field values, as its script's `--config` reads it."""
    instances = []
    for dataclass_type in dataclass_types:
        names = {f.name for f in dataclasses.fields(dataclass_type) if f.init}
        instances.append(dataclass_type(**{key: value for key, value in values.items() if key in names}))
    return tuple(instances)


class _Plan:
    """Every stage's arguments, built (and so checked, TrainingArguments included) before any stage runs."""

    def __init__(self, config: LugpiRunConfig, output_dir: Path, num_processes: int):
        self.config, self.output_dir, self.num_processes = config, output_dir, num_processes
        models = output_dir / "models"
        # Demo configurations name the tiny checkpoints by their directory under `models/`.
        self.resolve = (lambda name: str(models / name)) if config.demo else (lambda name: name)
        # A checkpoint every epoch (the last one kept), so that an interrupted stage resumes where it stopped.
        self.training = {"report_to": "none", "eval_strategy": "epoch", "save_strategy": "epoch",
                         "save_total_limit": 1, **config.training}  # fmt: skip
        if config.demo:
            self.training.setdefault("use_cpu", True)
        self.seeds = list(config.seeds or [self.training.get("seed", 42)])
        self.stage_args: dict[str, tuple[str, dict[str, Any]]] = {}

    def name(self, stage: str, seed: int) -> str:
        """A training stage's directory name: `teacher-vit`, or `teacher-vit-seed1` when the run has several seeds."""
        return stage if len(self.seeds) == 1 else f"{stage}-seed{seed}"

    def add(self, stage: str, module: str, values: dict[str, Any]) -> None:
        script = importlib.import_module(f"lugpi_hf.scripts.{module}")
        with _config_errors(f"stage {stage}"):
            _instantiate(script.make_parser().dataclass_types, values)
        self.stage_args[stage] = (module, values)

    def training_values(self, stage: str, seed: int, **extra) -> dict[str, Any]:
        return {**self.training, **extra, "seed": seed, "output_dir": str(self.output_dir / stage)}

    def run(self, stage: str, stage_dir: Path) -> None:
        module, values = self.stage_args[stage]
        script = importlib.import_module(f"lugpi_hf.scripts.{module}")
        checkpoint = _last_complete_checkpoint(stage_dir) if module in _TRAINING else None
        if checkpoint is not None:
            # An interrupted run of this very stage (same settings, same inputs): go on from its last checkpoint.
            values = {**values, "resume_from_checkpoint": str(checkpoint)}
        if self.num_processes > 1 and module in _LAUNCHED:
            _launch(script, module, values, stage_dir, self.num_processes)
        else:
            script.main(*_instantiate(script.make_parser().dataclass_types, values))


def _last_complete_checkpoint(stage_dir: Path) -> Path | None:
    """
    The newest `checkpoint-<step>` whose `trainer_state.json` reads: Trainer writes that file last, so a checkpoint
    that a kill cut short is passed over for the one before it.
    """
    candidates = sorted(
        (path for path in stage_dir.glob("checkpoint-*") if path.name.split("-")[-1].isdigit()),
        key=lambda path: int(path.name.split("-")[-1]),
        reverse=True,
    )
    for checkpoint in candidates:
        try:
            json.loads((checkpoint / "trainer_state.json").read_text())
            return checkpoint
        except (OSError, ValueError):
            continue
    return None


def _launch(script, module: str, values: dict[str, Any], stage_dir: Path, num_processes: int) -> None:
    import socket
    import subprocess
    import sys

    import torch
    import yaml

    # A token goes to the processes through the environment (HF_TOKEN), never into a file of the run.
    env = dict(os.environ)
    if values.get("hub_token"):
        env["HF_TOKEN"] = values["hub_token"]
    values = {key: value for key, value in values.items() if key != "hub_token"}
    if module in _TRAINING and not torch.cuda.is_available():
        values.setdefault("ddp_backend", "gloo")  # CPU processes form one gloo group
    arguments = atomic_write(stage_dir / "lugpi_stage_args.yaml", yaml.safe_dump(values, sort_keys=True))
    with socket.socket() as sock:  # a free port, so that runs side by side do not collide
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes",
               str(num_processes), "--num_machines", "1", "--main_process_port", str(port), "--dynamo_backend", "no"]
    if not torch.cuda.is_available():
        command += ["--mixed_precision", "no"]  # `--cpu` would start one process whatever --num_processes says
    command += ["-m", f"lugpi_hf.scripts.{module}", "--config", str(arguments)]  # fmt: skip
    result = subprocess.run(command, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{script.COMMAND} failed in {num_processes} processes (exit status {result.returncode}); "
                           f"its arguments are in {arguments}.")  # fmt: skip


def run_lugpi(
    config: LugpiRunConfig,
    output_dir: str | os.PathLike,
    report: Callable[[str], None] = print,
    *,
    num_processes: int = 1,
) -> dict:
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
        num_processes (`int`, *optional*, defaults to 1):
            Processes of each generation and training stage (`accelerate launch`; GPUs, or CPU processes).
    """
    from .prepare import PrepareArguments

    output_dir = Path(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise ValueError(f"{output_dir}: is a file (expected a directory for the run's stages).")
    config_settings = redact_secrets(dataclasses.asdict(config))
    prepared_dir = output_dir / "prepare" / "dataset"
    generated_dir = output_dir / "generate" / "dataset"

    # Every stage's arguments first: a bad value anywhere stops the run before anything is written.
    plan = _Plan(config, output_dir, num_processes)
    resolve = plan.resolve
    prepare_args = PrepareArguments(dataset_name=config.dataset, data_dir=config.data_dir, **config.prepare)
    generation = dict(config.generation)
    if generation.get("generator"):
        generation["generator"] = resolve(generation["generator"])
    plan.add("generate", "generate", {**generation, "dataset_name": str(prepared_dir), "output_dir": str(generated_dir)})
    # The cards name the dataset the run prepared (a paper dataset by its Hub id), not the generate/dataset folder.
    from .data import HUB_DATASET_IDS

    card_dataset = HUB_DATASET_IDS.get(config.dataset, config.dataset)
    if config.dataset == "demo":
        card_dataset = "lugpi demo (toy)"  # no Hub dataset of that name to link
    student = {"dataset_name": str(generated_dir), "student_model_name_or_path": resolve(config.student_model),
               "test_split": config.eval_split, "dataset_card_name": card_dataset}  # fmt: skip
    for seed in plan.seeds:
        for name, teacher in config.teachers.items():
            teacher_values = {
                **teacher,
                "dataset_name": str(generated_dir),
                "dataset_card_name": card_dataset,
                "test_split": config.eval_split,  # so that the card's model-index shows the test scores
                "text_model_name_or_path": resolve(teacher["text_model_name_or_path"]),
                "vision_model_name_or_path": resolve(teacher["vision_model_name_or_path"]),
            }
            stage = plan.name(f"teacher-{name}", seed)
            plan.add(stage, "train_teacher", {**teacher_values, **plan.training_values(stage, seed)})
            stage, cache = plan.name(f"student-{name}", seed), plan.name(f"cache-{name}", seed)
            distill = plan.training_values(stage, seed, teacher_cache=[str(output_dir / cache / "cache")],
                                           **config.distillation)  # fmt: skip
            plan.add(stage, "distill", {**student, **distill})
            if config.image_only:
                stage = plan.name(f"image-only-{name}", seed)
                image_only = {"dataset_name": str(generated_dir),
                              "vision_model_name_or_path": resolve(teacher["vision_model_name_or_path"])}  # fmt: skip
                plan.add(stage, "image_only", {**image_only, **plan.training_values(stage, seed)})
        stage = plan.name("baseline", seed)
        baseline = {"dataset_name": str(prepared_dir), "student_model_name_or_path": resolve(config.student_model)}
        plan.add(stage, "baseline", {**baseline, **plan.training_values(stage, seed)})

    output_dir.mkdir(parents=True, exist_ok=True)
    with output_dir_lock(output_dir, what="lugpi run"):
        return _run_stages(config, output_dir, plan, report, prepare_args, config_settings)


def _run_stages(config, output_dir, plan, report, prepare_args, config_settings) -> dict:
    # Imported here: each stage module pulls in its own heavy dependencies (diffusers, datasets, matplotlib).
    from .dataset_io import load_dataset_dict, save_to_disk_atomic
    from .evaluation import evaluate_model, write_seed_results
    from .figures import save_image_grid
    from .generation import read_generation_settings
    from .prepare import load_prepared

    prepared_dir = output_dir / "prepare" / "dataset"
    generated_dir = output_dir / "generate" / "dataset"
    runner = _Runner(output_dir, report)
    stages: dict[str, Path] = {}
    training = redact_secrets(config.training)
    # The cache and the evaluation read images as the training stages do: off the main process, in bf16 if asked.
    inference = {key: plan.training[key] for key in ("dataloader_num_workers", "bf16") if key in plan.training}

    if config.demo:
        from .demo import save_tiny_checkpoints

        stages["models"] = runner.stage("models", {"demo": True}, [], save_tiny_checkpoints)
    model_inputs = [stages["models"]] if config.demo else []

    def prepare(stage_dir: Path) -> None:
        if config.dataset == "demo":
            from .demo import make_toy_demo_dataset

            dataset = make_toy_demo_dataset()
        else:
            dataset = load_prepared(prepare_args)
        save_to_disk_atomic(dataset, stage_dir / "dataset", overwrite=True)

    stages["prepare"] = runner.stage(
        "prepare", {k: config_settings[k] for k in ("dataset", "data_dir", "prepare")}, [], prepare
    )

    def generate(stage_dir: Path) -> None:
        plan.run("generate", stage_dir)
        generated = load_dataset_dict(generated_dir)
        train = generated["train"] if "train" in generated else next(iter(generated.values()))
        save_image_grid(train, stage_dir / "image_grid.png")

    stages["generate"] = runner.stage(
        "generate", {"generation": config.generation}, [stages["prepare"], *model_inputs], generate, resumable=True
    )

    def training_stage(stage: str):
        return lambda stage_dir: plan.run(stage, stage_dir)

    # (seed, model name in the table, kind, stage, split it is scored on)
    scored: list[tuple[int, str, str, str, str]] = []
    generator = read_generation_settings(generated_dir)["generator"]
    for seed in plan.seeds:
        for name, teacher in config.teachers.items():
            teacher_stage = plan.name(f"teacher-{name}", seed)
            # The card names the generator that made the teacher's images.
            plan.stage_args[teacher_stage][1]["generator"] = generator
            stages[teacher_stage] = runner.stage(
                teacher_stage, {"teacher": teacher, "training": training, "seed": seed},
                [stages["generate"], *model_inputs], training_stage(teacher_stage), resumable=True,
            )  # fmt: skip
            cache_stage_name = plan.name(f"cache-{name}", seed)

            def cache_stage(stage_dir: Path, teacher_dir=stages[teacher_stage], teacher=teacher) -> None:
                from .teacher_cache import CacheTeacherArguments, run_cache_teacher

                run_cache_teacher(CacheTeacherArguments(
                    dataset_name=str(generated_dir), teacher_model_name_or_path=str(teacher_dir),
                    output_dir=str(stage_dir / "cache"), max_length=teacher.get("max_length", 512),
                    **inference,
                ))  # fmt: skip

            stages[cache_stage_name] = runner.stage(
                cache_stage_name, {}, [stages["generate"], stages[teacher_stage]], cache_stage
            )
            student_stage = plan.name(f"student-{name}", seed)
            stages[student_stage] = runner.stage(
                student_stage,
                {"student_model": config.student_model, "training": training, "distillation": config.distillation,
                 "seed": seed},
                [stages["generate"], stages[cache_stage_name], *model_inputs],
                training_stage(student_stage),
                resumable=True,
            )  # fmt: skip
            scored += [(seed, f"teacher {name}", "teacher", teacher_stage, "generated"),
                       (seed, f"student {name}", "student", student_stage, "prepared")]  # fmt: skip

        baseline_stage = plan.name("baseline", seed)
        stages[baseline_stage] = runner.stage(
            baseline_stage,
            {"student_model": config.student_model, "training": training, "seed": seed},
            [stages["prepare"], *model_inputs],
            training_stage(baseline_stage),
            resumable=True,
        )
        scored.insert(0, (seed, "baseline", "baseline", baseline_stage, "prepared"))
        if config.image_only:
            for name, teacher in config.teachers.items():
                stage = plan.name(f"image-only-{name}", seed)
                stages[stage] = runner.stage(
                    stage,
                    {"vision_model": teacher["vision_model_name_or_path"], "training": training, "seed": seed},
                    [stages["generate"], *model_inputs],
                    training_stage(stage),
                    resumable=True,
                )
                scored.append((seed, f"image-only {name}", "image_only", stage, "generated"))

    def results_stage(stage_dir: Path) -> None:
        splits = {}
        for source, directory in (("prepared", prepared_dir), ("generated", generated_dir)):
            dataset = load_dataset_dict(directory)
            if config.eval_split not in dataset:
                raise ValueError(f"{directory}: no split {config.eval_split!r} (splits: {sorted(dataset)}).")
            splits[source] = dataset[config.eval_split]
        predictions = []
        for seed, model_name, group, stage, source in scored:
            _, example_predictions = evaluate_model(
                group, str(stages[stage]), splits[source], name=model_name, return_predictions=True,
                split=config.eval_split, **inference,
            )  # fmt: skip
            example_predictions.seed = seed
            predictions.append(example_predictions)
        title = f"LUGPI on {config.dataset} ({config.eval_split} split)"
        metadata = {"config": config_settings, "demo": config.demo, "seeds": plan.seeds}
        write_seed_results(predictions, stage_dir, title=title, metadata=metadata)

    result_inputs = [stages[name] for name in stages if name not in ("models",)]
    stages["results"] = runner.stage("results", {"eval_split": config.eval_split}, result_inputs, results_stage)

    table = (stages["results"] / "results.md").read_text()
    report("")
    report(table)
    report(f"Results: {stages['results']} (results.md, results.json, results.png, predictions.parquet)")
    report(f"Image grid: {stages['generate'] / 'image_grid.png'}")
    if config.demo:
        report(DEMO_NOTICE)
    summary = {
        # Relative to the run directory, so that a moved run still reads.
        "stages": {name: path.relative_to(output_dir).as_posix() for name, path in stages.items()},
        "ran": runner.ran,
        "skipped": runner.skipped,
        "results_markdown": table,
    }
    atomic_write(output_dir / "run_summary.json", json.dumps(summary, indent=2) + "\n")
    return summary


@dataclass
class RunArguments:
    """Arguments of `lugpi run` (`lugpi_hf.scripts.run`): which configuration, where, and overrides of it."""

    preset: str | None = field(
        default=None, metadata={"help": "A shipped configuration: demo, imdb, 20newsgroups, cwi-news or cwi-wikinews."}
    )
    config: str | None = field(default=None, metadata={"help": "A YAML run configuration (see trainers/configs/)."})
    output_dir: str | None = field(
        default=None, metadata={"help": "Where the stages go (default: lugpi-output/<preset or config name>)."}
    )
    data_dir: str | None = field(
        default=None, metadata={"help": "Local copy of the dataset's original files (overrides the configuration)."}
    )
    epochs: float | None = field(
        default=None, metadata={"help": "Training epochs of every model (overrides the configuration)."}
    )
    num_processes: int = field(
        default=1, metadata={"help": "Processes for each generation and training stage (accelerate launch)."}
    )
    seeds: list[int] | None = field(
        default=None, metadata={"help": "Training seeds (overrides the configuration's): every model once per seed."}
    )

    def __post_init__(self):
        if bool(self.preset) == bool(self.config):
            raise ValueError("give exactly one of --preset or --config.")
        if self.num_processes < 1:
            raise ValueError(f"--num_processes must be at least 1, got {self.num_processes}.")

    def load(self) -> tuple[LugpiRunConfig, Path]:
        """The checked configuration, with the overrides applied, and the output directory."""
        if self.preset:
            config, name = LugpiRunConfig.from_preset(self.preset), self.preset
        else:
            config, name = LugpiRunConfig.from_yaml(self.config), Path(self.config).stem
        if self.data_dir is not None:
            config.data_dir = self.data_dir
        if self.epochs is not None:
            config.training = {**config.training, "num_train_epochs": self.epochs}
        if self.seeds:
            config.seeds = list(self.seeds)
        if self.data_dir is not None or self.epochs is not None:
            config.check("the run configuration with the command line's overrides")
        return config, Path(self.output_dir or Path("lugpi-output") / name)


__all__ = ["DEMO_NOTICE", "LugpiRunConfig", "RunArguments", "list_presets", "run_lugpi"]
