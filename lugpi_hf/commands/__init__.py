# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Subcommands of the `lugpi` CLI, one module per stage (see `lugpi_hf/cli.py`)."""
