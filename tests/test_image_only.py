# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The image-only baselines: ViT and CLIP's vision encoder fine-tuned on the generated images alone."""

import importlib.util
import json
from pathlib import Path

import datasets
import pytest
import torch
from transformers import AutoModelForImageClassification

from lugpi_hf.testing import get_tiny_image_classifier, get_tiny_image_processor, make_toy_text_image_dataset


REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "data"
    datasets.DatasetDict(
        {"train": make_toy_text_image_dataset(16, seed=0), "validation": make_toy_text_image_dataset(8, seed=1)}
    ).save_to_disk(path)
    return str(path)


@pytest.mark.parametrize(("kind", "model_class"), [("vit", "ViTForImageClassification"),
                                                   ("clip", "CLIPForImageClassification")])  # fmt: skip
def test_train_image_only_script(kind, model_class, data, tmp_path):
    base = tmp_path / f"base-{kind}"
    # A base checkpoint with another head size: the script gives it a new head for the dataset's classes.
    get_tiny_image_classifier(kind, num_labels=5).save_pretrained(base)
    get_tiny_image_processor(kind).save_pretrained(base)

    spec = importlib.util.spec_from_file_location("train_image_only", REPO_ROOT / "trainers" / "train_image_only.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script_args, training_args = script.make_parser().parse_args_and_config(
        ["--dataset_name", data, "--vision_model_name_or_path", str(base), "--output_dir", str(tmp_path / "out"),
         "--max_steps", "3", "--per_device_train_batch_size", "4", "--learning_rate", "1e-3", "--report_to", "none",
         "--use_cpu", "--save_strategy", "no", "--dataloader_pin_memory", "false"]
    )  # fmt: skip
    trainer = script.main(script_args, training_args)

    model = AutoModelForImageClassification.from_pretrained(tmp_path / "out")
    assert type(model).__name__ == model_class
    assert model.config.id2label == {0: "positive", 1: "negative"}
    assert model.classifier.out_features == 2
    # The encoder itself was fine-tuned.
    base_encoder = {k: v for k, v in AutoModelForImageClassification.from_pretrained(base).state_dict().items()
                    if not k.startswith("classifier")}  # fmt: skip
    trained = model.state_dict()
    assert any(not torch.equal(value, trained[key]) for key, value in base_encoder.items())
    assert json.loads((tmp_path / "out" / "eval_results.json").read_text())["eval_accuracy"] >= 0.0
    assert trainer.state.global_step == 3
