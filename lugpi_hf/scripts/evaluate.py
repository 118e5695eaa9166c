# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
r"""Stage 6, evaluate: accuracy and macro-F1 of every model on one split, side by side (the paper's Table 1), written
as results.md, results.json and results.png. Give each model as PATH or NAME=PATH; each flag takes several.

    lugpi evaluate --dataset ./imdb-generated --split test --output_dir results-imdb \
        --baseline DistilBERT=baseline-imdb \
        --image_only ViT=image-only-imdb-vit --image_only CLIP=image-only-imdb-clip \
        --teacher DistilBERT+ViT=teacher-imdb-vit --student "LUGPI (ViT)=student-imdb-vit"
"""

from __future__ import annotations

from ._base import build_parser, run_script

COMMAND = "evaluate"
HELP = "Accuracy and macro-F1 of every model on one split: markdown, JSON and a bar chart (stage 6)."
DATACLASSES = ("lugpi_hf.evaluation:EvaluateArguments",)


def make_parser(subparsers=None):
    from lugpi_hf.evaluation import EvaluateArguments

    return build_parser(COMMAND, HELP, __doc__, (EvaluateArguments,), subparsers)


def main(args):
    from lugpi_hf.evaluation import results_markdown, run_evaluation

    results, paths = run_evaluation(args)
    print(results_markdown(results, f"{args.dataset_name} ({args.split})"))
    print("Wrote " + ", ".join(str(path) for path in paths.values()))
    return results


if __name__ == "__main__":
    run_script(__name__)
