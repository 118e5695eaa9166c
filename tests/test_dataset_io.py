# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Loading the datasets stages pass to each other, and saving them all or nothing."""

import re

import datasets
import pytest

from lugpi_hf import dataset_io
from lugpi_hf.dataset_io import check_utf8, label_names, load_dataset_dict, save_to_disk_atomic


@pytest.fixture
def small():
    return datasets.Dataset.from_dict({"text": ["a", "b", "c"], "label": [1, 0, 1]})


def test_save_to_disk_dataset_dict_and_dataset(small, tmp_path):
    datasets.DatasetDict({"train": small, "test": small}).save_to_disk(tmp_path / "dict")
    small.save_to_disk(tmp_path / "single")
    assert sorted(load_dataset_dict(tmp_path / "dict")) == ["test", "train"]
    assert load_dataset_dict(tmp_path / "single")["train"]["text"] == ["a", "b", "c"]


def test_files_and_parquet_directories(small, tmp_path):
    small.to_csv(tmp_path / "data.csv", index=False)
    (tmp_path / "shards").mkdir()
    small.to_parquet(tmp_path / "shards" / "train-00000.parquet")
    assert load_dataset_dict(tmp_path / "data.csv")["train"]["label"] == [1, 0, 1]
    assert load_dataset_dict(tmp_path / "shards")["train"]["text"] == ["a", "b", "c"]


def test_bad_paths_name_the_path(tmp_path):
    with pytest.raises(ValueError, match="not a dataset directory"):
        load_dataset_dict(tmp_path)
    with pytest.raises(ValueError, match="no such file"):
        load_dataset_dict(tmp_path / "missing.csv")


def test_label_names(small):
    assert label_names(small) == ["0", "1"]
    labelled = small.cast_column("label", datasets.ClassLabel(names=["neg", "pos"]))
    assert label_names(labelled) == ["neg", "pos"]
    with pytest.raises(ValueError, match="no 'labels' column"):
        label_names(small, "labels")


def _dataset(rows: int) -> datasets.DatasetDict:
    return datasets.DatasetDict({"train": datasets.Dataset.from_dict({"x": list(range(rows))})})


def test_save_to_disk_atomic_writes_and_replaces(tmp_path):
    output_dir = tmp_path / "nested" / "prepared"
    assert save_to_disk_atomic(_dataset(3), output_dir) == output_dir
    assert load_dataset_dict(output_dir)["train"]["x"][:] == [0, 1, 2]
    with pytest.raises(ValueError, match="prepared: already exists"):
        save_to_disk_atomic(_dataset(5), output_dir)
    save_to_disk_atomic(_dataset(5), output_dir, overwrite=True)
    assert len(load_dataset_dict(output_dir)["train"]) == 5
    assert [path.name for path in output_dir.parent.iterdir()] == ["prepared"]


