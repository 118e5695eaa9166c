# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi prepare` end to end: real files in, a `save_to_disk` folder and a summary out."""

import re

import datasets

from lugpi_hf.cli import main
from lugpi_hf.locking import is_lock_file
from lugpi_hf.data import load_lugpi_dataset
from lugpi_hf.testing import get_tiny_tokenizer


def test_prepare_is_a_subcommand(capsys):
    assert main(["--help"]) == 0
    assert "  prepare " in capsys.readouterr().out


def test_prepare_cwi_news_end_to_end(shared_data, tmp_path, capsys):
    english = shared_data / "cwi2018" / "english"
    output_dir = tmp_path / "cwi-news"
    assert main(["prepare", "cwi-news", "--data_dir", str(english), "--output_dir", str(output_dir)]) == 0
    printed = capsys.readouterr().out
    assert f"Saved cwi-news to {output_dir}" in printed
    assert "train: 14,002 rows\n  labels: simple 8,459, complex 5,543\n" in printed
    assert "validation: 1,764 rows\n  labels: simple 1,068, complex 696\n" in printed
    assert "test: 2,095 rows\n  labels: simple 0, complex 0, unlabelled (-1) 2,095\n" in printed
    # Targets are words or short phrases; without a CLIP tokenizer in the cache the count is a lower bound.
    assert printed.count("prompts over 77 CLIP tokens: at least 0 (0.0%)") == 3
    assert "lower bound" in printed

    saved = datasets.load_from_disk(str(output_dir))
    loaded = load_lugpi_dataset("cwi-news", english)
    for split in ("train", "validation", "test"):
        assert saved[split].features == loaded[split].features
        assert saved[split]["id"][:] == loaded[split]["id"][:]
        assert saved[split]["text"][:] == loaded[split]["text"][:]
    # No temporary folder left behind (the lock file beside the output stays, see lugpi_hf.locking).
    assert [path.name for path in tmp_path.iterdir() if not is_lock_file(path)] == ["cwi-news"]


def test_prepare_refuses_to_overwrite_unless_asked(tmp_path, capsys):
    path = tmp_path / "reviews.csv"
    path.write_text("review,stars\n" + "".join(f"review {i},{i % 2}\n" for i in range(30)), encoding="utf-8")
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    (output_dir / "keep.txt").write_text("old")
    args = [
        "prepare",
        str(path),
        "--text_column",
        "review",
        "--label_column",
        "stars",
        "--output_dir",
        str(output_dir),
    ]
    assert main(args) == 1
    assert "out: already exists" in capsys.readouterr().err
    assert (output_dir / "keep.txt").read_text() == "old"

    # --overwrite replaces an earlier prepared dataset only, never a folder of something else.
    assert main([*args, "--overwrite"]) == 1
    assert "out: holds keep.txt but no dataset_dict.json or state.json" in capsys.readouterr().err
    assert (output_dir / "keep.txt").read_text() == "old"
    (output_dir / "keep.txt").unlink()
    assert main([*args, "--overwrite"]) == 0  # an empty folder is fine
    assert main([*args, "--overwrite"]) == 0  # and so is the dataset it now holds
    assert sum(len(split) for split in datasets.load_from_disk(str(output_dir)).values()) == 30


def test_prepare_counts_long_prompts_with_a_tokenizer(tmp_path, capsys):
    tokenizer_dir = tmp_path / "tokenizer"
    get_tiny_tokenizer().save_pretrained(tokenizer_dir)
    path = tmp_path / "captions.csv"
    rows = [f"text {i},{'cat ' * (100 if i % 10 == 0 else 5)},{i % 2}" for i in range(40)]  # 4 long prompts
    path.write_text("text,caption,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    output_dir = tmp_path / "out"
    argv = ["prepare", str(path), "--text_column", "text", "--label_column", "label", "--prompt_column", "caption"]
    assert main([*argv, "--clip_tokenizer", str(tokenizer_dir), "--output_dir", str(output_dir)]) == 0
    printed = capsys.readouterr().out
    counts = [int(n) for n in re.findall(r"prompts over 77 CLIP tokens: (\d+)", printed)]
    assert len(counts) == 3 and sum(counts) == 4
    assert f"counted with the {tokenizer_dir} tokenizer" in printed


def test_prepare_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys):
    output_dir = tmp_path / "out"
    assert main(["prepare", "imbd", "--output_dir", str(output_dir)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("lugpi prepare: error: Unknown dataset 'imbd'") and error.count("\n") == 1
    assert not output_dir.exists()
    assert [path for path in tmp_path.iterdir() if not is_lock_file(path)] == []
