# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""One installed module per LUGPI stage, as TRL's `trl/scripts/`: `make_parser(subparsers=None)` and `main(...)`.

Each runs as `python -m lugpi_hf.scripts.<stage>` and `accelerate launch -m lugpi_hf.scripts.<stage>`, takes
`--config FILE.yaml`, and is what `lugpi <stage>` dispatches to. A module's top level imports nothing heavy:
`COMMAND`, `HELP` and `DATACLASSES` (the argument dataclasses as `"module:Class"`) are read by the CLI to
print help without importing torch.
"""

# The stages in pipeline order: module name under lugpi_hf.scripts.
STAGE_MODULES = [
    "prepare",
    "generate",
    "train_teacher",
    "cache_teacher",
    "distill",
    "baseline",
    "image_only",
    "evaluate",
    "push",
    "run",
]
