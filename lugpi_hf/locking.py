# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""One writer per output directory: [`output_dir_lock`] makes the process that holds it the only one writing there.

Two `lugpi run` (or two `lugpi generate`) on one directory would otherwise both do all the work and leave duplicates
that no rerun can repair. The lock is an OS file lock (`filelock`: `flock` on Unix, `LockFileEx` on Windows), which
the kernel drops when its process ends however it ends, so a lock left by a killed process is simply taken over by
the next one; there is no stale-lock timeout to guess.

Where the files live. The lock of `path/to/out` is the hidden file `path/to/.out.lugpi.lock`, next to the
directory, not inside it: output directories are replaced by a rename (`save_to_disk_atomic`) or cleared before a
stage runs again (`lugpi run`), and a lock file inside them would vanish under its holder, letting a second writer
in. Next to it, `path/to/.out.lugpi.owner` says who holds the lock (PID, host, start time, what command), so that a
refused process can name the holder. It is a separate file because the lock file's content is not ours to keep
(filelock 3's `UnixFileLock` opens it with `O_TRUNC`). The owner file is written after the lock is taken and removed
before it is released; one found when taking the lock was left by a holder that died. Neither file is recorded
in a stage record (`lugpi_hf.stages`) nor uploaded (see [`is_lock_file`]).

Who locks. Only the main process of a distributed job (`RANK` 0, or no `RANK`: a plain `python`) takes the lock; the
other processes of an `accelerate launch` / `torchrun` job do not. They cannot take it (rank 0 holds it), they do
not need to (they only write what rank 0 coordinates, and wait for it at the job's first collective), and when
rank 0 is refused it exits and the launcher stops the rest. A process also does not lock a directory that it, or
the process that started it, already holds, nor a directory inside one: the holder lists what it holds in the
environment variable `LUGPI_LOCKS_HELD` (absolute paths joined by `os.pathsep`), which child processes inherit.
So `lugpi run` holding its run directory can call stage functions that lock their stage directory, and relaunch a
stage through `accelerate launch`, without refusing itself.

A process started with `fork` but no `exec` (e.g. a `DataLoader` worker) shares its parent's lock until it exits.
On a filesystem without `flock` (some network filesystems), filelock falls back to a soft lock file.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from transformers.utils import logging

from .file_utils import atomic_write


logger = logging.get_logger(__name__)

LOCKS_HELD_ENV = "LUGPI_LOCKS_HELD"
LOCK_SUFFIX = ".lugpi.lock"
OWNER_SUFFIX = ".lugpi.owner"

# How long a refused process waits for the holder's owner file: the holder writes it just after taking the lock.
_OWNER_WAIT_S = 2.0

# Directories this process holds (nested calls on them lock nothing).
_held: set[Path] = set()
_held_guard = threading.Lock()


def lock_files(directory: str | os.PathLike) -> tuple[Path, Path]:
    """The lock file and the owner file of `directory` (hidden siblings of it, see the module docstring)."""
    directory = Path(directory).resolve()
    if directory.parent == directory:
        raise ValueError(f"{directory}: cannot lock a filesystem root; expected an output directory inside one.")
    return (
        directory.parent / f".{directory.name}{LOCK_SUFFIX}",
        directory.parent / f".{directory.name}{OWNER_SUFFIX}",
    )


def is_lock_file(path: str | os.PathLike) -> bool:
    """Whether `path` is a lock or owner file of [`output_dir_lock`]: never part of an output, never uploaded."""
    name = Path(path).name
    return name.startswith(".") and name.endswith((LOCK_SUFFIX, OWNER_SUFFIX))


def _is_main_process() -> bool:
    return os.environ.get("RANK", "0") in ("", "0")


def _held_by_us(directory: Path) -> bool:
    """Whether this process, or the process that started it, holds `directory` or a directory above it."""
    with _held_guard:
        held = list(_held)
    held += [Path(entry) for entry in os.environ.get(LOCKS_HELD_ENV, "").split(os.pathsep) if entry]
    return any(holder == directory or holder in directory.parents for holder in held)


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":
        # `os.kill(pid, 0)` terminates the process on Windows; assume the holder is alive, as its lock says.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_owner(owner_file: Path) -> dict[str, Any] | None:
    try:
        owner = json.loads(owner_file.read_text())
    except (OSError, ValueError):
        return None
    return owner if isinstance(owner, dict) and isinstance(owner.get("pid"), int) else None


def _write_owner(owner_file: Path, what: str) -> None:
    owner = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "what": what,
    }
    # Written aside and renamed, so a refused process never reads half of it; the temporary name ends like an owner
    # file, so nothing that skips lock files (uploads, stage records) takes it for output.
    atomic_write(owner_file, json.dumps(owner), suffix=OWNER_SUFFIX)


def _describe(owner: dict[str, Any]) -> str:
    where = f"on {owner.get('host', '?')}, since {owner.get('started', '?')}"
    return f"{owner.get('what', 'lugpi')} (PID {owner['pid']} {where})"


def _refusal(directory: Path, owner_file: Path) -> str:
    deadline = time.monotonic() + _OWNER_WAIT_S
    while True:
        owner = _read_owner(owner_file)
        # An owner file naming a dead process on this host is a dead holder's, not yet replaced by the new holder.
        current = owner is not None and (owner.get("host") != socket.gethostname() or _pid_alive(owner["pid"]))
        if current or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if not current:
        return (
            f"{directory}: another process holds its lock (its PID is not recorded in {owner_file}); wait for it to "
            "finish or stop it, or choose another output directory."
        )
    return (
        f"{directory}: already being written by {_describe(owner)}; wait for it to finish or stop it "
        f"(kill {owner['pid']}), or choose another output directory."
    )


def _set_env_held(directory: Path, held: bool) -> None:
    entries = [entry for entry in os.environ.get(LOCKS_HELD_ENV, "").split(os.pathsep) if entry]
    if held:
        entries.append(str(directory))
    elif str(directory) in entries:
        entries.remove(str(directory))
    if entries:
        os.environ[LOCKS_HELD_ENV] = os.pathsep.join(entries)
    else:
        os.environ.pop(LOCKS_HELD_ENV, None)


@contextmanager
def output_dir_lock(directory: str | os.PathLike, *, what: str = "lugpi") -> Iterator[Path]:
    r"""
    Hold the lock of the output directory `directory` for the duration of the `with` block: a second process that
    tries to write there gets a one-line `ValueError` naming the directory and the holder's PID. The directory
    itself is neither created nor required to exist (its parent is created for the lock file).

    Nested calls on the same directory, or on a directory inside a held one, are free in the holder and in the
    processes it starts; only the main process of a distributed job locks (see the module docstring).

    Args:
        directory (`str` or `os.PathLike`):
            The output directory to write.
        what (`str`, *optional*, defaults to `"lugpi"`):
            What is writing it (e.g. `"lugpi run"`), named in the message another process gets.

    Returns:
        `Path`: the directory, absolute, as the `with` target.

    Example:

    ```python
    >>> from lugpi_hf.locking import output_dir_lock

    >>> with output_dir_lock("runs/imdb", what="lugpi run"):
    ...     ...  # no other lugpi process writes runs/imdb until the block ends
    ```
    """
    directory = Path(directory).resolve()
    lock_file, owner_file = lock_files(directory)
    if not _is_main_process():
        logger.debug(f"{directory}: not locked by this process (RANK {os.environ['RANK']}); rank 0 holds the lock.")
        yield directory
        return
    if _held_by_us(directory):
        yield directory
        return
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_file), thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise ValueError(_refusal(directory, owner_file)) from None
    try:
        previous = _read_owner(owner_file)
        if previous is not None:
            logger.warning(
                f"{directory}: taking over the lock of {_describe(previous)}, which ended without releasing it"
            )
        _write_owner(owner_file, what)
        with _held_guard:
            _held.add(directory)
        _set_env_held(directory, True)
        try:
            yield directory
        finally:
            _set_env_held(directory, False)
            with _held_guard:
                _held.discard(directory)
            owner_file.unlink(missing_ok=True)
    finally:
        lock.release()


__all__ = ["LOCKS_HELD_ENV", "is_lock_file", "lock_files", "output_dir_lock"]
