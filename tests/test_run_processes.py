# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi run --num_processes 2`: every kind of generation and training stage across two CPU processes."""

import json
import subprocess
import sys

import yaml

from conftest import REPO_ROOT


def test_two_process_demo_run(tmp_path):
    # The demo preset with one teacher: each kind of stage once (a launch costs two process starts).
    config = yaml.safe_load((REPO_ROOT / "lugpi_hf" / "presets" / "demo.yaml").read_text())
    config["teachers"] = {"vit": config["teachers"]["vit"]}
    assert config["image_only"] is True
    (tmp_path / "demo.yaml").write_text(yaml.safe_dump(config))
    output_dir = tmp_path / "demo"
    result = subprocess.run(
        [sys.executable, "-m", "lugpi_hf.cli", "run", "--config", str(tmp_path / "demo.yaml"), "--output_dir",
         str(output_dir), "--num_processes", "2", "--epochs", "1"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    summary = json.loads((output_dir / "run_summary.json").read_text())
    assert summary["ran"][-1] == "results" and summary["skipped"] == []
    # 96 training rows, 16 per process and step: 3 steps an epoch with two processes (6 with one).
    for stage in ("teacher-vit", "student-vit", "baseline", "image-only-vit"):
        assert json.loads((output_dir / stage / "trainer_state.json").read_text())["global_step"] == 3, stage
    # Each launched stage reads its arguments from one file, which holds no secret and names the stage's directory.
    arguments = (output_dir / "teacher-vit" / "lugpi_stage_args.yaml").read_text()
    assert f"output_dir: {output_dir / 'teacher-vit'}" in arguments
    generated = sorted(path.name for path in (output_dir / "generate" / "dataset").rglob("*.parquet"))
    assert generated, "no generated shards"