def test_save_to_disk_atomic_leaves_nothing_half_written(tmp_path, monkeypatch):
    output_dir = tmp_path / "prepared"
    save_to_disk_atomic(_dataset(3), output_dir)

    def interrupted(self, path, **kwargs):
        datasets.Dataset.from_dict({"x": [9]}).save_to_disk(path)  # partial output, then the crash
        raise KeyboardInterrupt

    monkeypatch.setattr(datasets.DatasetDict, "save_to_disk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_to_disk_atomic(_dataset(5), output_dir, overwrite=True)
    assert load_dataset_dict(output_dir)["train"]["x"][:] == [0, 1, 2]
    assert [path.name for path in tmp_path.iterdir()] == ["prepared"]


def test_save_to_disk_atomic_replaces_only_an_earlier_dataset(tmp_path):
    single = tmp_path / "single"
    datasets.Dataset.from_dict({"x": [1]}).save_to_disk(single)  # state.json, not dataset_dict.json
    save_to_disk_atomic(_dataset(2), single, overwrite=True)
    assert len(load_dataset_dict(single)["train"]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    save_to_disk_atomic(_dataset(2), empty, overwrite=True)
    assert len(load_dataset_dict(empty)["train"]) == 2

    checkpoint = tmp_path / "teacher"
    checkpoint.mkdir()
    (checkpoint / "config.json").write_text("{}")
    (checkpoint / "model.safetensors").write_bytes(b"weights")
    with pytest.raises(ValueError) as error:
        save_to_disk_atomic(_dataset(2), checkpoint, overwrite=True)
    message = str(error.value)
    assert message.startswith(f"{checkpoint}: holds config.json, model.safetensors but no dataset_dict.json or ")
    assert "not a dataset saved by `save_to_disk`" in message and "\n" not in message
    assert sorted(path.name for path in checkpoint.iterdir()) == ["config.json", "model.safetensors"]
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    with pytest.raises(ValueError, match=r"notes.txt: is a file, not a dataset saved by `save_to_disk`"):
        save_to_disk_atomic(_dataset(2), a_file, overwrite=True)
    assert a_file.read_text() == "mine"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["empty", "notes.txt", "single", "teacher"]


def test_save_to_disk_atomic_extra_files_come_with_the_dataset(tmp_path, monkeypatch):
    output_dir = tmp_path / "cache"
    save_to_disk_atomic(_dataset(1), output_dir, extra_files={"record.json": '{"rows": 1}'})
    assert (output_dir / "record.json").read_text() == '{"rows": 1}'
    monkeypatch.setattr(datasets.DatasetDict, "save_to_disk", lambda self, path, **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        save_to_disk_atomic(_dataset(2), output_dir, overwrite=True, extra_files={"record.json": '{"rows": 2}'})
    assert (output_dir / "record.json").read_text() == '{"rows": 1}'


# ---------------------------------------------------------------------------------------------------------
# Bad files: one line naming the file (and the line where there is one)
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file_name, content, line",
    [
        ("reviews.csv", b"text,label\nfine,0\nalso fine,1\ncaf\xe9 au lait,0\n", 4),
        ("reviews.tsv", b"text\tlabel\nfine\t0\nalso fine\t1\ncaf\xe9 au lait\t0\n", 4),
        ("reviews.jsonl", b'{"text": "fine", "label": 0}\n{"text": "ok", "label": 1}\n{"text": "caf\xe9"}\n', 3),
        ("reviews.json", b'[{"text": "fine", "label": 0},\n {"text": "ok", "label": 1},\n {"text": "caf\xe9"}]\n', 3),
    ],
)
def test_text_file_that_is_not_utf8_names_file_and_line(tmp_path, file_name, content, line):
    path = tmp_path / file_name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}, line {line}: byte 0xe9 is not UTF-8"):
        load_dataset_dict(path)


def test_check_utf8_counts_lines_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(dataset_io, "_UTF8_CHUNK", 7)  # characters and line breaks fall across chunk boundaries
    path = tmp_path / "notes.csv"
    path.write_bytes("text\nnaïve\ncafé crème\n".encode() + b"\xff\n")
    with pytest.raises(ValueError, match=r"notes\.csv, line 4: byte 0xff"):
        check_utf8(path)
    path.write_bytes("text\nnaïve\ncafé crème\n".encode() + "é".encode()[:1])  # cut inside the last character
    with pytest.raises(ValueError, match=r"notes\.csv, line 4: byte 0xc3"):
        check_utf8(path)
    path.write_bytes("\ufefftext\nnaïve\ncafé crème\n".encode())
    check_utf8(path)


def _parquet_bytes(tmp_path, rows=2000) -> bytes:
    data = {"text": [f"row {i} " * 20 for i in range(rows)], "label": [i % 3 for i in range(rows)]}
    datasets.Dataset.from_dict(data).to_parquet(str(tmp_path / "whole.parquet"))
    return (tmp_path / "whole.parquet").read_bytes()


def test_truncated_parquet_file_and_shard_are_named(tmp_path):
    data = _parquet_bytes(tmp_path)
    single = tmp_path / "train.parquet"
    single.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=rf"{re.escape(str(single))}: not a readable Parquet file, truncated"):
        load_dataset_dict(single)
    shards = tmp_path / "generated" / "data"
    shards.mkdir(parents=True)
    (shards / "train-00000.parquet").write_bytes(data)
    (shards / "train-00001.parquet").write_bytes(data[:-100])
    with pytest.raises(ValueError, match=r"train-00001\.parquet: not a readable Parquet file, truncated"):
        load_dataset_dict(tmp_path / "generated")


def test_corrupted_parquet_shard_is_named(tmp_path):
    data = bytearray(_parquet_bytes(tmp_path))
    for index in range(1000, 3000):  # inside the data pages: the footer still reads
        data[index] ^= 0x5A
    shards = tmp_path / "shards"
    shards.mkdir()
    (shards / "train-00000.parquet").write_bytes(_parquet_bytes(tmp_path))
    (shards / "train-00001.parquet").write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"shards/train-00001\.parquet: not a readable Parquet file, corrupted"):
        load_dataset_dict(shards)


def test_truncated_arrow_file_of_a_saved_dataset_is_named(small, tmp_path):
    datasets.DatasetDict({"train": small, "test": small}).save_to_disk(tmp_path / "prepared")
    arrow = next((tmp_path / "prepared" / "test").glob("*.arrow"))
    arrow.write_bytes(arrow.read_bytes()[:-40])
    with pytest.raises(ValueError, match=rf"{re.escape(str(arrow))}: not a readable Arrow file"):
        load_dataset_dict(tmp_path / "prepared")


def test_unsupported_suffix_names_the_file(tmp_path):
    path = tmp_path / "reviews.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(ValueError, match=r"reviews\.xlsx: unsupported file type '\.xlsx' \(expected one of \.csv"):
        load_dataset_dict(path)


def test_unparsable_json_names_the_file(tmp_path):
    path = tmp_path / "reviews.jsonl"
    path.write_text('{"text": "fine", "label": 0}\n{"text": "broken", \n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"reviews\.jsonl: cannot be read as JSONL \("):
        load_dataset_dict(path)
