# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Loading the datasets stages pass to each other, and saving them all or nothing."""

import datasets
import pytest

from lugpi_hf.dataset_io import label_names, load_dataset_dict, save_to_disk_atomic


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
