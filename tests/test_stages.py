# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import json

from lugpi_hf.locking import output_dir_lock
from lugpi_hf.stages import STAGE_RECORD, clear_stage, mark_stage_done, stage_problem


def test_a_finished_stage_is_recognised_until_something_changes(tmp_path):
    stage = tmp_path / "teacher"
    settings = {"epochs": 3, "models": ("a", "b")}
    assert stage_problem(stage, settings) == "not run yet"
    (stage / "sub").mkdir(parents=True)
    (stage / "model.safetensors").write_bytes(b"weights" * 100)
    (stage / "sub" / "config.json").write_text("{}")
    assert stage_problem(stage, settings) == "no completion record (interrupted?)"

    mark_stage_done(stage, settings)
    assert (stage / STAGE_RECORD).is_file()
    assert stage_problem(stage, {"epochs": 3, "models": ["a", "b"]}) is None  # tuples and lists alike
    assert stage_problem(stage, {"epochs": 4, "models": ["a", "b"]}) == "its settings or inputs changed"

    # Same size, different bytes: only the hash sees it.
    (stage / "model.safetensors").write_bytes(b"WEIGHTS" * 100)
    assert "changed since the stage finished" in stage_problem(stage, settings)
    mark_stage_done(stage, settings)
    (stage / "sub" / "config.json").unlink()
    assert stage_problem(stage, settings).endswith("config.json is missing")

    clear_stage(stage)
    assert not stage.exists()


def test_lock_files_are_not_part_of_a_stage(tmp_path):
    stage = tmp_path / "generate"
    with output_dir_lock(stage / "dataset"):
        (stage / "dataset").mkdir()
        (stage / "dataset" / "data.arrow").write_bytes(b"rows")
        mark_stage_done(stage, {})
    assert (stage / ".dataset.lugpi.lock").is_file()
    assert list(json.loads((stage / STAGE_RECORD).read_text())["files"]) == ["dataset/data.arrow"]
    # The lock file outlives its holder; the stage is still intact.
    assert stage_problem(stage, {}) is None
