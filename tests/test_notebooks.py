# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""The quickstart notebook runs from top to bottom on the demo models."""

import json

import nbformat
from nbclient import NotebookClient

from conftest import REPO_ROOT


def test_quickstart_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("LUGPI_QUICKSTART_DIR", str(tmp_path / "quickstart"))
    notebook = nbformat.read(REPO_ROOT / "notebooks" / "quickstart.ipynb", as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()

    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    assert any("image/png" in output.get("data", {}) for output in outputs)  # the image grid, inline
    tables = [output["data"]["text/markdown"] for output in outputs if "text/markdown" in output.get("data", {})]
    assert any("| LUGPI student |" in table for table in tables)
    predictions = notebook.cells[-1].outputs[-1]["data"]["text/plain"]
    assert "'label':" in predictions and "'score':" in predictions
    assert (tmp_path / "quickstart" / "student" / "model.safetensors").is_file()
    assert json.loads((tmp_path / "quickstart" / "student" / "config.json").read_text())["architectures"] == [
        "DistilBertForSequenceClassification"
    ]
