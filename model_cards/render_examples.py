# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
Render the example cards in this folder from a finished `lugpi run` (by default the offline demo), as
`lugpi push RUN --namespace your-name --prefix lugpi-demo` would upload them:

    lugpi run --preset demo && python model_cards/render_examples.py lugpi-output/demo
"""

import argparse
from pathlib import Path

from transformers import AutoConfig

import lugpi_hf  # noqa: F401  (registers the teacher's config)
from lugpi_hf.dataset_io import load_dataset_dict
from lugpi_hf.generation import make_generated_dataset_card, read_generation_settings
from lugpi_hf.model_card import load_card_info, render_model_card


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--namespace", default="your-name")
    parser.add_argument("--prefix", default="lugpi-demo")
    args = parser.parse_args()
    here = Path(__file__).parent
    images_repo = f"{args.namespace}/{args.prefix}-images"
    # The demo's generator is a local directory; name what it is instead of where this machine kept it.
    generator = "tiny random StableDiffusionPipeline (lugpi_hf.demo)"
    teacher_repo = f"{args.namespace}/{args.prefix}-teacher-vit"
    for stage, repo_id, overrides in (
        ("teacher-vit", teacher_repo, {"dataset": images_repo, "generator": generator}),
        ("student-vit", f"{args.namespace}/{args.prefix}-student-vit", {"dataset": images_repo, "teacher": teacher_repo}),
    ):
        info = load_card_info(args.run_dir / stage)
        info.repo_id, info.model_name = repo_id, repo_id.split("/")[-1]
        for key, value in overrides.items():
            setattr(info, key, value)
        card = render_model_card(info, AutoConfig.from_pretrained(args.run_dir / stage))
        card.save(here / f"{stage.split('-')[0]}_card_example.md")
    generated = args.run_dir / "generate" / "dataset"
    splits = {name: split.num_rows for name, split in load_dataset_dict(generated).items()}
    settings = {**read_generation_settings(generated), "generator": generator}
    card = make_generated_dataset_card(settings, splits, source_dataset="lugpi demo (toy)")
    card.save(here / "generated_dataset_card_example.md")


if __name__ == "__main__":
    main()
