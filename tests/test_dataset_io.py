# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import datasets
import pytest

from lugpi_hf.dataset_io import label_names, load_dataset_dict


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
