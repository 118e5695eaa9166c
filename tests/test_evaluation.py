# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""`lugpi evaluate` and `lugpi_hf.evaluation`: scores, Table 1 layout, JSON and the bar chart."""

import json

import datasets
import pytest
import torch

from lugpi_hf.cli import main as cli_main
from lugpi_hf.evaluation import ModelEvaluation, evaluate_model, results_markdown, write_results
from lugpi_hf.testing import (
    get_tiny_image_classifier,
    get_tiny_image_processor,
    get_tiny_processor,
    get_tiny_student,
    get_tiny_teacher,
    get_tiny_tokenizer,
    make_toy_text_image_dataset,
)


NAMES = ["positive", "negative"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A test split on disk and one tiny saved model of each kind."""
    root = tmp_path_factory.mktemp("evaluate")
    test = make_toy_text_image_dataset(10, seed=2)
    datasets.DatasetDict({"test": test}).save_to_disk(root / "data")
    paths = {"data": str(root / "data"), "test": test}
    for name, seed in (("baseline", 0), ("student", 1)):
        get_tiny_student(label_names=NAMES, seed=seed).save_pretrained(root / name)
        get_tiny_tokenizer().save_pretrained(root / name)
        paths[name] = str(root / name)
    get_tiny_teacher(label_names=NAMES).save_pretrained(root / "teacher")
    get_tiny_processor().save_pretrained(root / "teacher")
    paths["teacher"] = str(root / "teacher")
    for kind in ("vit", "clip"):
        get_tiny_image_classifier(kind, label_names=NAMES).save_pretrained(root / kind)
        get_tiny_image_processor(kind).save_pretrained(root / kind)
        paths[kind] = str(root / kind)
    return paths


def test_evaluate_model_scores_match_the_model(saved):
    test = saved["test"]
    result = evaluate_model("student", saved["student"], test, batch_size=3)
    model = get_tiny_student(label_names=NAMES, seed=1).eval()
    batch = get_tiny_tokenizer()(list(test["text"]), padding=True, return_tensors="pt")
    with torch.no_grad():
        predictions = model(**batch).logits.argmax(-1)
    labels = torch.tensor(list(test["label"]))
    assert result.accuracy == pytest.approx((predictions == labels).float().mean().item())
    f1s = []
    for c in (0, 1):
        tp = ((predictions == c) & (labels == c)).sum().item()
        fp = ((predictions == c) & (labels != c)).sum().item()
        fn = ((predictions != c) & (labels == c)).sum().item()
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    assert result.f1_macro == pytest.approx(sum(f1s) / 2)
    assert (result.name, result.group, result.num_examples) == ("student", "student", 10)


def test_evaluate_model_bad_input(saved):
    with pytest.raises(ValueError, match="model .*teacher has no 'image' column"):
        evaluate_model("teacher", saved["teacher"], saved["test"].remove_columns("image"))
    with pytest.raises(ValueError, match="has 2 labels .* but the dataset's 'label' column has 3"):
        evaluate_model("baseline", saved["baseline"], make_toy_text_image_dataset(6, num_labels=3))
    with pytest.raises(ValueError, match="Unknown model group"):
        evaluate_model("oracle", saved["baseline"], saved["test"])


def test_teacher_image_attention_share_is_measured(saved):
    test = saved["test"]
    result = evaluate_model("teacher", saved["teacher"], test, batch_size=4, device="cpu")
    model = get_tiny_teacher(label_names=NAMES).eval()
    processor = get_tiny_processor()
    shares, correct = [], 0
    for start in range(0, len(test), 4):
        rows = test[start : start + 4]
        batch = processor(text=rows["text"], images=rows["image"], padding=True, truncation=True, return_tensors="pt")
        with torch.no_grad():
            outputs = model(**batch, output_attentions=True)
        text_len = batch["input_ids"].shape[1]
        # The text CLS query's weights on the image tokens (after the text) in the last layer, mean over heads.
        shares.append(outputs.attentions[-1][:, :, 0, text_len:].sum(-1).mean(-1))
        correct += (outputs.logits.argmax(-1) == torch.tensor(rows["label"])).sum().item()
    assert result.image_attention_share == pytest.approx(torch.cat(shares).mean().item(), rel=1e-5)
    assert 0 < result.image_attention_share < 1
    assert result.accuracy == pytest.approx(correct / len(test))
    assert evaluate_model("student", saved["student"], test).image_attention_share is None


def test_table_layout_and_files(tmp_path):
    results = [
        ModelEvaluation("student", "KD (DistilBERT+ViT)", "s", 0.9012, 0.9, 10),
        ModelEvaluation("baseline", "DistilBERT", "b", 0.8512, 0.85, 10),
        ModelEvaluation("teacher", "DistilBERT+ViT", "t", 0.95, 0.949, 10, image_attention_share=0.3456),
        ModelEvaluation("image_only", "ViT", "v", 0.6, 0.55, 10),
    ]
    table = results_markdown(results, "imdb (test)")
    lines = table.splitlines()
    assert lines[0] == "## imdb (test)"
    assert lines[2] == "| Model | Kind | Accuracy (%) | Macro-F1 (%) | Image attention (%) |"
    assert [line.split(" | ")[0] for line in lines[4:8]] == ["| DistilBERT", "| ViT", "| DistilBERT+ViT",
                                                              "| KD (DistilBERT+ViT)"]  # fmt: skip
    assert "| KD (DistilBERT+ViT) | LUGPI student (text) | 90.12 | 90.00 | — |" in lines
    assert "| DistilBERT+ViT | Teacher (text + image) | 95.00 | 94.90 | 34.56 |" in lines

    paths = write_results(results, tmp_path / "out", title="imdb (test)", metadata={"split": "test"})
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["results.json", "results.md", "results.png"]
    payload = json.loads(paths["json"].read_text())
    assert payload["split"] == "test"
    assert [row["group"] for row in payload["results"]] == ["baseline", "image_only", "teacher", "student"]
    assert [row["image_attention_share"] for row in payload["results"]] == [None, None, 0.3456, None]
    assert paths["markdown"].read_text() == table
    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="No model was evaluated"):
        write_results([], tmp_path / "empty")


def test_cli_evaluate_writes_table_one(saved, tmp_path, capsys):
    out = tmp_path / "report"
    code = cli_main([
        "evaluate", "--dataset", saved["data"], "--split", "test", "--output_dir", str(out),
        "--baseline", f"DistilBERT={saved['baseline']}", "--image_only", f"ViT={saved['vit']}",
        "--image_only", f"CLIP={saved['clip']}", "--teacher", f"DistilBERT+ViT={saved['teacher']}",
        "--student", saved["student"], "--batch_size", "4",
    ])  # fmt: skip
    assert code == 0
    payload = json.loads((out / "results.json").read_text())
    rows = [(row["group"], row["name"]) for row in payload["results"]]
    assert rows == [("baseline", "DistilBERT"), ("image_only", "ViT"), ("image_only", "CLIP"),
                    ("teacher", "DistilBERT+ViT"), ("student", "student")]  # fmt: skip
    assert all(row["num_examples"] == 10 and 0 <= row["accuracy"] <= 1 for row in payload["results"])
    shares = {row["group"]: row["image_attention_share"] for row in payload["results"]}
    assert 0 < shares["teacher"] < 1 and shares["student"] is None
    assert "| CLIP | Image only |" in capsys.readouterr().out
    assert (out / "results.png").stat().st_size > 1000

    assert cli_main(["evaluate", "--dataset", saved["data"], "--output_dir", str(out)]) == 1
    assert "give at least one model" in capsys.readouterr().err
