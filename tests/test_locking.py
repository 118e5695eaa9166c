# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""One writer per output directory, checked with real processes: refusal, takeover after a kill, shared locks."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import free_port

from lugpi_hf import locking
from lugpi_hf.locking import LOCKS_HELD_ENV, is_lock_file, lock_files, output_dir_lock


# The scripts import lugpi_hf.locking without running the package's __init__ (which imports transformers' models,
# seconds per process): an empty package module over the same folder, so its relative imports still resolve.
_LOAD = f"""
import subprocess, sys, types
package = types.ModuleType("lugpi_hf")
package.__path__ = [{os.path.dirname(locking.__file__)!r}]
sys.modules["lugpi_hf"] = package
from lugpi_hf import locking
"""

# Holds the lock of argv[1] until its stdin closes; with more arguments, first runs WRITER on each of them as its
# own child process (as `lugpi run` relaunches a stage) and prints their exit statuses.
HOLDER = _LOAD + """
with locking.output_dir_lock(sys.argv[1], what="lugpi run"):
    writers = [[sys.executable, "-c", sys.argv[2], path] for path in sys.argv[3:]]
    statuses = [subprocess.run(writer, stdout=subprocess.DEVNULL).returncode for writer in writers]
    print("locked", *statuses, flush=True)
    sys.stdin.read()
"""

# Writes into argv[1] under its lock; a refusal is an uncaught ValueError: exit status 1, the message last on stderr.
WRITER = _LOAD + """
with locking.output_dir_lock(sys.argv[1]):
    print("wrote", flush=True)
"""


def _env(**extra):
    env = {key: value for key, value in os.environ.items() if key not in ("RANK", LOCKS_HELD_ENV)}
    return {**env, **extra}


def _start_holder(directory: Path, *child_dirs: Path) -> tuple[subprocess.Popen, list[int]]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(directory), WRITER, *map(str, child_dirs)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env(),
    )  # fmt: skip
    words = holder.stdout.readline().split()
    assert words[:1] == ["locked"], f"holder did not take the lock (exit status {holder.poll()})"
    return holder, [int(word) for word in words[1:]]


def _stop(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    assert holder.wait(timeout=30) == 0


def _write(directory: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WRITER, str(directory)],
        capture_output=True, text=True, env=_env(**env), timeout=60, check=False,
    )  # fmt: skip


def test_second_process_is_refused_with_the_directory_and_the_holders_pid(tmp_path):
    output_dir = tmp_path / "run"
    holder, _ = _start_holder(output_dir)
    try:
        refused = _write(output_dir)
        assert refused.returncode == 1
        assert "wrote" not in refused.stdout
        last_line = refused.stderr.strip().splitlines()[-1]
        assert last_line.startswith(f"ValueError: {output_dir}: already being written by lugpi run (PID {holder.pid} ")
        assert f"kill {holder.pid}" in last_line and "another output directory" in last_line
        # The same refusal in this process, as the CLI would print it: one line.
        with pytest.raises(ValueError, match=f"PID {holder.pid} ") as error, output_dir_lock(output_dir):
            pass
        assert "\n" not in str(error.value) and str(output_dir) in str(error.value)
    finally:
        _stop(holder)
    # Released: the owner file is gone and the next process writes.
    assert not lock_files(output_dir)[1].exists()
    assert _write(output_dir).stdout == "wrote\n"


def test_lock_of_a_killed_process_is_taken_over(tmp_path):
    output_dir = tmp_path / "run"
    holder, _ = _start_holder(output_dir)
    holder.send_signal(signal.SIGKILL)
    assert holder.wait(timeout=30) == -signal.SIGKILL
    lock_file, owner_file = lock_files(output_dir)
    assert json.loads(owner_file.read_text())["pid"] == holder.pid  # the killed holder could not clean up
    with output_dir_lock(output_dir, what="lugpi generate"):
        owner = json.loads(owner_file.read_text())
        assert (owner["pid"], owner["what"]) == (os.getpid(), "lugpi generate")
    assert lock_file.exists() and not owner_file.exists()


def test_stale_owner_file_of_a_dead_pid_does_not_block(tmp_path):
    output_dir = tmp_path / "run"
    code = "import os; print(os.getpid())"
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    dead_pid = int(finished.stdout)
    _, owner_file = lock_files(output_dir)
    owner_file.parent.mkdir(parents=True, exist_ok=True)
    owner_file.write_text(json.dumps({"pid": dead_pid, "host": "elsewhere", "started": "then", "what": "lugpi run"}))
    assert _write(output_dir).stdout == "wrote\n"
    assert not owner_file.exists()


