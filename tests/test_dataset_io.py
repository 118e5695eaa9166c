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
