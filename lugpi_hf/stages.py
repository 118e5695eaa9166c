# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Completion records of the stages of a LUGPI run, so that a rerun skips what is done and redoes what is not.

A finished stage leaves `lugpi_stage.json` in its directory: the settings it ran with and the size, modification
time and SHA-256 of every file it wrote (its `checkpoint-*` folders aside: they are for resuming it). A stage
counts as done only if that record exists, its settings equal the requested ones, and every file is still there
with the same size and hash; a truncated or edited output is redone, not trusted. A file whose size and
modification time are those recorded is not hashed again, so a rerun of a finished run reads no weights.

A stage that starts writes a first `lugpi_stage.json` with `"status": "running"` ([`mark_stage_started`]), which
the finished record replaces. So a stage directory always says that the runner made it, even after a kill, and
[`clear_stage`] deletes only such directories (or empty ones): never a directory that lugpi did not write.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from transformers.utils import logging

from .file_utils import atomic_write, sha256_file
from .locking import is_lock_file
from .outputs import check_replaceable


logger = logging.get_logger(__name__)

STAGE_RECORD = "lugpi_stage.json"
RUNNING = "running"


def _is_output(stage_dir: Path, path: Path) -> bool:
    # Checkpoints are for resuming the stage, not part of what it produced; a lock file of a directory inside the
    # stage's (see `lugpi_hf.locking`) is not output either.
    top = path.relative_to(stage_dir).parts[0]
    return path.is_file() and path.name != STAGE_RECORD and not is_lock_file(path) and not top.startswith("checkpoint-")


def _unchanged(path: Path, expected: Mapping[str, Any]) -> bool:
    """Whether `path` still holds what the record says; hashed again only if its size or modification time moved."""
    stat = path.stat()
    if stat.st_size != expected["size"]:
        return False
    if expected.get("mtime_ns") == stat.st_mtime_ns:
        return True
    return sha256_file(path) == expected["sha256"]


def _files(stage_dir: Path) -> dict[str, dict[str, Any]]:
    files = {}
    for path in sorted(stage_dir.rglob("*")):
        if _is_output(stage_dir, path):
            stat = path.stat()
            files[path.relative_to(stage_dir).as_posix()] = {
                "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": sha256_file(path)
            }  # fmt: skip
    return files


def json_ready(settings: Any) -> Any:
    """`settings` as it reads back from JSON, so that tuples and lists, or paths and strings, compare equal."""
    return json.loads(json.dumps(settings, sort_keys=True, default=str))


def stage_problem(stage_dir: str | os.PathLike, settings: dict[str, Any]) -> str | None:
    """Why the stage in `stage_dir` must run (again), or `None` when its output is complete and intact."""
    stage_dir = Path(stage_dir)
    record_path = stage_dir / STAGE_RECORD
    if not record_path.is_file():
        return "not run yet" if not stage_dir.exists() else "no completion record (interrupted?)"
    try:
        record = json.loads(record_path.read_text())
    except json.JSONDecodeError:
        return f"{record_path} is not valid JSON"
    if record.get("settings") != json_ready(settings):
        return "its settings or inputs changed"
    if record.get("status") == RUNNING:
        # Interrupted with these very settings: a resumable stage may go on from what it left.
        return "no completion record (interrupted?)"
    for name, expected in record.get("files", {}).items():
        path = stage_dir / name
        if not path.is_file():
            return f"{path} is missing"
        if not _unchanged(path, expected):
            return f"{path} changed since the stage finished (corrupted?)"
    return None


def _write_record(stage_dir: Path, record: Mapping[str, Any]) -> None:
    atomic_write(stage_dir / STAGE_RECORD, json.dumps(record, indent=2, sort_keys=True))


def mark_stage_started(stage_dir: str | os.PathLike, settings: dict[str, Any]) -> None:
    """
    Record that the stage in `stage_dir` (created if needed) is running with `settings`, before it writes anything:
    until [`mark_stage_done`] replaces it, the record says the stage was interrupted, and that its directory and
    whatever it holds (checkpoints, partial outputs) are the runner's to clear.
    """
    stage_dir = Path(stage_dir)
    stage_dir.mkdir(parents=True, exist_ok=True)
    _write_record(stage_dir, {"status": RUNNING, "settings": json_ready(settings)})


def mark_stage_done(stage_dir: str | os.PathLike, settings: dict[str, Any]) -> None:
    """Record that the stage in `stage_dir` finished with `settings` (written atomically)."""
    stage_dir = Path(stage_dir)
    _write_record(stage_dir, {"settings": json_ready(settings), "files": _files(stage_dir)})


def clear_stage(stage_dir: str | os.PathLike) -> None:
    """
    Remove a stage's unfinished or invalid output before it runs again. Only a directory the runner made is removed:
    one with a stage record (finished, or running when it was interrupted, see [`mark_stage_started`]) or an empty
    one; anything else is a `ValueError`, and left as it is.
    """
    stage_dir = Path(stage_dir)
    check_replaceable(stage_dir, recognised_by=(STAGE_RECORD,), what="a stage directory of `lugpi run`")
    if stage_dir.exists():
        shutil.rmtree(stage_dir)


__all__ = ["STAGE_RECORD", "clear_stage", "json_ready", "mark_stage_done", "mark_stage_started", "stage_problem"]
