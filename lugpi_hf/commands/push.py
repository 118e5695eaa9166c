# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi push`: share a teacher, a student, a generated dataset, or everything a `lugpi run` made."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "push",
        help="Push a teacher, student or generated dataset (--repo-id), or a whole run (--namespace), to the Hub.",
        description=(
            "Push PATH to the Hugging Face Hub: a saved teacher or student, or the output directory of `lugpi "
            "generate`, to --repo-id; or the output directory of `lugpi run` (images, teachers, students, with "
            "cards naming each other) under --namespace."
        ),
    )
    parser.add_argument("path", help="a model directory, a generated dataset directory, or a `lugpi run` directory")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--repo-id", help="target repository for one artefact (user/name)")
    target.add_argument("--namespace", help="user or organisation for every artefact of a run")
    parser.add_argument("--prefix", help="with --namespace: start of the repository names (default: run dir name)")
    parser.add_argument("--private", action="store_true", help="create the repositories private")
    parser.add_argument("--token", help="Hub token (default: the logged-in one)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lugpi_hf.hub import push_artefact, push_run

    private = True if args.private else None
    if args.namespace:
        for stage, repo_id in push_run(args.path, args.namespace, prefix=args.prefix, private=private,
                                       token=args.token).items():  # fmt: skip
            print(f"{stage}: pushed to {repo_id}")
    else:
        print(f"pushed {args.path} to {push_artefact(args.path, args.repo_id, private=private, token=args.token)}")
    return 0
