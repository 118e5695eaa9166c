# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Every failure at the command line: exit status 1 and one line naming the file (and line, row or key)."""

import errno
import os

import datasets
import pytest

from lugpi_hf.cli import main
from lugpi_hf.locking import is_lock_file


def one_line_error(capsys, argv) -> str:
    """The error line of a failed command (progress bars may share stderr), checked to be the only one."""
    assert main(argv) == 1
    stderr = capsys.readouterr().err
    lines = [line for line in stderr.replace("\r", "\n").splitlines() if f"lugpi {argv[0]}: error: " in line]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def csv_file(path, rows):
    path.write_text("review,stars\n" + "".join(f"{text},{label}\n" for text, label in rows), encoding="utf-8")
    return path


def prepare(path, output_dir):
    return ["prepare", str(path), "--text_column", "review", "--label_column", "stars", "--output_dir", str(output_dir)]


@pytest.mark.parametrize("suffix, content, line", [
    (".csv", b"review,stars\ngood,1\nbad,0\ncaf\xe9,1\n", 4),
    (".tsv", b"review\tstars\ngood\t1\nbad\t0\ncaf\xe9\t1\n", 4),
    (".jsonl", b'{"review": "good", "stars": 1}\n{"review": "bad", "stars": 0}\n{"review": "caf\xe9", "stars": 1}\n', 3),
])  # fmt: skip
def test_a_file_that_is_not_utf8_names_the_file_and_line(tmp_path, capsys, suffix, content, line):
    path = tmp_path / f"reviews{suffix}"
    path.write_bytes(content)
    error = one_line_error(capsys, prepare(path, tmp_path / "out"))
    assert f"{path}, line {line}: byte 0xe9 is not UTF-8" in error
    assert not (tmp_path / "out").exists()


def test_a_cwi_field_over_the_csv_limit_names_the_file_and_line(tmp_path, capsys):
    english = tmp_path / "english"
    english.mkdir()
    line = "HIT\t{sentence}\t0\t4\tThis\t10\t10\t0\t0\t0\t0.0\n"
    (english / "News_Train.tsv").write_text(line.format(sentence="This is fine.") +
                                            line.format(sentence="This " + "x" * 200_000))  # fmt: skip
    for name in ("News_Dev.tsv", "News_Test.tsv"):
        (english / name).write_text(line.format(sentence="This is fine."))
    error = one_line_error(capsys, ["prepare", "cwi-news", "--data_dir", str(english), "--output_dir", str(tmp_path / "o")])
    assert f"{english / 'News_Train.tsv'}" in error and "line 2" in error and "field size limit" in error


@pytest.mark.parametrize("labels, expected", [
    (["1", "", "0"], "stars"),  # a missing label
    (["1", "pos", "0"], "stars"),  # numbers and names in one column
])  # fmt: skip
def test_bad_labels_are_one_line(tmp_path, capsys, labels, expected):
    path = csv_file(tmp_path / "reviews.csv", [(f"review {i}", labels[i % 3]) for i in range(30)])
    error = one_line_error(capsys, prepare(path, tmp_path / "out"))
    assert str(path) in error and expected in error


def test_a_split_whose_texts_are_all_empty_is_an_error(tmp_path, capsys):
    path = csv_file(tmp_path / "reviews.csv", [('""', i % 2) for i in range(30)])
    error = one_line_error(capsys, prepare(path, tmp_path / "out"))
    assert "empty" in error


def test_a_truncated_parquet_shard_is_named(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    for split in ("train", "validation"):
        datasets.Dataset.from_dict({"text": ["a b c"] * 8, "label": [0, 1] * 4}).to_parquet(data / f"{split}.parquet")
    shard = data / "train.parquet"
    shard.write_bytes(shard.read_bytes()[:-20])
    error = one_line_error(capsys, ["baseline", "--dataset_name", str(data), "--output_dir", str(tmp_path / "o")])
    assert f"{shard}: " in error and "Parquet" in error


def test_a_corrupted_safetensors_file_is_named(tmp_path, capsys):
    from lugpi_hf.testing import get_tiny_student

    model_dir = tmp_path / "student"
    get_tiny_student().save_pretrained(model_dir)
    weights = model_dir / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])  # truncated inside its header
    data = tmp_path / "data"
    datasets.DatasetDict({"test": datasets.Dataset.from_dict({"text": ["a"], "label": [0]})}).save_to_disk(data)
    error = one_line_error(capsys, ["evaluate", "--dataset", str(data), "--output_dir", str(tmp_path / "r"),
                                    "--baseline", str(model_dir)])  # fmt: skip
    assert f"{weights}: " in error and "safetensors" in error


def test_yaml_syntax_errors_name_file_line_and_column(tmp_path, capsys):
    config = tmp_path / "run.yaml"
    config.write_text("dataset: imdb\nteachers:\n  vit: {text_model: t\n")
    error = one_line_error(capsys, ["run", "--config", str(config), "--output_dir", str(tmp_path / "run")])
    assert f"{config}: line " in error and "column" in error and "invalid YAML" in error
    distill = tmp_path / "distill.yaml"
    distill.write_text("alpha: [1\n")
    error = one_line_error(capsys, ["distill", "--config", str(distill), "--output_dir", str(tmp_path / "o")])
    assert f"{distill}: line " in error


def test_an_output_path_that_is_a_file(tmp_path, capsys):
    path = csv_file(tmp_path / "reviews.csv", [(f"review {i}", i % 2) for i in range(30)])
    taken = tmp_path / "taken"
    taken.write_text("mine")
    error = one_line_error(capsys, prepare(path, taken))
    assert f"{taken}: is a file" in error
    assert taken.read_text() == "mine"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories; the next test covers the message")
def test_a_read_only_directory(tmp_path, capsys):
    path = csv_file(tmp_path / "reviews.csv", [(f"review {i}", i % 2) for i in range(30)])
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    error = one_line_error(capsys, prepare(path, locked / "out"))
    assert f"{locked}: not writable" in error


@pytest.mark.parametrize("failure, expected", [
    (OSError(errno.ENOSPC, "No space left on device"), "no space left on the device"),
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
])  # fmt: skip
def test_a_full_disk_or_a_refused_write_while_saving(tmp_path, capsys, monkeypatch, failure, expected):
    path = csv_file(tmp_path / "reviews.csv", [(f"review {i}", i % 2) for i in range(30)])

    def fail(self, dataset_path, **kwargs):
        failure.filename = str(dataset_path)
        raise failure

    monkeypatch.setattr(datasets.DatasetDict, "save_to_disk", fail)
    error = one_line_error(capsys, prepare(path, tmp_path / "out"))
    assert expected in error and str(tmp_path) in error
    # The temporary folder went, and nothing was left where the dataset should be.
    assert sorted(p.name for p in tmp_path.iterdir() if not is_lock_file(p)) == ["reviews.csv"]
