# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""One schema for every way settings reach a stage: command-line flags, `--config FILE.yaml` and `lugpi run`.

The stage arguments are dataclasses (parsed from the command line by `HfArgumentParser`). A YAML mapping is
checked against the same dataclasses here, strictly and before anything runs: an unknown key, a wrong type
(`learning_rate: fast`), a string where a boolean goes (`image_only: "no"`) or a list where a mapping goes is one
`ValueError` naming the file, the key path and what was expected.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, Union


class ConfigError(ValueError):
    """A run or stage configuration that does not match its schema; the message names the file and key path."""


def dataclass_fields(dataclass_types: Iterable[type]) -> dict[str, tuple[dataclasses.Field, Any]]:
    """Every field of `dataclass_types` by name (and by each alias a field declares), with its resolved type."""
    fields: dict[str, tuple[dataclasses.Field, Any]] = {}
    for dataclass_type in dataclass_types:
        hints = typing.get_type_hints(dataclass_type)
        for field in dataclasses.fields(dataclass_type):
            if not field.init:
                continue
            entry = (field, hints[field.name])
            fields.setdefault(field.name, entry)
            aliases = field.metadata.get("aliases", [])
            for alias in [aliases] if isinstance(aliases, str) else aliases:
                fields.setdefault(alias.lstrip("-").replace("-", "_"), entry)
    return fields


def _describe(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(repr(choice) for choice in typing.get_args(annotation))
    if origin is Union or isinstance(annotation, types.UnionType):
        return " or ".join(_describe(arg) for arg in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "one of " + ", ".join(repr(member.value) for member in annotation)
    if origin in (list, tuple):
        (item,) = typing.get_args(annotation)[:1] or (Any,)
        return f"a list of {_describe(item)}"
    if origin is dict or annotation is dict:
        return "a mapping"
    if annotation is type(None):
        return "null"
    if annotation is bool:
        return "a boolean (true or false)"
    return {int: "an integer", float: "a number", str: "a string"}.get(annotation, getattr(annotation, "__name__", str(annotation)))


_NO_MATCH = object()


def _coerce(value: Any, annotation: Any) -> Any:
    """`value` as `annotation` accepts it, or `_NO_MATCH`. Strict: YAML already gives numbers and booleans types."""
    if annotation is Any:
        return value
    origin = typing.get_origin(annotation)
    if origin is Union or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            coerced = _coerce(value, arg)
            if coerced is not _NO_MATCH:
                return coerced
        return _NO_MATCH
    if annotation is type(None):
        return None if value is None else _NO_MATCH
    if origin is Literal:
        return value if value in typing.get_args(annotation) else _NO_MATCH
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        values = {member.value for member in annotation}
        return value if value in values else _NO_MATCH
    if origin in (list, tuple) or annotation in (list, tuple):
        if not isinstance(value, (list, tuple)):
            return _NO_MATCH
        (item,) = typing.get_args(annotation)[:1] or (Any,)
        items = [_coerce(entry, item) for entry in value]
        return _NO_MATCH if any(entry is _NO_MATCH for entry in items) else items
    if origin is dict or annotation is dict:
        return dict(value) if isinstance(value, Mapping) else _NO_MATCH
    if annotation is bool:
        return value if isinstance(value, bool) else _NO_MATCH
    if annotation is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _NO_MATCH
    if annotation is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            # YAML 1.1 reads `5e-5` (no dot) as a string: accept what Python reads as a number.
            try:
                return float(value)
            except ValueError:
                return _NO_MATCH
        return _NO_MATCH
    if annotation is str:
        return value if isinstance(value, str) else _NO_MATCH
    if isinstance(annotation, type):
        return value if isinstance(value, annotation) else _NO_MATCH
    return value


def check_mapping(
    values: Any,
    dataclass_types: Iterable[type],
    *,
    where: str,
    prefix: str = "",
    exclude: Iterable[str] = (),
) -> dict[str, Any]:
    """
    `values` checked against the fields of `dataclass_types`, with each value as its field takes it and each
    alias replaced by its field's name.

    Args:
        values (`Mapping`):
            The settings, as read from YAML.
        dataclass_types (`Iterable[type]`):
            The dataclasses whose fields the keys must be.
        where (`str`):
            The file `values` come from, for messages.
        prefix (`str`, *optional*):
            The key path of `values` in that file (`"training"`, `"teachers.vit"`), for messages.
        exclude (`Iterable[str]`, *optional*):
            Fields that the caller sets itself and the mapping must not (`output_dir` in `lugpi run`).

    Raises:
        [`ConfigError`]: one line naming `where`, the key and what was expected.
    """
    def at(key: str | None = None) -> str:
        path = ".".join(part for part in (prefix, key) if part)
        return f"{where}: {path}" if path else where

    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise ConfigError(f"{at()}: expected a mapping of settings, got {_value_type(values)}.")
    fields = dataclass_fields(dataclass_types)
    exclude = set(exclude)
    checked: dict[str, Any] = {}
    for key, value in values.items():
        if not isinstance(key, str) or key not in fields:
            raise ConfigError(f"{at()}: unknown key {key!r}; expected one of {sorted(set(fields) - exclude)}.")
        field, annotation = fields[key]
        if field.name in exclude:
            raise ConfigError(f"{at(key)}: set by lugpi itself; remove it from the configuration.")
        coerced = _coerce(value, annotation)
        if coerced is _NO_MATCH:
            raise ConfigError(f"{at(key)}: expected {_describe(annotation)}, got {_value_type(value)}.")
        checked[field.name] = coerced
    return checked


def _value_type(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def read_yaml_mapping(path: str | os.PathLike) -> dict[str, Any]:
    """A YAML file's top-level mapping; a missing file, bad YAML or another top level is one `ConfigError`."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file.")
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start}).") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        position = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{path}:{position}: invalid YAML: {problem}.") from None
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level, got {_value_type(values)}.")
    return dict(values)


__all__ = ["ConfigError", "check_mapping", "dataclass_fields", "read_yaml_mapping"]
