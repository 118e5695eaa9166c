# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`push_model_dir` against the loopback Hub, with the real clients in subprocesses."""

import json
import subprocess
import sys
import textwrap

import pytest

from conftest import teacher_stage_arguments
from lugpi_hf.cli import main
from hub_server import DEFAULT_USER


def run_client(hub, home, code):
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=hub.env(home), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def test_push_a_trained_teacher_and_load_it_back(local_hub, tmp_path):
    teacher_dir = tmp_path / "teacher-demo"
    assert main(["train-teacher", *teacher_stage_arguments(tmp_path / "inputs"), "--output_dir", str(teacher_dir),
                 "--max_steps", "2", "--save_steps", "1", "--use_cpu"]) == 0
    assert list(teacher_dir.glob("checkpoint-*"))  # left behind locally, not pushed
    # The lock and owner files of a directory inside (see `lugpi_hf.locking`) stay local too.
    (teacher_dir / ".eval.lugpi.lock").write_text("")
    (teacher_dir / ".eval.lugpi.owner").write_text('{"pid": 1}')
    repo_id = f"{DEFAULT_USER}/lugpi-teacher"
    out = run_client(
        local_hub,
        tmp_path / "home",
        f"""
        import torch
        from huggingface_hub import HfApi, hf_hub_download
        from transformers import AutoModelForSequenceClassification
        from lugpi_hf.hub import push_model_dir

        print(push_model_dir({str(teacher_dir)!r}, {repo_id!r}))
        files = HfApi().list_repo_files({repo_id!r})
        assert "model.safetensors" in files and "modeling_lugpi.py" in files, files
        assert not any(f.startswith("checkpoint-") or ".lugpi." in f for f in files), files
        card = open(hf_hub_download({repo_id!r}, "README.md")).read()
        assert 'from_pretrained("{repo_id}")' in card, card
        pulled = AutoModelForSequenceClassification.from_pretrained({repo_id!r})
        local = AutoModelForSequenceClassification.from_pretrained({str(teacher_dir)!r})
        for (name, a), b in zip(pulled.state_dict().items(), local.state_dict().values()):
            assert torch.equal(a, b), name
        print("PUSHED-AND-PULLED")
        """,
    )
    assert "PUSHED-AND-PULLED" in out
    assert local_hub.refused == []


def test_push_refuses_what_is_not_a_model(tmp_path):
    from lugpi_hf.hub import push_model_dir

    with pytest.raises(ValueError, match="not a saved model"):
        push_model_dir(tmp_path, "me/x")


LOCAL_RECORDS = [
    "training_args.bin", "trainer_state.json", "all_results.json", "train_results.json", "lugpi_stage.json",
    "lugpi_teacher_cache.json", ".lugpi.lock", "checkpoint-1/model.safetensors",
    "checkpoint-1/training_args.bin", "runs/events.out",
]  # fmt: skip


def test_trainer_and_push_model_dir_upload_only_the_model_files(local_hub, tmp_path):
    """`Trainer.push_to_hub`, the pushes during training (`hub_strategy`) and `push_model_dir`: no local record."""
    trainer_repo, dir_repo = f"{DEFAULT_USER}/baseline", f"{DEFAULT_USER}/pushed-dir"
    output_dir, model_dir = tmp_path / "baseline", tmp_path / "saved"
    out = run_client(
        local_hub,
        tmp_path / "home",
        f"""
        import json
        from huggingface_hub import HfApi
        from transformers import DataCollatorWithPadding, TrainingArguments
        from lugpi_hf.hub import ModelFilesTrainer, push_model_dir
        from lugpi_hf.testing import get_tiny_student, get_tiny_tokenizer, make_toy_text_dataset

        tokenizer = get_tiny_tokenizer()
        toy = make_toy_text_dataset(8).map(lambda row: tokenizer(row["text"]), remove_columns=["id", "text", "prompt"])
        args = TrainingArguments(
            {str(output_dir)!r}, max_steps=2, save_steps=1, per_device_train_batch_size=4, use_cpu=True,
            push_to_hub=True, hub_model_id={trainer_repo!r}, hub_strategy="all_checkpoints", hub_token="hf_secret",
            report_to="none",
        )
        trainer = ModelFilesTrainer(
            model=get_tiny_student(), args=args, train_dataset=toy, processing_class=tokenizer,
            data_collator=DataCollatorWithPadding(tokenizer),
        )
        trainer.train()
        trainer.save_state()
        trainer.push_to_hub()

        model = get_tiny_student()
        model.save_pretrained({str(model_dir)!r})
        tokenizer.save_pretrained({str(model_dir)!r})
        for name in {LOCAL_RECORDS!r}:
            path = {str(model_dir)!r} + "/" + name
            __import__("os").makedirs(__import__("os").path.dirname(path), exist_ok=True)
            open(path, "wb").write(b"local only")
        push_model_dir({str(model_dir)!r}, {dir_repo!r})
        print(json.dumps({{
            "trainer": HfApi().list_repo_files({trainer_repo!r}),
            "dir": HfApi().list_repo_files({dir_repo!r}),
        }}))
        """,
    )
    pushed = json.loads(out.strip().splitlines()[-1])
    # Written locally by Trainer, never uploaded: training_args.bin pickles the hub_token.
    assert (output_dir / "training_args.bin").is_file() and list(output_dir.glob("checkpoint-*"))
    model_files = ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"]
    assert pushed["trainer"] == sorted([".gitattributes", "README.md", *model_files])
    assert pushed["dir"] == sorted([".gitattributes", *model_files])
    for repo in (trainer_repo, dir_repo):
        assert all(b"hf_secret" not in local_hub.read_file(repo, name) for name in local_hub.list_files(repo))
    assert local_hub.refused == []


def test_lugpi_trainers_push_only_the_model_files():
    from lugpi_hf.hub import ModelFilesPushMixin
    from lugpi_hf.student import ModelFilesTrainer
    from lugpi_hf.teacher_training import LugpiTeacherTrainer
    from lugpi_hf.trainer import LugpiDistillationTrainer

    for trainer_class in (LugpiTeacherTrainer, LugpiDistillationTrainer, ModelFilesTrainer):
        assert issubclass(trainer_class, ModelFilesPushMixin)
        assert trainer_class.push_to_hub is ModelFilesPushMixin.push_to_hub