def test_lock_files_sit_beside_the_directory_and_survive_its_replacement(tmp_path):
    output_dir = tmp_path / "out" / "dataset"
    lock_file, owner_file = lock_files(output_dir)
    assert (lock_file.parent, lock_file.name, owner_file.name) == (
        tmp_path / "out", ".dataset.lugpi.lock", ".dataset.lugpi.owner"
    )  # fmt: skip
    assert is_lock_file(lock_file) and is_lock_file(owner_file) and not is_lock_file(tmp_path / "dataset")
    holder, _ = _start_holder(output_dir)
    try:
        # A stage clearing or atomically replacing its output directory leaves the lock where it was.
        output_dir.mkdir()
        output_dir.rename(tmp_path / "out" / "moved-aside")
        assert _write(output_dir).returncode == 1
    finally:
        _stop(holder)
    # Two spellings of one directory share its lock.
    assert lock_files(tmp_path / "out" / ".." / "out" / "dataset") == lock_files(output_dir)


def test_processes_of_a_distributed_job_other_than_rank_0_do_not_lock(tmp_path, monkeypatch):
    output_dir = tmp_path / "run"
    holder, _ = _start_holder(output_dir)
    try:
        monkeypatch.setenv("RANK", "1")
        with output_dir_lock(output_dir):
            assert json.loads(lock_files(output_dir)[1].read_text())["pid"] == holder.pid
            assert LOCKS_HELD_ENV not in os.environ
        monkeypatch.setenv("RANK", "0")
        with pytest.raises(ValueError, match=f"PID {holder.pid} "), output_dir_lock(output_dir):
            pass
    finally:
        _stop(holder)


def test_nested_locks_in_one_process_are_free(tmp_path):
    output_dir = tmp_path / "run"
    _, owner_file = lock_files(output_dir)
    with output_dir_lock(output_dir, what="lugpi run"):
        with output_dir_lock(output_dir, what="a stage") as inner, output_dir_lock(output_dir / "teacher-vit"):
            assert inner == output_dir.resolve()
            assert json.loads(owner_file.read_text())["what"] == "lugpi run"
            assert not lock_files(output_dir / "teacher-vit")[1].exists()
        # Leaving the inner blocks keeps the outer lock.
        assert owner_file.exists() and os.environ[LOCKS_HELD_ENV] == str(output_dir.resolve())
        assert locking._held == {output_dir.resolve()}
    assert not owner_file.exists() and LOCKS_HELD_ENV not in os.environ and not locking._held


def test_child_processes_of_the_holder_do_not_refuse(tmp_path):
    output_dir = tmp_path / "run"
    holder, statuses = _start_holder(output_dir, output_dir, output_dir / "teacher-vit")
    try:
        assert statuses == [0, 0]
        # Only the holder's children: an unrelated process is still refused.
        assert _write(output_dir).returncode == 1
    finally:
        _stop(holder)


def test_the_processes_of_a_torchrun_job_share_the_lock(tmp_path):
    output_dir = tmp_path / "run"
    job = tmp_path / "job.py"
    job.write_text(_LOAD + f"""
import json, os
import torch.distributed as dist

dist.init_process_group("gloo")
with locking.output_dir_lock({str(output_dir)!r}, what="lugpi train-teacher"):
    dist.barrier()  # both ranks are inside the lock at once
    owner = json.loads(locking.lock_files({str(output_dir)!r})[1].read_text())
    report = os.path.join({str(tmp_path)!r}, "rank-" + os.environ["RANK"] + ".txt")
    with open(report, "w") as file:
        file.write(" ".join([os.environ["RANK"], str(os.getpid()), str(owner["pid"])]))
    dist.barrier()
dist.destroy_process_group()
""")
    port = str(free_port())
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", f"--master_port={port}", str(job)]
    result = subprocess.run(torchrun, capture_output=True, text=True, env=_env(), timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    # Each rank reports through a file: torchrun may prefix its workers' lines ("[rank0]:") or redirect them, depending
    # on its environment (CI's output had no line starting with the marker); a file is read as written.
    rows = [(tmp_path / f"rank-{rank}.txt").read_text().split() for rank in ("0", "1")]
    assert [row[0] for row in rows] == ["0", "1"]
    rank_0_pid = rows[0][1]
    assert all(row[2] == rank_0_pid for row in rows)  # rank 0 holds it, rank 1 did not lock
