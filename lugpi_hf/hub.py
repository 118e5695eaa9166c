# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Sharing LUGPI artefacts on the Hugging Face Hub: teachers, students, generated image datasets, whole runs."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from huggingface_hub import CommitOperationAdd, HfApi
from transformers import AutoConfig, Trainer
from transformers.trainer_utils import HubStrategy, SaveStrategy
from transformers.utils import PushInProgress, hf_api, logging


logger = logging.get_logger(__name__)

# What a model repository holds: weights, config, tokenizer or processor files, the card and remote code, all at
# the top of the model directory. The rest of a training output directory stays local: `training_args.bin` (it
# pickles every argument, a `hub_token` included), `checkpoint-*`, `trainer_state.json`, `*_results.json`, our
# records (`lugpi_stage.json`, `lugpi_card.json`, `lugpi_teacher_cache.json`) and lock files. An allow-list, so a
# file some later version writes there stays local until it is named here.
MODEL_FILE_PATTERNS = (
    "*.safetensors",
    "*.safetensors.index.json",
    "config.json",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.txt",
    "vocab.json",
    "merges.txt",
    "*.model",
    "chat_template.jinja",
    "chat_template.json",
    "preprocessor_config.json",
    "processor_config.json",
    "video_preprocessor_config.json",
    "README.md",
    "*.py",
)
# `fnmatch`'s `*` also matches `/`: without this, `checkpoint-5/model.safetensors` would match `*.safetensors`.
_SUBFOLDERS = ("*/*",)


def model_files(model_dir: str | os.PathLike) -> list[Path]:
    """The files of a saved model directory that belong in its Hub repository (see `MODEL_FILE_PATTERNS`)."""
    model_dir = Path(model_dir)
    return [
        path
        for path in sorted(model_dir.iterdir())
        if path.is_file() and any(fnmatch(path.name, pattern) for pattern in MODEL_FILE_PATTERNS)
    ]


class ModelFilesPushMixin:
    """
    For `transformers.Trainer` subclasses: `push_to_hub`, and the pushes during training that `hub_strategy` asks
    for, upload only the model's files (`MODEL_FILE_PATTERNS`). `Trainer` uploads its whole output directory except
    checkpoints, `training_args.bin` included; with `hub_strategy="checkpoint"` or `"all_checkpoints"` it also
    uploads whole checkpoints (optimizer state, `training_args.bin`), which this mixin does not.
    """

    def _upload_model_files(self, folder: str, commit_message: str, token: str | None, revision, run_as_future):
        return hf_api().upload_folder(
            repo_id=self.hub_model_id,
            folder_path=folder,
            commit_message=commit_message,
            token=token,
            run_as_future=run_as_future,
            allow_patterns=list(MODEL_FILE_PATTERNS),
            ignore_patterns=list(_SUBFOLDERS),
            revision=revision,
        )

    def push_to_hub(
        self,
        commit_message: str | None = "End of training",
        blocking: bool = True,
        token: str | None = None,
        revision: str | None = None,
        private: bool | None = None,
        **kwargs,
    ):
        # `Trainer.push_to_hub`'s steps, with the upload restricted to the model's files.
        self.callback_handler.on_push_begin(self.args, self.state, self.control)
        model_name = kwargs.pop("model_name", None)
        if model_name is None and self.args.should_save:
            model_name = (self.args.hub_model_id or Path(self.args.output_dir).name).split("/")[-1]
        token = token if token is not None else self.args.hub_token
        if self.hub_model_id is None:
            self.init_hf_repo(token=token, private=private)
        self.save_model(_internal_call=True)
        if not self.is_world_process_zero():
            return None
        self.create_model_card(model_name=model_name, **kwargs)
        self._finish_current_push()
        return self._upload_model_files(
            self.args.output_dir, commit_message, token, revision or self.args.hub_revision, not blocking
        )

    def _push_from_checkpoint(self, checkpoint_folder: str) -> None:
        if not self.is_world_process_zero() or self.args.hub_strategy == HubStrategy.END:
            return
        if not self.args.hub_always_push and self.push_in_progress is not None and not self.push_in_progress.is_done():
            return
        if self.args.hub_strategy in (HubStrategy.CHECKPOINT, HubStrategy.ALL_CHECKPOINTS):
            logger.warning_once(
                f"hub_strategy={self.args.hub_strategy.value}: only the model's files are pushed, not whole "
                "checkpoints (they hold training_args.bin and the optimizer state); resume from the local ones."
            )
        self.callback_handler.on_push_begin(self.args, self.state, self.control)
        # The checkpoint folder holds everything the model needs (weights, config, processor, remote code).
        if self.args.save_strategy == SaveStrategy.STEPS:
            commit_message = f"Training in progress, step {self.state.global_step}"
        else:
            commit_message = f"Training in progress, epoch {int(self.state.epoch)}"
        job = self._upload_model_files(
            checkpoint_folder, commit_message, self.args.hub_token, self.args.hub_revision, True
        )
        if self.push_in_progress is None or self.push_in_progress.is_done():
            self.push_in_progress = PushInProgress([job])
        else:
            self.push_in_progress.jobs.append(job)


