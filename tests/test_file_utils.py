# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The shared file helpers: all-or-nothing writes, hashing into a digest, Hub ids."""

import hashlib

import pytest

from lugpi_hf.file_utils import atomic_path, atomic_write, is_hub_id, sha256_file


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "results.json"
    atomic_write(target, "first")
    atomic_write(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["results.json"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    target = tmp_path / "card.md"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target, suffix=".lugpi.owner", fsync=True) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".card.md.") and tmp.name.endswith(".lugpi.owner")
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["card.md"]


def test_fsync_writes_still_land(tmp_path):
    with atomic_path(tmp_path / "shard.parquet", fsync=True) as tmp:
        tmp.write_bytes(b"rows")
    assert (tmp_path / "shard.parquet").read_bytes() == b"rows"


def test_sha256_file_alone_and_into_a_running_digest(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_bytes(b"x" * (3 << 20))  # several read blocks
    second.write_bytes(b"y")
    assert sha256_file(first) == hashlib.sha256(b"x" * (3 << 20)).hexdigest()
    digest = hashlib.sha256()
    sha256_file(first, digest)
    assert sha256_file(second, digest) == hashlib.sha256(b"x" * (3 << 20) + b"y").hexdigest()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("imdb", True),
        ("stanfordnlp/imdb", True),
        ("stabilityai/sd-turbo", True),
        ("google/vit-base-patch16-224-in21k", True),
        (None, False),
        ("", False),
        ("/abs/path", False),
        ("./local", False),
        ("../shared/data", False),
        ("a/b/c", False),
        ("a local CSV", False),
        ("-bad/name", False),
    ],
)
def test_is_hub_id(name, expected):
    assert is_hub_id(name) is expected


def test_an_existing_local_directory_is_not_a_hub_id(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "teacher").mkdir()
    assert not is_hub_id("teacher")
    assert is_hub_id("student")
