# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The teacher cache: values, provenance checks, refusals, atomic writes and `lugpi cache-teacher`."""

import json
import shutil

import datasets
import pytest
import torch

from lugpi_hf.cli import main as cli_main
from lugpi_hf.data_collator import LugpiTextImageCollator
from lugpi_hf.dataset_io import load_dataset_dict, rows_fingerprint
from lugpi_hf.teacher_cache import (
    CACHE_METADATA_NAME,
    TeacherCache,
    attach_teacher_caches,
    build_teacher_cache,
    teacher_fingerprint,
)
from lugpi_hf.testing import get_tiny_processor, get_tiny_teacher, make_toy_text_image_dataset


@pytest.fixture(scope="module")
def toy():
    return make_toy_text_image_dataset(12, seed=0)


@pytest.fixture(scope="module")
def teacher_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("teacher") / "teacher"
    get_tiny_teacher(classifier_hidden_size=40, label_names=["positive", "negative"]).save_pretrained(path)
    get_tiny_processor().save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def cache(teacher_dir, toy):
    return build_teacher_cache(teacher_dir, toy, batch_size=5)


def test_cache_holds_the_eval_mode_teacher_outputs_per_id(cache, teacher_dir, toy):
    assert cache.dataset.column_names == ["id", "teacher_logits", "teacher_embedding"]
    assert list(cache.dataset["id"]) == list(toy["id"])
    teacher = get_tiny_teacher(classifier_hidden_size=40, label_names=["positive", "negative"]).eval()
    batch = LugpiTextImageCollator(get_tiny_processor())([toy[i] for i in range(len(toy))])
    batch.pop("labels")
    with torch.no_grad():
        expected = teacher(**batch)
    for column, value in (("teacher_logits", expected.logits), ("teacher_embedding", expected.embedding)):
        torch.testing.assert_close(torch.tensor(list(cache.dataset[column])), value, rtol=1e-4, atol=1e-5)
    assert cache.metadata["label_names"] == ["positive", "negative"]
    assert cache.metadata["embedding_size"] == 40
    assert cache.metadata["dataset_fingerprint"] == rows_fingerprint(toy, ["id", "text", "image"])
    assert cache.metadata["text_fingerprint"] == rows_fingerprint(toy, ["id", "text"])
    assert cache.metadata["teacher_fingerprint"] == teacher_fingerprint(teacher_dir)


def test_teacher_fingerprint_follows_content_not_location(teacher_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(teacher_dir, copy)
    assert teacher_fingerprint(copy) == teacher_fingerprint(teacher_dir)
    get_tiny_teacher(seed=1, classifier_hidden_size=40).save_pretrained(copy)
    assert teacher_fingerprint(copy) != teacher_fingerprint(teacher_dir)
    with pytest.raises(ValueError, match="not a safetensors checkpoint"):
        teacher_fingerprint(tmp_path)


def test_save_load_round_trip_and_replace(cache, tmp_path):
    path = tmp_path / "cache"
    cache.save_to_disk(path)
    cache.save_to_disk(path)  # replaces, leaves no temporary directory behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]
    loaded = TeacherCache.load(path)
    assert loaded.metadata == cache.metadata
    assert list(loaded.dataset["teacher_logits"]) == list(cache.dataset["teacher_logits"])
    assert json.loads((path / CACHE_METADATA_NAME).read_text())["num_rows"] == 12


def test_save_replaces_only_an_earlier_cache(cache, teacher_dir, tmp_path):
    # The teacher's own checkpoint given as the cache's output stays as it is.
    before = sorted(path.name for path in teacher_dir.iterdir())
    with pytest.raises(ValueError) as error:
        cache.save_to_disk(teacher_dir)
    assert str(error.value).startswith(f"{teacher_dir}: holds config.json, ")
    assert f"but no {CACHE_METADATA_NAME}, so it is not a LUGPI teacher cache; refusing to delete" in str(error.value)
    assert sorted(path.name for path in teacher_dir.iterdir()) == before
    # A dataset is not a cache either, though `save_to_disk` wrote it.
    dataset_dir = tmp_path / "prepared"
    datasets.DatasetDict({"train": cache.dataset}).save_to_disk(dataset_dir)
    with pytest.raises(ValueError, match=f"prepared: holds .* but no {CACHE_METADATA_NAME}"):
        cache.save_to_disk(dataset_dir)
    assert (dataset_dir / "dataset_dict.json").is_file()
    a_file = tmp_path / "cache.txt"
    a_file.write_text("mine")
    with pytest.raises(ValueError, match="cache.txt: is a file, not a LUGPI teacher cache"):
        cache.save_to_disk(a_file)
    empty = tmp_path / "empty"
    empty.mkdir()
    cache.save_to_disk(empty)
    assert TeacherCache.load(empty).metadata == cache.metadata


def test_an_interrupted_save_leaves_the_earlier_cache(cache, tmp_path, monkeypatch):
    path = tmp_path / "cache"
    cache.save_to_disk(path)
    monkeypatch.setattr(datasets.Dataset, "save_to_disk", lambda self, path, **kwargs: 1 / 0)
    changed = TeacherCache(cache.dataset, {**cache.metadata, "num_rows": 99})
    with pytest.raises(ZeroDivisionError):
        changed.save_to_disk(path)
    assert TeacherCache.load(path).metadata == cache.metadata
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]


def test_attach_by_id_in_any_order(cache, toy):
    shuffled = toy.shuffle(seed=3)
    # The same rows in another order (another `_fingerprint` for `datasets`) are the same rows: looked up by id.
    assert shuffled._fingerprint != toy._fingerprint
    attached = attach_teacher_caches(shuffled, [cache, cache])
    by_id = {row["id"]: row["teacher_logits"] for row in cache.dataset}
    for row in attached:
        assert row["teacher_logits"] == by_id[row["id"]] == row["teacher_logits_1"]


