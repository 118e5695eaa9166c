# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Saving a stage's dataset all or nothing."""

import datasets
import pytest

from lugpi_hf.dataset_io import load_dataset_dict, save_to_disk_atomic


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
