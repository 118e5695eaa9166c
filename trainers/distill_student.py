# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
`accelerate launch trainers/distill_student.py ...` from a clone runs exactly `accelerate launch -m lugpi_hf.scripts.distill ...`
(and `lugpi distill ...`): the code, its options and its command lines are in `lugpi_hf/scripts/distill.py`.
Open that module to read or copy the recipe; this file only calls it.
"""

from lugpi_hf.scripts.distill import main, make_parser  # noqa: F401  (what a copy of this script would call)
from lugpi_hf.scripts._base import run_script


if __name__ == "__main__":
    run_script("lugpi_hf.scripts.distill")
