# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Share on the Hugging Face Hub: a saved teacher or student, or a generated dataset, to --repo_id; or everything
a `lugpi run` made (images, teachers, students, with cards naming each other's repositories) under --namespace.

    lugpi push lugpi-output/imdb/teacher-vit --repo_id you/lugpi-imdb-teacher-vit    # a teacher or a student
    lugpi push lugpi-output/imdb/generate/dataset --repo_id you/imdb-sd2-images       # the generated images
    lugpi push lugpi-output/imdb --namespace you                                       # everything a run made
"""

from __future__ import annotations

from ._base import build_parser, run_script

COMMAND = "push"
HELP = "Push a teacher, student or generated dataset (--repo_id), or a whole run (--namespace), to the Hub."
DATACLASSES = ("lugpi_hf.hub:PushArguments",)
POSITIONAL = "path"


def make_parser(subparsers=None):
    from lugpi_hf.hub import PushArguments

    return build_parser(COMMAND, HELP, __doc__, (PushArguments,), subparsers, positional=POSITIONAL)


def main(args):
    from lugpi_hf.hub import run_push

    pushed = run_push(args)
    for what, repo_id in pushed.items():
        print(f"{what}: pushed to {repo_id}" if args.namespace else f"pushed {what} to {repo_id}")
    return pushed


if __name__ == "__main__":
    run_script(__name__)
