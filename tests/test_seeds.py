# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Seeds: every training recipe seeds before it builds or loads a model, so one command gives one set of weights.

Each recipe builds something at random before its `Trainer` exists (a new classification head on a pretrained
encoder, the teacher's fusion blocks and head), and a fresh process is not seeded the same way twice. Two fresh
processes run the baseline, the image-only classifier and the teacher, in opposite orders, and must give
bit-identical weights: whatever ran before in the process does not matter either.
"""

import json
import subprocess
import sys

import datasets
import pytest
from safetensors.torch import load_file

from conftest import REPO_ROOT
from lugpi_hf.testing import (
    get_tiny_image_classifier,
    get_tiny_image_processor,
    get_tiny_processor,
    get_tiny_student,
    get_tiny_teacher,
    make_toy_text_image_dataset,
)


RECIPES = ("baseline", "image_only", "teacher")
# One process: the recipes named in argv[2], in that order, each into <root>/<run>/<recipe>.
RUN = """
import json, sys
from transformers import TrainingArguments
from lugpi_hf.image_only import ImageOnlyScriptArguments, train_image_only
from lugpi_hf.student import StudentScriptArguments, train_student
from lugpi_hf.teacher_training import LugpiTeacherArguments, train_teacher

root, run, recipes, seed = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4])
data = f"{root}/data"
for recipe in recipes:
    args = TrainingArguments(
        output_dir=f"{root}/{run}/{recipe}", max_steps=2, per_device_train_batch_size=4, learning_rate=1e-3,
        save_strategy="no", report_to="none", use_cpu=True, dataloader_pin_memory=False, seed=seed,
    )
    if recipe == "baseline":
        train_student(StudentScriptArguments(dataset_name=data, eval_split=None,
                                             student_model_name_or_path=f"{root}/text"), args, distill=False)
    elif recipe == "image_only":
        train_image_only(ImageOnlyScriptArguments(dataset_name=data, eval_split=None,
                                                  vision_model_name_or_path=f"{root}/vit"), args)
    else:
        train_teacher(LugpiTeacherArguments(dataset_name=data, eval_split=None, fusion_heads=4,
                                            text_model_name_or_path=f"{root}/text",
                                            vision_model_name_or_path=f"{root}/vision"), args)
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """Training data and base checkpoints whose heads do not fit the data's 2 classes (so new ones are built)."""
    root = tmp_path_factory.mktemp("seeds")
    datasets.DatasetDict({"train": make_toy_text_image_dataset(8, seed=0)}).save_to_disk(root / "data")
    processor = get_tiny_processor("vit")
    # A bare DistilBERT encoder: the baseline gets a new, random classification head.
    get_tiny_student().distilbert.save_pretrained(root / "text")
    processor.tokenizer.save_pretrained(root / "text")
    get_tiny_teacher("vit").vision_model.save_pretrained(root / "vision")
    processor.image_processor.save_pretrained(root / "vision")
    get_tiny_image_classifier("vit", num_labels=5).save_pretrained(root / "vit")
    get_tiny_image_processor("vit").save_pretrained(root / "vit")
    return root


def _run(root, run, recipes, seed=0):
    result = subprocess.run(
        [sys.executable, "-c", RUN, str(root), run, ",".join(recipes), str(seed)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


def _weights(root, run, recipe):
    return load_file(root / run / recipe / "model.safetensors")


def test_two_fresh_processes_give_bit_identical_weights(root):
    _run(root, "first", RECIPES)
    _run(root, "second", RECIPES[::-1])
    for recipe in RECIPES:
        first, second = _weights(root, "first", recipe), _weights(root, "second", recipe)
        assert first.keys() == second.keys()
        for key, value in first.items():
            assert value.equal(second[key]), f"{recipe}: {key} differs between two runs with seed 0"
        assert json.loads((root / "first" / recipe / "train_results.json").read_text())["train_loss"] == json.loads(
            (root / "second" / recipe / "train_results.json").read_text()
        )["train_loss"]

    # Another seed gives other weights (the seed is what decides them).
    _run(root, "other-seed", ["baseline"], seed=1)
    other = _weights(root, "other-seed", "baseline")
    first = _weights(root, "first", "baseline")
    assert not all(value.equal(other[key]) for key, value in first.items())


def test_full_determinism_is_asked_for_when_set(monkeypatch):
    from transformers import TrainingArguments

    from lugpi_hf import training_utils

    calls = []
    monkeypatch.setattr(training_utils, "enable_full_determinism", lambda seed: calls.append(("full", seed)))
    monkeypatch.setattr(training_utils, "set_seed", lambda seed: calls.append(("seed", seed)))
    training_utils.seed_training(TrainingArguments("out", seed=7, full_determinism=True, report_to="none"))
    training_utils.seed_training(TrainingArguments("out", seed=3, report_to="none"))
    assert calls == [("full", 7), ("seed", 3)]