class ModelFilesTrainer(ModelFilesPushMixin, Trainer):
    """A plain `transformers.Trainer` that pushes only the model's files: the baseline and image-only recipes."""



def push_model_dir(
    model_dir: str | os.PathLike,
    repo_id: str,
    *,
    private: bool | None = None,
    token: str | None = None,
    commit_message: str = "Upload LUGPI model",
    card_overrides: dict[str, Any] | None = None,
) -> str:
    r"""
    Push a saved teacher or student (weights, config, processor or tokenizer, remote code for a teacher: the files
    `MODEL_FILE_PATTERNS` names, nothing else of the directory) to `repo_id` in one commit. When the directory holds LUGPI card information, the card is rendered again for
    `repo_id`, so its usage snippet names the repository it is in.

    Args:
        model_dir (`str` or `os.PathLike`):
            A directory written by `save_pretrained` / the LUGPI trainers.
        repo_id (`str`):
            Target model repository, created if it does not exist.
        private (`bool`, *optional*):
            Visibility of a repository this call creates.
        token (`str`, *optional*):
            Hub token; defaults to the logged-in one.
        card_overrides (`dict`, *optional*):
            Card fields to replace, e.g. the Hub ids of the teacher and the dataset instead of local paths.

    Returns:
        `str`: the URL of the commit.
    """
    from .model_card import load_card_info, render_model_card

    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise ValueError(f"{model_dir}: not a saved model (no config.json); expected a teacher or student directory.")
    operations = [
        CommitOperationAdd(path_in_repo=path.name, path_or_fileobj=str(path))
        for path in model_files(model_dir)
        if path.name != "README.md"
    ]
    info = load_card_info(model_dir)
    if info is not None:
        info.repo_id = repo_id
        info.model_name = repo_id.split("/")[-1]
        for key, value in (card_overrides or {}).items():
            setattr(info, key, value)
        card = render_model_card(info, AutoConfig.from_pretrained(model_dir))
        operations.append(CommitOperationAdd(path_in_repo="README.md", path_or_fileobj=str(card).encode()))
    elif (model_dir / "README.md").is_file():
        operations.append(CommitOperationAdd(path_in_repo="README.md", path_or_fileobj=str(model_dir / "README.md")))

    api = HfApi(token=token)
    api.create_repo(repo_id, private=private, exist_ok=True)
    commit = api.create_commit(repo_id, operations=operations, commit_message=commit_message)
    logger.info(f"Pushed {model_dir} to {repo_id} ({len(operations)} files).")
    return commit.commit_url


def push_artefact(
    path: str | os.PathLike, repo_id: str, *, private: bool | None = None, token: str | None = None
) -> str:
    """Push a saved teacher or student (a directory with `config.json`) or a generated dataset (the output
    directory of `lugpi generate`, with `generation_settings.json`) to `repo_id`; returns the URL."""
    from .generation import GENERATION_SETTINGS_FILE, push_generated_dataset

    path = Path(path)
    if (path / "config.json").is_file():
        return push_model_dir(path, repo_id, private=private, token=token)
    if (path / GENERATION_SETTINGS_FILE).is_file():
        return push_generated_dataset(path, repo_id, private=private, token=token)
    raise ValueError(
        f"{path}: nothing to push here; expected a saved model (config.json) or the output directory of "
        f"`lugpi generate` ({GENERATION_SETTINGS_FILE}), or a `lugpi run` directory with --namespace."
    )


