# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import pytest

from lugpi_hf.cli import main


def test_train_teacher_demo_writes_a_teacher_with_its_card(tmp_path, capsys):
    assert main(["train-teacher", "--demo", "--output_dir", str(tmp_path), "--max_steps", "2", "--use_cpu"]) == 0
    assert (tmp_path / "model.safetensors").is_file()
    assert "LUGPI teacher" in (tmp_path / "README.md").read_text()
    assert f"teacher saved to {tmp_path}" in capsys.readouterr().out


def test_bad_input_is_one_line_not_a_traceback(tmp_path, capsys):
    assert main(["train-teacher", "--output_dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == (
        "lugpi train-teacher: error: --dataset_name is required: the dataset to train on."
    )


def test_unknown_options_are_refused():
    with pytest.raises(SystemExit):
        main(["--no-such-option"])
