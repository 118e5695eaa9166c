# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""pytest glue of the common-suite run (run.sh): transformers' markers, a header, and skip reasons grouped."""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from pathlib import Path

import pytest


def _source() -> Path | None:
    source = os.environ.get("LUGPI_COMMON_SUITE_SOURCE")
    return Path(source) if source else None


def pytest_configure(config):
    # The markers transformers' tests use, as its pyproject.toml declares them (its root conftest.py, which also
    # registers them, is not in the sdist).
    source = _source()
    pyproject = source / "pyproject.toml" if source else None
    if pyproject is not None and pyproject.is_file() and sys.version_info >= (3, 11):
        import tomllib

        markers = tomllib.loads(pyproject.read_text())["tool"]["pytest"]["ini_options"].get("markers", [])
        for marker in markers:
            config.addinivalue_line("markers", marker)


def pytest_report_header(config):
    import torch
    import transformers

    source = os.environ.get("LUGPI_COMMON_SUITE_SOURCE", "?")
    lines = [f"transformers {transformers.__version__}, torch {torch.__version__}; common tests from {source}"]
    stand_ins = os.environ.get("LUGPI_COMMON_SUITE_STAND_INS", "").split()
    if stand_ins:
        lines.append(
            f"stand-ins from sdist_shims/ (the sdist lacks them; not transformers code): {', '.join(stand_ins)}"
        )
    return lines


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # Counts the teachers a model test builds, so the summary can name the tests that passed without building one
    # (the suite gates many tests on class tables or capabilities and then does nothing for this model).
    from lugpi_hf.modeling_lugpi import LugpiMultimodalForSequenceClassification as teacher_class

    built = 0
    original = teacher_class.__init__

    def counting_init(self, *args, **kwargs):
        nonlocal built
        built += 1
        original(self, *args, **kwargs)

    teacher_class.__init__ = counting_init
    try:
        return (yield)
    finally:
        teacher_class.__init__ = original
        item.user_properties.append(("lugpi_teachers_built", built))


def _method(nodeid: str) -> str:
    return nodeid.split("::")[-1].split("[")[0]


def _write_names(terminalreporter, names):
    line = "        "
    for name in sorted(set(names)):
        if len(line) + len(name) + 2 > 118:
            terminalreporter.write_line(line.rstrip())
            line = "        "
        line += name + ", "
    terminalreporter.write_line(line.rstrip(", "))


def _reason(report) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def _write_reasons(terminalreporter, reports):
    reasons = defaultdict(list)
    for report in reports:
        reasons[_reason(report)].append(_method(report.nodeid))
    for reason, names in sorted(reasons.items(), key=lambda item: (-len(item[1]), item[0])):
        terminalreporter.write_line(f"{len(names):4d}  {reason}")
        _write_names(terminalreporter, names)


def pytest_terminal_summary(terminalreporter):
    try:
        from _pytest.subtests import SubtestReport  # pytest >= 9
    except ImportError:  # pytest < 9 (transformers pins pytest<9): unittest subtests are not reported one by one

        class SubtestReport:
            pass

    reports = [report for reports in terminalreporter.stats.values() for report in reports]
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if not isinstance(r, SubtestReport)]
    if skipped:
        terminalreporter.write_sep(
            "=", f"skip reasons ({len(skipped)} skipped; the test methods, ViT and CLIP merged)"
        )
        _write_reasons(terminalreporter, skipped)
    # A test whose body skips inside `self.subTest(...)` is counted passed; its subtest is the skipped one.
    sub_skipped = [r for r in reports if isinstance(r, SubtestReport) and r.when == "call" and r.skipped]
    if sub_skipped:
        terminalreporter.write_sep("=", f"subtests skipped ({len(sub_skipped)}; their tests count as passed)")
        _write_reasons(terminalreporter, sub_skipped)

    idle = [
        _method(report.nodeid)
        for report in terminalreporter.stats.get("passed", [])
        if report.when == "call"
        and "ModelTest" in report.nodeid
        and dict(report.user_properties).get("lugpi_teachers_built") == 0
    ]
    if idle:
        terminalreporter.write_sep("=", f"passed without building a teacher ({len(idle)}: checks of the tester, the "
                                        "config or a signature, or gated off for this model)")  # fmt: skip
        _write_names(terminalreporter, idle)
