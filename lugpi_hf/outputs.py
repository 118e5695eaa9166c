# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Nothing deleted that we did not write: a command replaces an existing path only if it is its own earlier output.

Each kind of output is recognised by the record it always holds: `lugpi_stage.json` for a stage of `lugpi run`,
`dataset_dict.json` or `state.json` for a dataset saved by `save_to_disk`, `lugpi_teacher_cache.json` for a teacher
cache. A path that is anything else (a file, or a directory with other files and none of those records, such as a
teacher checkpoint given as the cache's output) is refused with one line, and left as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

from .locking import is_lock_file


def check_replaceable(path: str | os.PathLike, *, recognised_by: tuple[str, ...], what: str) -> Path:
    r"""
    Raise a one-line `ValueError` unless `path` may be deleted or replaced by the command that writes `what`: it does
    not exist, it is an empty directory, or it is a directory that holds one of the files `recognised_by`.

    Args:
        path (`str` or `os.PathLike`):
            The output that is about to be replaced.
        recognised_by (`tuple[str, ...]`):
            Names of files, directly inside `path`, of which an earlier output holds at least one.
        what (`str`):
            What the output is, for the message (e.g. ``"a LUGPI teacher cache"``).

    Returns:
        `Path`: `path`.

    Example:

    ```python
    >>> from lugpi_hf.outputs import check_replaceable

    >>> check_replaceable("teacher-cache", recognised_by=("lugpi_teacher_cache.json",), what="a LUGPI teacher cache")
    ```
    """
    path = Path(path)
    if not os.path.lexists(path):
        return path
    markers = " or ".join(recognised_by)
    advice = "choose another output directory, or move it away yourself if it is to go"
    if not path.is_dir():
        raise ValueError(
            f"{path}: is a file, not {what} (a directory with {markers}); refusing to replace it: {advice}."
        )
    if any((path / name).is_file() for name in recognised_by):
        return path
    # A lock file of a directory inside (see `lugpi_hf.locking`) is ours and makes no difference.
    entries = sorted(entry.name for entry in path.iterdir() if not is_lock_file(entry))
    if entries:
        shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")
        raise ValueError(
            f"{path}: holds {shown} but no {markers}, so it is not {what}; refusing to delete what lugpi did not "
            f"write: {advice}."
        )
    return path


__all__ = ["check_replaceable"]
