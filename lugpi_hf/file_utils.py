# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Small file helpers every stage shares: all-or-nothing writes, file hashes, and telling a Hub id from a path."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path


_HASH_BLOCK = 1 << 20
# What the Hub accepts as a repository id: one or two parts, neither starting with '.' or '-'.
_HUB_ID = re.compile(r"^(?![.-])[\w.-]+(/(?![.-])[\w.-]+)?$")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, suffix: str = ".tmp", fsync: bool = False) -> Iterator[Path]:
    """
    A temporary path beside `path` to write to; renamed onto `path` when the block ends without an error and
    removed otherwise, so a reader never sees a half-written file.

    Args:
        path (`str` or `os.PathLike`):
            The file to write.
        suffix (`str`, *optional*, defaults to `".tmp"`):
            How the temporary name ends (`.{name}.<random>{suffix}`), so a cleaner that looks for it finds it.
        fsync (`bool`, *optional*, defaults to `False`):
            Flush the file to disk before the rename, for data that is expensive to make again (generated shards):
            after a power cut the name then holds either nothing or the whole file.

    Example:

    ```python
    >>> with atomic_path("results.png") as tmp:
    ...     figure.savefig(tmp, format="png")
    ```
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        if fsync:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def atomic_write(path: str | os.PathLike, data: str | bytes, **kwargs) -> Path:
    """Write `data` (text as UTF-8) to `path` all or nothing; `kwargs` go to [`atomic_path`]."""
    with atomic_path(path, **kwargs) as tmp:
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
    """
    Whether `name` reads as a Hub repository id (`name` or `owner/name`: letters, digits, `-`, `_`, `.`) and is not
    a local path that exists. Only such a name belongs in a card's metadata or a Hub link; a local directory, an
    absolute path or a description ("a local CSV") means nothing to a reader of the Hub.
    """
    return bool(name) and _HUB_ID.match(str(name)) is not None and not os.path.exists(name)


__all__ = ["atomic_path", "atomic_write", "is_hub_id", "sha256_file"]
