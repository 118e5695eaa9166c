# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""
The loopback Hub against the real clients: `push_to_hub` from transformers and datasets, then `from_pretrained`,
`pipeline`, `load_dataset` and `hf_hub_download` back, each in a subprocess (the clients read the Hub settings at
import time). No client is mocked.
"""

import http.client
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

from lugpi_hf.testing import (
    get_tiny_processor,
    get_tiny_student,
    get_tiny_teacher,
    get_tiny_tokenizer,
    make_toy_text_image_dataset,
)
from hub_server import DEFAULT_USER, LocalHub


TEACHER, STUDENT, DATASET = f"{DEFAULT_USER}/tiny-teacher", f"{DEFAULT_USER}/tiny-student", f"{DEFAULT_USER}/toy"
CARD = "---\nlicense: apache-2.0\ntags:\n- lugpi\n---\n# Tiny LUGPI teacher\n\nPushed by the local hub test.\n"
TEXTS = ["a good movie", "the worst film with awful music"]


def run_client(hub: LocalHub, home, code: str, pythonpath: str | None = None) -> str:
    """Runs `code` in a fresh Python process wired to `hub`, with its own empty caches under `home`."""
    env = hub.env(home)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def toy_splits():
    toy = make_toy_text_image_dataset(num_rows=12, num_labels=3)
    return {"train": toy.select(range(9)), "test": toy.select(range(9, 12))}


@pytest.fixture(scope="module")
def pushed(tmp_path_factory):
    """A hub holding a teacher (+ processor, remote code, card), a student (+ tokenizer) and a toy DatasetDict."""
    tmp = tmp_path_factory.mktemp("hub-round-trip")
    with LocalHub(tmp / "hub") as hub:
        run_client(
            hub,
            tmp / "home-push",
            f"""
            from datasets import DatasetDict
            from huggingface_hub import ModelCard
            from lugpi_hf.testing import (
                get_tiny_processor, get_tiny_student, get_tiny_teacher, get_tiny_tokenizer,
                make_toy_text_image_dataset,
            )

            get_tiny_teacher(num_labels=3).push_to_hub({TEACHER!r})
            get_tiny_processor().push_to_hub({TEACHER!r})
            ModelCard({CARD!r}).push_to_hub({TEACHER!r})
            get_tiny_student(num_labels=3).push_to_hub({STUDENT!r})
            get_tiny_tokenizer().push_to_hub({STUDENT!r})
            toy = make_toy_text_image_dataset(num_rows=12, num_labels=3)
            DatasetDict(train=toy.select(range(9)), test=toy.select(range(9, 12))).push_to_hub({DATASET!r})
            """,
        )
        yield hub, tmp


@pytest.fixture(scope="module")
def pulled(pushed):
    """Everything pulled back from the hub by one client process (imports are most of a client's run time)."""
    hub, tmp = pushed
    out = tmp / "pulled"
    stdout = run_client(
        hub,
        tmp / "home-pull",
        f"""
        import json, os, torch
        import lugpi_hf  # registers the teacher with the Auto classes
        from datasets import load_dataset
        from huggingface_hub import HfApi, HfFileSystem, hf_hub_download, snapshot_download
        from lugpi_hf.testing import make_toy_text_image_dataset
        from transformers import AutoConfig, AutoModelForSequenceClassification, AutoProcessor, pipeline

        model = AutoModelForSequenceClassification.from_pretrained({TEACHER!r}).eval()
        processor = AutoProcessor.from_pretrained({TEACHER!r})
        toy = make_toy_text_image_dataset(num_rows=4, num_labels=3)
        batch = processor(text=toy["text"], images=toy["image"], padding=True, return_tensors="pt")
        with torch.no_grad():
            torch.save({{"batch": dict(batch), "logits": model(**batch).logits}}, {str(out) + ".pt"!r})

        load_dataset({DATASET!r}).save_to_disk({str(out)!r})

        errors = {{}}
        for name, load in [
            ("model_info", lambda: HfApi().model_info("nobody/nothing")),
            ("from_pretrained", lambda: AutoConfig.from_pretrained("nobody/nothing")),
            ("load_dataset", lambda: load_dataset("nobody/nothing")),
        ]:
            try:
                load()
            except Exception as error:
                errors[name] = [type(error).__name__, str(error)]

        print(json.dumps({{
            "teacher_class": type(model).__module__ + "." + type(model).__name__,
            "teacher_files": HfApi().list_repo_files({TEACHER!r}),
            "teacher_card": open(hf_hub_download({TEACHER!r}, "README.md")).read(),
            "dataset_card": open(hf_hub_download({DATASET!r}, "README.md", repo_type="dataset")).read(),
            "student_scores": pipeline("text-classification", model={STUDENT!r}, top_k=None)({TEXTS!r}),
            "errors": errors,
            "dataset_sha": HfApi().dataset_info({DATASET!r}).sha,
            "dataset_fs_files": HfFileSystem().glob("datasets/{DATASET}/**/*.parquet"),
            "student_snapshot": sorted(
                os.path.relpath(os.path.join(root, name), snapshot)
                for snapshot in [snapshot_download({STUDENT!r})]
                for root, _, names in os.walk(snapshot)
                for name in names
            ),
        }}))
        """,
    )
    result = json.loads(stdout.strip().splitlines()[-1])
    result["tensors"] = torch.load(str(out) + ".pt")
    result["dataset_dir"] = out
    return result


def test_teacher_round_trip(pushed, pulled):
    hub, tmp = pushed
    teacher, processor = get_tiny_teacher(num_labels=3).eval(), get_tiny_processor()
    local = tmp / "teacher-local"
    teacher.save_pretrained(local)
    processor.save_pretrained(local)

    # What was pushed is what save_pretrained writes, byte for byte, plus the card and the Hub's .gitattributes.
    local_files = sorted(p.name for p in local.iterdir())
    assert {"configuration_lugpi.py", "modeling_lugpi.py", "processing_lugpi.py"} <= set(local_files)
    assert hub.list_files(TEACHER) == pulled["teacher_files"] == sorted(local_files + [".gitattributes", "README.md"])
    for name in local_files:
        assert hub.read_file(TEACHER, name) == (local / name).read_bytes(), name
    assert pulled["teacher_card"] == CARD
    assert pulled["teacher_class"] == "lugpi_hf.modeling_lugpi.LugpiMultimodalForSequenceClassification"

    # The pulled processor prepares the same batch, on which the pulled teacher gives the same logits.
    toy = make_toy_text_image_dataset(num_rows=4, num_labels=3)
    batch = processor(text=toy["text"], images=toy["image"], padding=True, return_tensors="pt")
    tensors = pulled["tensors"]
    assert sorted(tensors["batch"]) == sorted(batch) == ["attention_mask", "input_ids", "pixel_values"]
    for key, value in batch.items():
        torch.testing.assert_close(tensors["batch"][key], value, atol=0, rtol=0)
    with torch.no_grad():
        torch.testing.assert_close(tensors["logits"], teacher(**batch).logits, atol=0, rtol=0)


def test_teacher_remote_code_from_hub_without_lugpi_hf(pushed):
    hub, tmp = pushed
    teacher, processor = get_tiny_teacher(num_labels=3).eval(), get_tiny_processor()
    toy = toy_splits()["test"]
    batch = processor(text=toy["text"], images=toy["image"], padding=True, return_tensors="pt")
    torch.save(dict(batch), tmp / "remote-batch.pt")
    out = tmp / "remote-logits.pt"
    stdout = run_client(
        hub,
        tmp / "home-remote",
        f"""
        import sys
        sys.modules["lugpi_hf"] = None  # any import of the package now fails: only the Hub's code can load
        import torch
        from transformers import AutoModelForSequenceClassification, AutoProcessor

        model = AutoModelForSequenceClassification.from_pretrained({TEACHER!r}, trust_remote_code=True).eval()
        processor = AutoProcessor.from_pretrained({TEACHER!r}, trust_remote_code=True)
        with torch.no_grad():
            torch.save(model(**torch.load({str(tmp / "remote-batch.pt")!r})).logits, {str(out)!r})
        print(type(model).__module__, type(model).__name__, type(processor).__name__)
        """,
        pythonpath="",
    )
    module, model_class, processor_class = stdout.split()[-3:]
    assert module.startswith("transformers_modules.") and "lugpi_hf" not in module
    assert (model_class, processor_class) == ("LugpiMultimodalForSequenceClassification", "LugpiProcessor")
    with torch.no_grad():
        torch.testing.assert_close(torch.load(out), teacher(**batch).logits, atol=0, rtol=0)


def test_student_pipeline(pulled):
    student, tokenizer = get_tiny_student(num_labels=3).eval(), get_tiny_tokenizer()
    with torch.no_grad():
        probs = student(**tokenizer(TEXTS, padding=True, return_tensors="pt")).logits.softmax(-1)
    assert len(pulled["student_scores"]) == len(TEXTS)
    for text_scores, expected in zip(pulled["student_scores"], probs):
        by_label = {score["label"]: score["score"] for score in text_scores}
        got = [by_label[student.config.id2label[i]] for i in range(3)]
        np.testing.assert_allclose(got, expected.numpy(), rtol=1e-5)


def test_dataset_dict_round_trip(pushed, pulled):
    from datasets import load_from_disk

    hub, _ = pushed
    loaded, expected = load_from_disk(str(pulled["dataset_dir"])), toy_splits()
    assert sorted(loaded) == ["test", "train"]
    assert "dataset_info" in pulled["dataset_card"]  # the card that push_to_hub wrote
    assert any(path.endswith(".parquet") for path in hub.list_files(DATASET, repo_type="dataset"))
    # datasets needs the LFS path: it deletes each Parquet shard once its LFS upload is done.
    assert any(request.startswith("PUT ") and "/lfs-upload/" in request for request in hub.requests)
    for split, dataset in expected.items():
        assert loaded[split].features == dataset.features
        assert loaded[split].num_rows == dataset.num_rows
        for got, want in zip(loaded[split], dataset):
            columns = ("id", "text", "prompt", "label")
            assert {k: got[k] for k in columns} == {k: want[k] for k in columns}
            np.testing.assert_array_equal(np.asarray(got["image"]), np.asarray(want["image"]))


def test_listing_and_snapshot_clients(pushed, pulled):
    hub, _ = pushed
    dataset_files = hub.list_files(DATASET, repo_type="dataset")
    assert pulled["dataset_fs_files"] == [f"datasets/{DATASET}/{p}" for p in dataset_files if p.endswith(".parquet")]
    assert pulled["dataset_sha"] == hub.sha(DATASET, repo_type="dataset")
    assert pulled["student_snapshot"] == hub.list_files(STUDENT)
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= set(pulled["student_snapshot"])


def test_unknown_repos_give_the_clients_not_found_errors(pushed, pulled):
    hub, _ = pushed
    errors = pulled["errors"]
    assert errors["model_info"][0] == "RepositoryNotFoundError"
    assert errors["from_pretrained"][0] == "OSError"
    assert "is not a local folder and is not a valid model identifier" in errors["from_pretrained"][1]
    assert errors["load_dataset"][0] == "DatasetNotFoundError"
    assert hub.refused == []  # no client tried to reach another host


def _request(endpoint: str, method: str, target: str, body: bytes | None = None, headers: dict | None = None):
    host, port = endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.headers), response.read()
    finally:
        connection.close()


