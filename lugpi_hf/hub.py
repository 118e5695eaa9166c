# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Sharing LUGPI artefacts on the Hugging Face Hub: teachers and students (generated datasets: see
`image_generation.push_generated_dataset`)."""

from __future__ import annotations

import os
from pathlib import Path

from huggingface_hub import CommitOperationAdd, HfApi
from transformers import AutoConfig
from transformers.utils import logging

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

    Returns:
        `str`: the URL of the commit.
    """
    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise ValueError(f"{model_dir}: not a saved model (no config.json); expected a teacher or student directory.")
    files = [
        path
        for path in sorted(model_dir.rglob("*"))
        if path.is_file() and not path.relative_to(model_dir).as_posix().startswith(_LOCAL_ONLY)
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
        card = render_model_card(info, AutoConfig.from_pretrained(model_dir))
        operations.append(CommitOperationAdd(path_in_repo="README.md", path_or_fileobj=str(card).encode()))
    elif (model_dir / "README.md").is_file():
        operations.append(CommitOperationAdd(path_in_repo="README.md", path_or_fileobj=str(model_dir / "README.md")))

    api = HfApi(token=token)
    api.create_repo(repo_id, private=private, exist_ok=True)
    commit = api.create_commit(repo_id, operations=operations, commit_message=commit_message)
    logger.info(f"Pushed {model_dir} to {repo_id} ({len(operations)} files).")
    return commit.commit_url


__all__ = ["push_model_dir"]
