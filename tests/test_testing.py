# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import numpy as np
import torch

from lugpi_hf.testing import get_tiny_student, get_tiny_teacher, get_tiny_tokenizer, make_toy_text_image_dataset


def test_builders_are_deterministic():
    for build in (get_tiny_teacher, get_tiny_student):
        first, second = build().state_dict(), build().state_dict()
        assert all(torch.equal(first[name], second[name]) for name in first)
    a, b = make_toy_text_image_dataset(4, seed=3), make_toy_text_image_dataset(4, seed=3)
    assert a["text"] == b["text"]
    assert np.array_equal(np.asarray(a[0]["image"]), np.asarray(b[0]["image"]))


def test_tokenizer_keeps_common_words_whole_and_spells_the_rest():
    tokenizer = get_tiny_tokenizer()
    assert tokenizer.tokenize("The movie was great") == ["the", "movie", "was", "great"]
    assert tokenizer.tokenize("zqx") == ["z", "##q", "##x"]
    assert tokenizer.sep_token == "[SEP]" and tokenizer.pad_token_id == 0


def test_toy_task_is_labelled_consistently():
    dataset = make_toy_text_image_dataset(6, num_labels=3)
    assert dataset.features["label"].names == ["positive", "negative", "neutral"]
    assert dataset["label"] == [0, 1, 2, 0, 1, 2]
    assert len(set(dataset["id"])) == 6


def test_no_shipped_module_imports_the_test_helpers():
    """The demo builds its models from `lugpi_hf.demo`; only tests (and benchmarks) import `lugpi_hf.testing`."""
    import ast
    from pathlib import Path

    import lugpi_hf

    package = Path(lugpi_hf.__file__).parent
    importers = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "testing.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else [f"{'.' * node.level}{node.module or ''}"]
                names += [alias.name for alias in node.names] if node.module in (None, "lugpi_hf") else []
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(name in ("lugpi_hf.testing", ".testing", "..testing", "testing") for name in names):
                importers.append(str(path.relative_to(package)))
    assert importers == []


def test_the_testing_names_are_the_demos_objects():
    from lugpi_hf import demo, testing

    for name in ("get_tiny_tokenizer", "get_tiny_text_to_image_pipeline", "make_toy_demo_dataset", "TINY_WIDTH"):
        assert getattr(testing, name) is getattr(demo, name)