def test_http_answers_for_unknown_repos_writes_and_other_hosts(local_hub):
    endpoint = local_hub.endpoint
    assert endpoint.startswith("http://127.0.0.1:")

    for target in ("/api/models/nobody/nothing", "/api/datasets/nobody/nothing", "/nobody/nothing/resolve/main/x"):
        status, headers, _ = _request(endpoint, "GET", target)
        assert (status, headers["X-Error-Code"]) == (404, "RepoNotFound"), target

    create = json.dumps({"name": "model", "organization": "someone"}).encode()
    status, _, _ = _request(endpoint, "POST", "/api/repos/create", create)
    assert status == 401  # writes need a token, as on the Hub (any token works here)
    status, _, body = _request(endpoint, "POST", "/api/repos/create", create, {"Authorization": "Bearer x"})
    assert (status, json.loads(body)["url"]) == (200, f"{endpoint}/someone/model")
    status, headers, _ = _request(endpoint, "GET", "/someone/model/resolve/main/config.json")
    assert (status, headers["X-Error-Code"]) == (404, "EntryNotFound")
    status, headers, _ = _request(endpoint, "GET", "/api/models/someone/model/revision/v9")
    assert (status, headers["X-Error-Code"]) == (404, "RevisionNotFound")
    assert local_hub.list_files("someone/model") == [".gitattributes"]

    private = json.dumps({"name": "secret", "organization": "someone", "private": True}).encode()
    assert _request(endpoint, "POST", "/api/repos/create", private, {"Authorization": "Bearer x"})[0] == 200
    status, headers, _ = _request(endpoint, "GET", "/api/models/someone/secret")
    assert (status, headers["X-Error-Code"]) == (401, "RepoNotFound")  # anonymous clients do not see it
    assert _request(endpoint, "GET", "/api/models/someone/secret", headers={"Authorization": "Bearer x"})[0] == 200

    # As the clients' proxy, the server answers for itself only.
    status, _, _ = _request(endpoint, "GET", "http://example.com/")
    assert status == 403
    assert local_hub.refused == ["GET http://example.com/"]


def test_server_stops_with_its_block(tmp_path):
    with LocalHub(tmp_path / "hub") as hub:
        endpoint = hub.endpoint
        assert _request(endpoint, "GET", "/api/models/nobody/nothing")[0] == 404
    with pytest.raises(ConnectionRefusedError):
        _request(endpoint, "GET", "/api/models/nobody/nothing")
