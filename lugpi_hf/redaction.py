# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""No secret in any file we write: Hub tokens and API keys are redacted from records and from `training_args.bin`.

`Trainer` pickles its whole `TrainingArguments`, `hub_token` included, into `training_args.bin` beside the model
and in every checkpoint, and an upload of the directory would publish it. [`protect_secrets`] turns the tokens of
a `TrainingArguments` into strings that keep their value in memory (the upload still authenticates with them)
but pickle, copy and print as `"<redacted>"`. [`redact_secrets`] does the same for the plain mappings we write as
JSON (results, stage records).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import Any


REDACTED = "<redacted>"
# Tokenizer settings end in "_token" too, but name special tokens ("[PAD]"), not credentials.
_SPECIAL_TOKEN_KEYS = {"pad_token", "bos_token", "eos_token", "unk_token", "sep_token", "cls_token", "mask_token"}
_SECRET_SUFFIXES = ("token", "api_key", "apikey", "password", "secret", "authorization")


def is_secret_key(key: Any) -> bool:
    """
    Whether a setting named `key` holds a credential: a name ending in `token` (`token`, `hub_token`, `hf_token`,
    `access_token`, ...), `api_key`, `password`, `secret` or `authorization`, case-insensitive, `-` read as `_`
    (so command-line flags such as `--hub-token` count), except the tokenizer's special tokens (`pad_token`, ...).
    """
    if not isinstance(key, str):
        return False
    name = key.lower().lstrip("-").replace("-", "_")
    return name not in _SPECIAL_TOKEN_KEYS and name.endswith(_SECRET_SUFFIXES)


def redact_secrets(value: Any) -> Any:
    r"""
    A copy of `value` with every credential replaced by `"<redacted>"`, for records written to disk.

    Mappings are walked recursively: the value of a key for which [`is_secret_key`] holds is replaced (unless it is
    `None` or empty, which hides nothing). Lists and tuples are walked too, and in a command line (a list of
    strings) the argument after a secret flag (`--hub_token hf_...`) and the value of `--hub_token=hf_...` are
    replaced. Other values are returned as they are.

    Example:

    ```python
    >>> from lugpi_hf.redaction import redact_secrets

    >>> redact_secrets({"training": {"hub_token": "hf_abc", "seed": 0}, "argv": ["--hub_token", "hf_abc"]})
    {'training': {'hub_token': '<redacted>', 'seed': 0}, 'argv': ['--hub_token', '<redacted>']}
    ```
    """
    if isinstance(value, Mapping):
        return {
            key: REDACTED if is_secret_key(key) and item not in (None, "") else redact_secrets(item)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        items = []
        secret_flag = False
        for item in value:
            if secret_flag and isinstance(item, str) and not item.startswith("--"):
                items.append(REDACTED)
            elif isinstance(item, str) and item.startswith("--") and "=" in item and is_secret_key(item.split("=")[0]):
                items.append(f"{item.split('=')[0]}={REDACTED}")
            else:
                items.append(redact_secrets(item))
            secret_flag = isinstance(item, str) and item.startswith("--") and "=" not in item and is_secret_key(item)
        return type(value)(items) if isinstance(value, tuple) else items
    return value


class SecretStr(str):
    """
    A `str` that is the secret for every use of its value (an `Authorization` header, `startswith`, f-strings),
    but that pickles as `"<redacted>"` (so `torch.save` of the object holding it writes no secret), shows as
    `'<redacted>'` in reprs, and stays itself through `copy` and `deepcopy`.
    """

    def __reduce_ex__(self, protocol):
        return (str, (REDACTED,))

    def __reduce__(self):
        return (str, (REDACTED,))

    def __repr__(self) -> str:
        return repr(REDACTED)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def protect_secrets(training_args):
    """
    Make the credentials of `training_args` (`hub_token` and any other field [`is_secret_key`] names) unpicklable
    in clear: each becomes a [`SecretStr`], equal to the token and used as it for `push_to_hub`, that
    `training_args.bin` (the output directory's and every checkpoint's) stores as `"<redacted>"`. Changes
    `training_args` in place and returns it.
    """
    if not is_dataclass(training_args):
        raise ValueError(f"protect_secrets expects a TrainingArguments, got {type(training_args).__name__}.")
    for field in fields(training_args):
        value = getattr(training_args, field.name, None)
        if is_secret_key(field.name) and isinstance(value, str) and value and not isinstance(value, SecretStr):
            setattr(training_args, field.name, SecretStr(value))
    return training_args


__all__ = ["REDACTED", "SecretStr", "is_secret_key", "protect_secrets", "redact_secrets"]