def test_refusals(cache, teacher_dir, toy, tmp_path):
    with pytest.raises(ValueError, match="built from another dataset"):
        attach_teacher_caches(make_toy_text_image_dataset(12, seed=9), [cache])
    partial = TeacherCache(cache.dataset.select(range(10)), cache.metadata, path="partial")
    with pytest.raises(ValueError, match=r"teacher cache partial is missing 2 of the training set's 12 ids"):
        attach_teacher_caches(toy, [partial])
    other = tmp_path / "other"
    get_tiny_teacher(seed=7, classifier_hidden_size=40).save_pretrained(other)
    with pytest.raises(ValueError, match="built from another teacher"):
        cache.check_teacher(other)
    cache.check_teacher(teacher_dir)
    with pytest.raises(ValueError, match="not a LUGPI teacher cache"):
        TeacherCache.load(tmp_path)


def test_bad_datasets(teacher_dir, toy):
    with pytest.raises(ValueError, match="must be unique"):
        build_teacher_cache(teacher_dir, datasets.concatenate_datasets([toy, toy.select([0])]))
    with pytest.raises(ValueError, match="no 'image' column"):
        build_teacher_cache(teacher_dir, toy.remove_columns("image"))
    three = make_toy_text_image_dataset(6, num_labels=3)
    with pytest.raises(ValueError, match="has 2 labels .* but the dataset's 'label' column has 3"):
        build_teacher_cache(teacher_dir, three)


def test_cli_cache_teacher(teacher_dir, toy, tmp_path, capsys):
    data = tmp_path / "data"
    datasets.DatasetDict({"train": toy}).save_to_disk(data)
    out = tmp_path / "cache"
    assert cli_main(["cache-teacher", "--teacher", str(teacher_dir), "--dataset", str(data), "--output", str(out),
                     "--batch_size", "4"]) == 0  # fmt: skip
    assert "12 rows" in capsys.readouterr().out
    cache = TeacherCache.load(out)
    # The split as the distillation stage will load it again has the fingerprint the cache recorded.
    attached = attach_teacher_caches(load_dataset_dict(data)["train"], [cache])
    assert "teacher_embedding" in attached.column_names

    assert cli_main(["cache-teacher", "--teacher", str(teacher_dir), "--dataset", str(data), "--split", "test",
                     "--output", str(tmp_path / "nope")]) == 1  # fmt: skip
    assert "no split 'test'" in capsys.readouterr().err


def test_cache_built_with_worker_processes_matches(teacher_dir, toy, cache):
    # The collator pickles, so images are read and processed in DataLoader workers (Trainer.predict underneath).
    import pickle

    collator = LugpiTextImageCollator(get_tiny_processor())
    batch = pickle.loads(pickle.dumps(collator))([toy[0], toy[1]])
    assert sorted(batch) == ["attention_mask", "input_ids", "labels", "pixel_values"]
    with_workers = build_teacher_cache(teacher_dir, toy, batch_size=4, dataloader_num_workers=2, device="cpu")
    assert list(with_workers.dataset["id"]) == list(toy["id"])
    for column in ("teacher_logits", "teacher_embedding"):
        torch.testing.assert_close(torch.tensor(list(with_workers.dataset[column])),
                                   torch.tensor(list(cache.dataset[column])), rtol=1e-5, atol=1e-6)  # fmt: skip


def test_a_classifier_without_embedding_is_refused(toy, tmp_path):
    from lugpi_hf.testing import get_tiny_student

    get_tiny_student().save_pretrained(tmp_path / "student")
    get_tiny_processor().save_pretrained(tmp_path / "student")
    with pytest.raises(ValueError, match="has no `embedding`"):
        build_teacher_cache(tmp_path / "student", toy.select(range(4)), device="cpu")


def test_the_cache_follows_the_rows_not_where_their_files_are(cache, toy, tmp_path):
    """Parquet shards copied elsewhere (another path, other modification times: another `_fingerprint`) match."""
    (tmp_path / "here").mkdir()
    toy.to_parquet(tmp_path / "here" / "train-00000-of-00001.parquet")
    shutil.copytree(tmp_path / "here", tmp_path / "moved")
    here, moved = (load_dataset_dict(tmp_path / name)["train"] for name in ("here", "moved"))
    assert here._fingerprint != moved._fingerprint
    for split in (here, moved):
        attached = attach_teacher_caches(split, [cache])
        assert attached["teacher_logits"] == cache.dataset["teacher_logits"]


def test_a_text_only_training_set_is_checked_on_ids_and_texts(cache, toy):
    # Once the teacher's outputs are cached the student needs no image.
    attached = attach_teacher_caches(toy.remove_columns("image"), [cache])
    assert attached["teacher_embedding"] == cache.dataset["teacher_embedding"]
    changed_text = toy.remove_columns("image").map(lambda row, i: {"text": row["text"] + " x" * (i == 3)},
                                                   with_indices=True)  # fmt: skip
    with pytest.raises(ValueError, match="built from another dataset .*id, text columns differ"):
        attach_teacher_caches(changed_text, [cache])


def test_other_images_for_the_same_texts_are_another_dataset(cache, toy):
    other_images = make_toy_text_image_dataset(12, seed=0).cast_column("image", datasets.Image())
    flipped = other_images.map(lambda row: {"image": row["image"].transpose(0)})
    with pytest.raises(ValueError, match="id, text, image columns differ"):
        attach_teacher_caches(flipped, [cache])