def push_run(
    run_dir: str | os.PathLike,
    namespace: str,
    *,
    prefix: str | None = None,
    private: bool | None = None,
    token: str | None = None,
) -> dict[str, str]:
    r"""
    Push what a `lugpi run` produced: the generated images as `{namespace}/{prefix}-images`, each teacher as
    `{namespace}/{prefix}-teacher-<name>` and each student as `{namespace}/{prefix}-student-<name>`, with cards
    that name each other's repositories. Returns the repository ids by stage.

    Args:
        run_dir (`str` or `os.PathLike`):
            The output directory of `lugpi run` (with `run_summary.json`).
        namespace (`str`):
            User or organisation on the Hub.
        prefix (`str`, *optional*):
            Start of every repository name. Defaults to the run directory's name.
    """
    from .generation import push_generated_dataset

    run_dir = Path(run_dir)
    summary_path = run_dir / "run_summary.json"
    if not summary_path.is_file():
        raise ValueError(f"{run_dir}: not a `lugpi run` directory (no run_summary.json); run it first.")
    # Stage paths are relative to the run directory (absolute in runs written before 0.1).
    stages = {name: run_dir / path for name, path in json.loads(summary_path.read_text())["stages"].items()}
    prefix = prefix or run_dir.resolve().name
    pushed = {"generate": f"{namespace}/{prefix}-images"}
    push_generated_dataset(stages["generate"] / "dataset", pushed["generate"], private=private, token=token)
    teachers = sorted(name.removeprefix("teacher-") for name in stages if name.startswith("teacher-"))
    for name in teachers:
        teacher_repo = pushed[f"teacher-{name}"] = f"{namespace}/{prefix}-teacher-{name}"
        push_model_dir(
            stages[f"teacher-{name}"], teacher_repo, private=private, token=token,
            card_overrides={"dataset": pushed["generate"]},
        )  # fmt: skip
        student_repo = pushed[f"student-{name}"] = f"{namespace}/{prefix}-student-{name}"
        push_model_dir(
            stages[f"student-{name}"], student_repo, private=private, token=token,
            card_overrides={"dataset": pushed["generate"], "teacher": teacher_repo},
        )  # fmt: skip
    return pushed


@dataclass
class PushArguments:
    """Arguments of `lugpi push` (`lugpi_hf.scripts.push`): what to share and where."""

    path: str | None = field(
        default=None,
        metadata={"help": "A saved teacher or student, a generated dataset directory, or a `lugpi run` directory."},
    )
    repo_id: str | None = field(default=None, metadata={"help": "Target repository for one artefact (user/name)."})
    namespace: str | None = field(
        default=None, metadata={"help": "User or organisation for every artefact of a `lugpi run` directory."}
    )
    prefix: str | None = field(
        default=None, metadata={"help": "With --namespace: start of the repository names (default: run dir name)."}
    )
    private: bool = field(default=False, metadata={"help": "Create the repositories private."})
    token: str | None = field(default=None, metadata={"help": "Hub token (default: the logged-in one)."})

    def __post_init__(self):
        if not self.path:
            raise ValueError("give the PATH to push.")
        if bool(self.repo_id) == bool(self.namespace):
            raise ValueError("give exactly one of --repo_id (one artefact) or --namespace (a whole run).")


def run_push(args: PushArguments) -> dict[str, str]:
    """What `lugpi push` runs; returns the repository id of each artefact pushed, by stage (or path)."""
    private = True if args.private else None
    if args.namespace:
        return push_run(args.path, args.namespace, prefix=args.prefix, private=private, token=args.token)
    return {args.path: push_artefact(args.path, args.repo_id, private=private, token=args.token)}


__all__ = [
    "MODEL_FILE_PATTERNS",
    "ModelFilesPushMixin",
    "ModelFilesTrainer",
    "PushArguments",
    "model_files",
    "push_artefact",
    "push_model_dir",
    "push_run",
    "run_push",
]
