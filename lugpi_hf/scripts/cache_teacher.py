# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 4, cache-teacher: one pass of the frozen teacher over the split the student trains on, storing its logits
and embeddings per row id. The cache records the teacher checkpoint's hash and the dataset it was built from,
and refuses to be used with others.

    lugpi cache-teacher --teacher teacher-imdb-vit --dataset ./imdb-generated --split train --output cache-imdb-vit
"""

from __future__ import annotations

from ._base import build_parser, run_script

COMMAND = "cache-teacher"
HELP = "Cache the frozen teacher's logits and embeddings over a text+image split (stage 4)."
DATACLASSES = ("lugpi_hf.teacher_cache:CacheTeacherArguments",)


def make_parser(subparsers=None):
    from lugpi_hf.teacher_cache import CacheTeacherArguments

    return build_parser(COMMAND, HELP, __doc__, (CacheTeacherArguments,), subparsers)


def main(args):
    from lugpi_hf.teacher_cache import run_cache_teacher

    cache = run_cache_teacher(args)
    print(f"Cached teacher {args.teacher_model_name_or_path} over {len(cache.dataset)} rows of "
          f"{args.dataset_name}[{args.split}]")  # fmt: skip
    print(f"teacher cache saved to {args.output_dir}")
    return cache


if __name__ == "__main__":
    run_script(__name__)
