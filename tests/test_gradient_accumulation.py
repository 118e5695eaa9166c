# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Gradient accumulation on equal terms: 2 accumulated batches of b rows make the update of one batch of 2b rows.

Every recipe is run for real (`train_student` with and without distillation, `train_image_only`,
`train_teacher`) for one optimizer step on 8 rows, once with batches of 8 and once with 2 x 4 accumulated, with
dropout off and plain SGD (whose update is proportional to the gradient: Adam's first step would hide a factor 2).
A recipe that back-propagated the undivided loss of each accumulated batch would take a step twice as long.
"""

import datasets
import pytest
import torch
from safetensors.torch import load_file
from torch import nn
from transformers import TrainingArguments

from lugpi_hf.dataset_io import load_dataset_dict
from lugpi_hf.image_only import ImageOnlyScriptArguments, train_image_only
from lugpi_hf.student import StudentScriptArguments, train_student
from lugpi_hf.teacher_cache import build_teacher_cache
from lugpi_hf.teacher_training import LugpiTeacherArguments, train_teacher
from lugpi_hf.testing import (
    get_tiny_image_classifier,
    get_tiny_image_processor,
    get_tiny_processor,
    get_tiny_student,
    get_tiny_teacher,
    get_tiny_tokenizer,
    make_toy_text_image_dataset,
)
from lugpi_hf.training_args import LugpiDistillationArguments


NAMES = ["positive", "negative"]
NO_DROPOUT = dict(dropout=0.0, attention_dropout=0.0, seq_classif_dropout=0.0)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """8 training rows on disk, dropout-free base checkpoints of every recipe, and a teacher cache."""
    root = tmp_path_factory.mktemp("accumulation")
    datasets.DatasetDict({"train": make_toy_text_image_dataset(8, seed=0)}).save_to_disk(root / "data")
    get_tiny_student(label_names=NAMES, **NO_DROPOUT).save_pretrained(root / "student")
    get_tiny_tokenizer().save_pretrained(root / "student")
    for kind in ("vit", "clip"):
        get_tiny_image_classifier(kind, num_labels=5).save_pretrained(root / kind)
        get_tiny_image_processor(kind).save_pretrained(root / kind)
    processor = get_tiny_processor("vit")
    get_tiny_student(**NO_DROPOUT).distilbert.save_pretrained(root / "text")
    processor.tokenizer.save_pretrained(root / "text")
    get_tiny_teacher("vit").vision_model.save_pretrained(root / "vision")
    processor.image_processor.save_pretrained(root / "vision")
    teacher = root / "teacher"
    get_tiny_teacher(classifier_hidden_size=48, label_names=NAMES).save_pretrained(teacher)
    processor.save_pretrained(teacher)
    train = load_dataset_dict(str(root / "data"))["train"]
    build_teacher_cache(str(teacher), train).save_to_disk(root / "cache")
    return root


def _training_args(output_dir, batch_size, accumulation, args_class=TrainingArguments, **kwargs):
    return args_class(
        output_dir=str(output_dir),
        per_device_train_batch_size=batch_size,
        gradient_accumulation_steps=accumulation,
        max_steps=1,
        optim="sgd",
        learning_rate=0.5,
        lr_scheduler_type="constant",
        max_grad_norm=0.0,  # no clipping: the step is the gradient itself
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        dataloader_pin_memory=False,
        seed=0,
        **kwargs,
    )


def _baseline(project, output_dir, batch_size, accumulation):
    script_args = StudentScriptArguments(dataset_name=str(project / "data"), eval_split=None,
                                         student_model_name_or_path=str(project / "student"))  # fmt: skip
    return train_student(script_args, _training_args(output_dir, batch_size, accumulation), distill=False)


def _student(project, output_dir, batch_size, accumulation):
    script_args = StudentScriptArguments(dataset_name=str(project / "data"), eval_split=None,
                                         student_model_name_or_path=str(project / "student"))  # fmt: skip
    training_args = _training_args(output_dir, batch_size, accumulation, LugpiDistillationArguments,
                                   teacher_cache=[str(project / "cache")])  # fmt: skip
    return train_student(script_args, training_args, distill=True)


def _image_only(kind):
    def run(project, output_dir, batch_size, accumulation):
        script_args = ImageOnlyScriptArguments(dataset_name=str(project / "data"), eval_split=None,
                                               vision_model_name_or_path=str(project / kind))  # fmt: skip
        return train_image_only(script_args, _training_args(output_dir, batch_size, accumulation))

    return run


def _teacher(project, output_dir, batch_size, accumulation):
    script_args = LugpiTeacherArguments(dataset_name=str(project / "data"), eval_split=None, fusion_heads=4,
                                        text_model_name_or_path=str(project / "text"),
                                        vision_model_name_or_path=str(project / "vision"))  # fmt: skip
    return train_teacher(script_args, _training_args(output_dir, batch_size, accumulation))


RECIPES = {
    "baseline": _baseline,
    "student": _student,
    "image_only-vit": _image_only("vit"),
    "image_only-clip": _image_only("clip"),
}


def _check_no_dropout(model):
    rates = [module.p for module in model.modules() if isinstance(module, nn.Dropout)]
    rates += [getattr(model.config, name, 0.0) for name in ("attention_dropout", "attention_probs_dropout_prob")]
    assert not any(rates), rates


def _compare(run, project, tmp_path):
    whole = run(project, tmp_path / "whole", 8, 1)
    accumulated = run(project, tmp_path / "accumulated", 4, 2)
    _check_no_dropout(whole.model)
    assert whole.state.global_step == accumulated.state.global_step == 1
    assert accumulated.state.max_steps == 1 and accumulated.args.gradient_accumulation_steps == 2
    (whole_norm,) = [log["grad_norm"] for log in whole.state.log_history if "grad_norm" in log]
    (accumulated_norm,) = [log["grad_norm"] for log in accumulated.state.log_history if "grad_norm" in log]
    assert whole_norm > 0
    assert accumulated_norm == pytest.approx(whole_norm, rel=1e-4)
    whole_weights = load_file(tmp_path / "whole" / "model.safetensors")
    accumulated_weights = load_file(tmp_path / "accumulated" / "model.safetensors")
    assert whole_weights.keys() == accumulated_weights.keys()
    for key, value in whole_weights.items():
        torch.testing.assert_close(accumulated_weights[key], value, rtol=1e-4, atol=1e-6, msg=key)


@pytest.mark.parametrize("recipe", list(RECIPES))
def test_accumulated_batches_give_the_update_of_one_batch(recipe, project, tmp_path):
    _compare(RECIPES[recipe], project, tmp_path)


def test_teacher_accumulated_batches_give_the_update_of_one_batch(project, tmp_path, monkeypatch):
    from lugpi_hf.modeling_lugpi import LugpiMultimodalForSequenceClassification

    build = LugpiMultimodalForSequenceClassification.from_text_vision_pretrained.__func__
    # The recipe has no dropout arguments: build the teacher with its fusion and head dropout off.
    monkeypatch.setattr(
        LugpiMultimodalForSequenceClassification,
        "from_text_vision_pretrained",
        classmethod(lambda cls, *a, **kw: build(cls, *a, **{**kw, "fusion_dropout": 0.0, "classifier_dropout": 0.0})),
    )
    _compare(_teacher, project, tmp_path)
