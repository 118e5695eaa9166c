# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import json

import pytest

from lugpi_hf.locking import output_dir_lock
from lugpi_hf.stages import STAGE_RECORD, clear_stage, mark_stage_done, mark_stage_started, stage_problem


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


def test_an_interrupted_stage_is_recognised_by_its_running_record(tmp_path):
    stage = tmp_path / "teacher"
    mark_stage_started(stage, {"epochs": 3})
    assert json.loads((stage / STAGE_RECORD).read_text()) == {"status": "running", "settings": {"epochs": 3}}
    (stage / "checkpoint-1").mkdir()
    (stage / "checkpoint-1" / "optimizer.pt").write_bytes(b"state")
    assert stage_problem(stage, {"epochs": 3}) == "no completion record (interrupted?)"
    assert stage_problem(stage, {"epochs": 4}) == "its settings or inputs changed"
    mark_stage_done(stage, {"epochs": 3})
    assert stage_problem(stage, {"epochs": 3}) is None
    assert "status" not in json.loads((stage / STAGE_RECORD).read_text())
    mark_stage_started(stage, {"epochs": 4})
    clear_stage(stage)  # a kill left checkpoints behind: the runner's to clear
    assert not stage.exists()


def test_clear_stage_deletes_only_what_the_runner_made(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (tmp_path / ".empty.lugpi.lock").write_text("")
    clear_stage(empty)
    clear_stage(tmp_path / "never-made")
    assert not empty.exists()

    foreign = tmp_path / "student-vit"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("years of work")
    with pytest.raises(ValueError) as error:
        clear_stage(foreign)
    assert str(error.value).startswith(
        f"{foreign}: holds thesis.tex but no lugpi_stage.json, so it is not a stage directory of `lugpi run`; "
        "refusing to delete what lugpi did not write"
    )
    (tmp_path / "results").write_text("a file where a stage directory goes")
    with pytest.raises(ValueError, match="results: is a file, not a stage directory"):
        clear_stage(tmp_path / "results")
    assert (foreign / "thesis.tex").read_text() == "years of work" and (tmp_path / "results").is_file()
