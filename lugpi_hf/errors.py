# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Every failure as one line that names the file (and row, line or column) and what was expected.

The library raises `ValueError`s worded that way. Errors raised by the libraries below us (safetensors, pyarrow,
the OS) often name no file; [`one_line_error`] finds the file in the traceback's frames and words the line.
"""

from __future__ import annotations

import errno
import os
import traceback
from pathlib import Path

_DATA_SUFFIXES = (".safetensors", ".parquet", ".arrow", ".csv", ".tsv", ".json", ".jsonl", ".yaml", ".yml", ".bin")


def _paths_in_traceback(error: BaseException, suffixes: tuple[str, ...]) -> list[str]:
    """File paths with one of `suffixes` held by local variables of the failing frames, innermost first."""
    found: list[str] = []
    for frame, _ in reversed(list(traceback.walk_tb(error.__traceback__))):
        for value in frame.f_locals.values():
            if isinstance(value, (list, tuple)) and len(value) == 1:
                value = value[0]
            if isinstance(value, (str, os.PathLike)):
                text = os.fspath(value)
                if isinstance(text, str) and text.endswith(suffixes) and text not in found and os.path.exists(text):
                    found.append(text)
    return found


def _file_of(error: BaseException, suffixes: tuple[str, ...] = _DATA_SUFFIXES) -> str:
    paths = _paths_in_traceback(error, suffixes)
    return paths[0] if paths else "a file"


def one_line_error(error: BaseException) -> str:
    """The message of `error` as one line that names the file or directory involved, for the command line."""
    name = type(error).__name__
    message = " ".join(str(error).split())
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        where = error.filename or _file_of(error, ("",))
        return f"{where}: no space left on the device (free some space, or write the output elsewhere)."
    if isinstance(error, PermissionError):
        return f"{error.filename or 'a file'}: permission denied (expected a directory you can write to)."
    if isinstance(error, (NotADirectoryError, FileExistsError)) and error.filename:
        return f"{error.filename}: expected a directory, but a file is in the way."
    if isinstance(error, IsADirectoryError) and error.filename:
        return f"{error.filename}: is a directory (expected a file)."
    if isinstance(error, FileNotFoundError) and error.filename:
        return f"{error.filename}: no such file or directory."
    if isinstance(error, UnicodeDecodeError):
        return f"{_file_of(error)}: not UTF-8 text (byte {error.start} of a line: {error.reason})."
    module = type(error).__module__
    if name == "SafetensorError" or module.startswith("safetensors") or "deserializing header" in message:
        path = _file_of(error, (".safetensors",))
        return f"{path}: not a valid safetensors file ({message}); it is truncated or corrupted, save or download it again."
    if module.startswith("pyarrow"):
        path = _file_of(error, (".parquet", ".arrow"))
        return f"{path}: not a valid Parquet/Arrow file ({message}); it is truncated or corrupted, write it again."
    if isinstance(error, ValueError):
        return message  # the library's own errors are worded for the user already
    if isinstance(error, (OSError, KeyError, RuntimeError)):
        return f"{message} ({name})"
    return f"{name}: {message}"


def debug_requested() -> bool:
    """Whether the user asked for tracebacks (`LUGPI_DEBUG=1`)."""
    return os.environ.get("LUGPI_DEBUG", "").lower() in ("1", "true", "yes")


def check_writable_directory(path: str | os.PathLike, what: str = "output directory") -> Path:
    """`path` as a directory that can be written: a file in the way or a read-only parent is one-line error."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{path}: is a file (expected a directory for the {what}).")
    existing = next((parent for parent in [path, *path.parents] if parent.exists()), Path("."))
    if not existing.is_dir():
        raise ValueError(f"{existing}: is a file (expected a directory on the way to the {what} {path}).")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"{existing}: not writable (the {what} {path} cannot be created there).")
    return path


__all__ = ["check_writable_directory", "debug_requested", "one_line_error"]
