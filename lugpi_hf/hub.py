# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Sharing LUGPI artefacts on the Hugging Face Hub: teachers, students, generated image datasets, whole runs."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huggingface_hub import CommitOperationAdd, HfApi
from transformers import AutoConfig
from transformers.utils import logging

from .locking import is_lock_file
from .model_card import load_card_info, render_model_card


logger = logging.get_logger(__name__)

# Trainer leftovers that do not belong in a model repository.
_LOCAL_ONLY = ("checkpoint-", "runs/", "lugpi_stage.json", "lugpi_card.json")


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
    Push a saved teacher or student (weights, config, processor or tokenizer, remote code for a teacher) to
    `repo_id` in one commit. When the directory holds LUGPI card information, the card is rendered again for
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
    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise ValueError(f"{model_dir}: not a saved model (no config.json); expected a teacher or student directory.")
    files = [
        path
        for path in sorted(model_dir.rglob("*"))
        if path.is_file()
        and not path.relative_to(model_dir).as_posix().startswith(_LOCAL_ONLY)
        and not is_lock_file(path)
    ]
    operations = [
        CommitOperationAdd(path_in_repo=path.relative_to(model_dir).as_posix(), path_or_fileobj=str(path))
        for path in files
        if path.relative_to(model_dir).as_posix() != "README.md"
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
    from .image_generation import GENERATION_SETTINGS_FILE, push_generated_dataset

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
    from .image_generation import push_generated_dataset

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


__all__ = ["PushArguments", "push_artefact", "push_model_dir", "push_run", "run_push"]
