# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Deprecated alias of [`lugpi_hf.generation`], kept for one release: import from `lugpi_hf.generation`."""

from .generation import *  # noqa: F401,F403
from .generation import __all__  # noqa: F401
