# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Small file helpers every stage shares: all-or-nothing writes, file hashes, and telling a Hub id from a path."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

_HASH_BLOCK = 1 << 20


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """
    A temporary path beside `path` to write to; renamed onto `path` when the block ends without an error and
    removed otherwise, so a reader never sees a half-written file.

    Example:

    ```python
    >>> with atomic_path("results.png") as tmp:
    ...     figure.savefig(tmp, format="png")
    ```
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def atomic_write(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write `data` (text as UTF-8) to `path` all or nothing (see [`atomic_path`])."""
    with atomic_path(path) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
    return Path(path)


def sha256_file(path: str | os.PathLike, digest=None) -> str:
    """The SHA-256 of a file's bytes, read in blocks; or feed them into `digest` and return its hex digest."""
    digest = digest if digest is not None else hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def is_hub_id(name: str | os.PathLike | None) -> bool:
    """Whether `name` reads as a Hub repository id (`name` or `owner/name`) rather than a local path that exists."""
    if not name:
        return False
    name = str(name)
    return not os.path.isabs(name) and not os.path.exists(name) and name.count("/") <= 1 and not name.startswith(".")


__all__ = ["atomic_path", "atomic_write", "is_hub_id", "sha256_file"]
