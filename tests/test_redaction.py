# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""No secret written: a `hub_token` given to any recipe reaches no file of its output directory or checkpoints."""

import copy
import io
import pickle

import datasets
import pytest
import torch
from huggingface_hub.utils import build_hf_headers
from transformers import TrainingArguments

from lugpi_hf.dataset_io import load_dataset_dict
from lugpi_hf.image_only import ImageOnlyScriptArguments, train_image_only
from lugpi_hf.redaction import REDACTED, SecretStr, is_secret_key, protect_secrets, redact_secrets
from lugpi_hf.student import StudentScriptArguments, train_student
from lugpi_hf.teacher_cache import build_teacher_cache
from lugpi_hf.teacher_training import LugpiTeacherArguments, train_teacher
from lugpi_hf.testing import (
    get_tiny_image_classifier,
    get_tiny_image_processor,
    get_tiny_processor,
    get_tiny_student,
    get_tiny_teacher,
    make_toy_text_image_dataset,
)
from lugpi_hf.training_args import LugpiDistillationArguments


SECRET = "hf_SECRET123"
NAMES = ["positive", "negative"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("secrets")
    datasets.DatasetDict({"train": make_toy_text_image_dataset(8, seed=0)}).save_to_disk(root / "data")
    processor = get_tiny_processor("vit")
    get_tiny_student(label_names=NAMES).save_pretrained(root / "student")
    processor.tokenizer.save_pretrained(root / "student")
    get_tiny_student().distilbert.save_pretrained(root / "text")
    processor.tokenizer.save_pretrained(root / "text")
    get_tiny_teacher("vit").vision_model.save_pretrained(root / "vision")
    processor.image_processor.save_pretrained(root / "vision")
    get_tiny_image_classifier("vit", label_names=NAMES).save_pretrained(root / "vit")
    get_tiny_image_processor("vit").save_pretrained(root / "vit")
    get_tiny_teacher(label_names=NAMES).save_pretrained(root / "teacher")
    processor.save_pretrained(root / "teacher")
    train = load_dataset_dict(str(root / "data"))["train"]
    build_teacher_cache(str(root / "teacher"), train).save_to_disk(root / "cache")
    return root


def _args(output_dir, args_class=TrainingArguments, **kwargs):
    # A checkpoint at each of the 2 steps: each holds its own training_args.bin.
    return args_class(
        output_dir=str(output_dir), hub_token=SECRET, max_steps=2, per_device_train_batch_size=4, save_strategy="steps",
        save_steps=1, report_to="none", use_cpu=True, dataloader_pin_memory=False, **kwargs,
    )  # fmt: skip


def _run(recipe, project, output_dir):
    data = str(project / "data")
    if recipe == "baseline":
        script_args = StudentScriptArguments(dataset_name=data, eval_split=None,
                                             student_model_name_or_path=str(project / "student"))  # fmt: skip
        return train_student(script_args, _args(output_dir), distill=False)
    if recipe == "student":
        script_args = StudentScriptArguments(dataset_name=data, eval_split=None,
                                             student_model_name_or_path=str(project / "student"))  # fmt: skip
        args = _args(output_dir, LugpiDistillationArguments, teacher_cache=[str(project / "cache")])
        return train_student(script_args, args, distill=True)
    if recipe == "image_only":
        script_args = ImageOnlyScriptArguments(dataset_name=data, eval_split=None,
                                               vision_model_name_or_path=str(project / "vit"))  # fmt: skip
        return train_image_only(script_args, _args(output_dir))
    script_args = LugpiTeacherArguments(dataset_name=data, eval_split=None, fusion_heads=4,
                                        text_model_name_or_path=str(project / "text"),
                                        vision_model_name_or_path=str(project / "vision"))  # fmt: skip
    return train_teacher(script_args, _args(output_dir))


@pytest.mark.parametrize("recipe", ["baseline", "student", "image_only", "teacher"])
def test_no_file_of_a_run_holds_the_hub_token(recipe, project, tmp_path):
    output_dir = tmp_path / "out"
    trainer = _run(recipe, project, output_dir)
    files = [path for path in output_dir.rglob("*") if path.is_file()]
    bins = [path for path in files if path.name == "training_args.bin"]
    assert {path.parent.name for path in bins} == {"out", "checkpoint-1", "checkpoint-2"}
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
    for path in bins:
        assert torch.load(path, weights_only=False).hub_token == REDACTED, path
    # The token is still there for the upload (`push_to_hub` sends it as the Authorization header).
    assert trainer.args.hub_token == SECRET
    assert build_hf_headers(token=trainer.args.hub_token)["authorization"] == f"Bearer {SECRET}"


def test_protected_arguments_keep_the_value_but_never_show_it():
    args = protect_secrets(TrainingArguments("out", hub_token=SECRET, report_to="none"))
    assert isinstance(args.hub_token, SecretStr) and args.hub_token == SECRET and f"{args.hub_token}" == SECRET
    assert SECRET not in repr(args) and SECRET not in repr(args.hub_token) and SECRET not in args.to_json_string()
    assert pickle.loads(pickle.dumps(args)).hub_token == REDACTED
    buffer = io.BytesIO()
    torch.save(args, buffer)
    assert SECRET.encode() not in buffer.getvalue()
    assert copy.deepcopy(args).hub_token == SECRET
    assert protect_secrets(TrainingArguments("out", report_to="none")).hub_token is None


def test_redact_secrets():
    record = {
        "training": {"hub_token": SECRET, "seed": 0, "learning_rate": 5e-5, "pad_token": "[PAD]"},
        "token": SECRET,
        "generation": {"HF_TOKEN": SECRET, "api_key": "sk-1", "max_new_tokens": 10, "access_token": None},
        "stages": [{"wandb_api_key": "k", "name": "teacher"}],
        "argv": ["lugpi", "run", "--hub_token", SECRET, "--hub-token=" + SECRET, "--seed", "0"],
        "pair": ("--token", SECRET),
    }
    redacted = redact_secrets(record)
    assert SECRET not in repr(redacted)
    assert redacted["training"] == {"hub_token": REDACTED, "seed": 0, "learning_rate": 5e-5, "pad_token": "[PAD]"}
    assert redacted["token"] == REDACTED
    assert redacted["generation"] == {"HF_TOKEN": REDACTED, "api_key": REDACTED, "max_new_tokens": 10,
                                      "access_token": None}  # fmt: skip
    assert redacted["stages"] == [{"wandb_api_key": REDACTED, "name": "teacher"}]
    assert redacted["argv"] == ["lugpi", "run", "--hub_token", REDACTED, f"--hub-token={REDACTED}", "--seed", "0"]
    assert redacted["pair"] == ("--token", REDACTED)
    assert record["training"]["hub_token"] == SECRET  # a copy: the original is left alone
    assert [key for key in ("hub_token", "token", "hf_token", "api_key", "password", "client_secret", "seed",
                            "eos_token", "tokenizer_name") if is_secret_key(key)] == [
        "hub_token", "token", "hf_token", "api_key", "password", "client_secret"]  # fmt: skip


def test_push_to_hub_authenticates_with_the_protected_token(project, local_hub, tmp_path):
    """The upload (checkpoints pushed as they are saved, then the final model) uses hub_token, and only it."""
    import json
    import subprocess
    import sys
    import textwrap

    from conftest import REPO_ROOT
    from hub_server import DEFAULT_USER

    repo_id = f"{DEFAULT_USER}/baseline"
    env = local_hub.env(tmp_path / "home")
    env.pop("HF_TOKEN")  # the local Hub refuses writes without a token: hub_token must be the one sent
    code = f"""
        import json
        from transformers import TrainingArguments
        from lugpi_hf.student import StudentScriptArguments, train_student

        args = TrainingArguments(
            output_dir={str(tmp_path / "out")!r}, hub_token={SECRET!r}, push_to_hub=True, hub_model_id={repo_id!r},
            max_steps=2, per_device_train_batch_size=4, save_strategy="steps", save_steps=1, report_to="none",
            use_cpu=True, dataloader_pin_memory=False,
        )
        script_args = StudentScriptArguments(dataset_name={str(project / "data")!r}, eval_split=None,
                                             student_model_name_or_path={str(project / "student")!r})
        train_student(script_args, args, distill=False)
        print(json.dumps("PUSHED"))
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == "PUSHED"
    assert local_hub.refused == []
    files = local_hub.list_files(repo_id)
    assert "model.safetensors" in files, files
    for name in files:
        assert SECRET.encode() not in local_hub.read_file(repo_id, name), name
