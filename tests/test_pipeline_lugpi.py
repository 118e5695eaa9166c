# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
import json
import os
import subprocess
import sys
import textwrap

import pytest
import torch
from transformers import pipeline

from lugpi_hf.pipeline_lugpi import PIPELINE_TASK, LugpiTextImageClassificationPipeline, register_lugpi_pipeline
from lugpi_hf.testing import get_tiny_processor, get_tiny_teacher, make_toy_text_image_dataset


@pytest.fixture(scope="module")
def toy():
    return make_toy_text_image_dataset(3, num_labels=3)


@pytest.fixture(scope="module")
def classifier():
    register_lugpi_pipeline()
    model = get_tiny_teacher("vit", num_labels=3, label_names=["pos", "neg", "neu"]).eval()
    return pipeline(PIPELINE_TASK, model=model, processor=get_tiny_processor("vit"))


def expected_probabilities(classifier, row):
    batch = classifier.processor(text=[row["text"]], images=[row["image"]], truncation=True, return_tensors="pt")
    with torch.no_grad():
        return classifier.model(**batch).logits.softmax(-1)[0]


def test_one_input_gives_the_best_label_and_its_probability(classifier, toy):
    assert isinstance(classifier, LugpiTextImageClassificationPipeline)
    row = toy[0]
    result = classifier({"text": row["text"], "image": row["image"]})
    probabilities = expected_probabilities(classifier, row)
    best = int(probabilities.argmax())
    assert result == [{"label": ["pos", "neg", "neu"][best], "score": pytest.approx(float(probabilities[best]))}]


def test_top_k_and_lists_of_inputs(classifier, toy):
    inputs = [{"text": row["text"], "image": row["image"]} for row in toy]
    everything = classifier(inputs, top_k=None)
    assert len(everything) == 3
    for row, ranked in zip(toy, everything):
        probabilities = expected_probabilities(classifier, row)
        assert [entry["score"] for entry in ranked] == sorted((entry["score"] for entry in ranked), reverse=True)
        assert sorted(entry["label"] for entry in ranked) == ["neg", "neu", "pos"]
        assert sum(entry["score"] for entry in ranked) == pytest.approx(1.0)
        assert ranked[0]["score"] == pytest.approx(float(probabilities.max()))
    assert [len(ranked) for ranked in classifier(inputs, top_k=2)] == [2, 2, 2]


def test_bad_inputs_say_what_is_expected(classifier, toy):
    with pytest.raises(ValueError, match='keys "text" and "image"'):
        classifier({"text": toy[0]["text"]})
    with pytest.raises(ValueError, match="takes"):
        classifier("just a text")
    with pytest.raises(ValueError, match="unknown argument"):
        classifier({"text": toy[0]["text"], "image": toy[0]["image"]}, topk=2)


def test_saved_teacher_runs_in_a_pipeline_without_lugpi_hf(toy, tmp_path):
    model = get_tiny_teacher("clip", num_labels=3, label_names=["pos", "neg", "neu"]).eval()
    processor = get_tiny_processor("clip")
    model.save_pretrained(tmp_path / "teacher")
    processor.save_pretrained(tmp_path / "teacher")
    config = json.loads((tmp_path / "teacher" / "config.json").read_text())
    assert list(config["custom_pipelines"]) == [PIPELINE_TASK]
    assert (tmp_path / "teacher" / "pipeline_lugpi.py").is_file()
    toy.select(range(2)).save_to_disk(str(tmp_path / "rows"))
    batch = processor(text=toy["text"][:2], images=toy["image"][:2], truncation=True, padding=True,
                      return_tensors="pt")  # fmt: skip
    with torch.no_grad():
        expected = model(**batch).logits.softmax(-1)
    torch.save(expected, tmp_path / "expected.pt")

    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["lugpi_hf"] = None  # any import of the package now fails
        import datasets, torch
        from transformers import pipeline
        classifier = pipeline(model={str(tmp_path / "teacher")!r}, trust_remote_code=True)
        assert type(classifier).__name__ == "LugpiTextImageClassificationPipeline", type(classifier)
        assert "lugpi_hf" not in type(classifier).__module__, type(classifier).__module__
        rows = datasets.load_from_disk({str(tmp_path / "rows")!r})
        results = classifier([{{"text": row["text"], "image": row["image"]}} for row in rows], top_k=None)
        expected = torch.load({str(tmp_path / "expected.pt")!r})
        names = ["pos", "neg", "neu"]
        for ranked, probabilities in zip(results, expected):
            scores = {{entry["label"]: entry["score"] for entry in ranked}}
            for index, name in enumerate(names):
                assert abs(scores[name] - float(probabilities[index])) < 1e-5, (scores, probabilities)
        print("PIPELINE-OK")
        """
    )
    env = {**os.environ, "HF_MODULES_CACHE": str(tmp_path / "modules"), "PYTHONPATH": "", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "PIPELINE-OK" in result.stdout
