# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`push_model_dir` against the loopback Hub, with the real clients in subprocesses."""

import subprocess
import sys
import textwrap

import pytest

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
    assert main(["train-teacher", "--demo", "--output_dir", str(teacher_dir), "--max_steps", "2",
                 "--save_steps", "1", "--use_cpu"]) == 0
    assert list(teacher_dir.glob("checkpoint-*"))  # left behind locally, not pushed
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
        assert not any(f.startswith("checkpoint-") for f in files), files
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
