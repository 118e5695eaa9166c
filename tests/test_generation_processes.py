# Copyright 2026 The lugpi_hf authors. Licensed under the Apache License, Version 2.0.
"""Stage 2 across processes: two writers on one directory, SIGKILL and resume, two accelerate processes."""

import json
import shutil
import signal
import subprocess
import sys
import time

import pytest
import torch

from conftest import free_port
from generation_helpers import (
    FAST,
    GENERATE_SCRIPT,
    count_prompts,
    image_bytes,
    make_prepared,
    read_back,
    shard_files,
    subprocess_env,
)
from lugpi_hf.generation import generate_privileged_images
from lugpi_hf.locking import lock_files
from lugpi_hf.testing import get_tiny_text_to_image_pipeline


SHARDING = dict(batch_size=2, shard_size=4)


@pytest.fixture(scope="module")
def pipeline():
    return get_tiny_text_to_image_pipeline()


@pytest.fixture(autouse=True)
def single_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def start(tmp_path, output_dir, delay: float) -> subprocess.Popen:
    script = tmp_path / "generate.py"
    script.write_text(GENERATE_SCRIPT)
    return subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "prepared"), str(output_dir), str(delay)],
        env=subprocess_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, process, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)


def test_second_writer_refused_then_kill_and_resume_give_the_uninterrupted_rows_in_order(pipeline, tmp_path):
    # Repeated prompts scattered over the split: later shards copy images from earlier ones.
    prepared = make_prepared(24, num_prompts=15).shuffle(seed=1).flatten_indices()
    prepared.save_to_disk(tmp_path / "prepared")
    output_dir = tmp_path / "killed"
    _, owner_file = lock_files(output_dir)

    process = start(tmp_path, output_dir, delay=0.3)
    try:
        # One writer per directory: while the first runs, a second is refused in one line naming its PID.
        wait_for(owner_file.exists, process)
        assert json.loads(owner_file.read_text())["pid"] == process.pid
        with count_prompts() as calls, pytest.raises(ValueError) as error:
            generate_privileged_images(prepared, pipeline, output_dir, **SHARDING, **FAST)
        message = str(error.value)
        assert str(output_dir) in message and f"PID {process.pid}" in message and "\n" not in message
        assert calls == []
        wait_for(lambda: len(shard_files(output_dir)) >= 2, process)
    finally:
        process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate()
    assert process.returncode == -signal.SIGKILL, stderr.decode()[-2000:]
    written = [path.name for path in shard_files(output_dir)]
    assert 2 <= len(written) < 6, written  # killed mid-run: 24 rows make 6 shards of 4
    assert written == [f"train-0000{k}-of-00006.parquet" for k in range(len(written))]

    # The killed holder's lock is taken over, and the run completes what it left.
    reference = generate_privileged_images(prepared, pipeline, tmp_path / "reference", **SHARDING, **FAST)
    with count_prompts() as calls:
        resumed = generate_privileged_images(prepared, pipeline, output_dir, **SHARDING, **FAST)
    done = {p for path in shard_files(tmp_path / "reference")[: len(written)] for p in read_back_prompts(path)}
    assert sorted(p for call in calls for p in call) == sorted(set(prepared["prompt"]) - done)
    assert resumed["id"] == prepared["id"]
    # As the next stage reads it: the prepared order, and the bytes of the uninterrupted run.
    on_disk = read_back(output_dir)
    assert on_disk["id"] == prepared["id"] and on_disk["seed"] == reference["seed"]
    assert image_bytes(on_disk) == image_bytes(reference)
    assert not list(output_dir.rglob(".*.tmp"))


def read_back_prompts(path) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=["prompt"]).column("prompt").to_pylist()


def test_two_accelerate_processes_resume_a_partial_run_to_the_one_process_result(pipeline, tmp_path):
    # `accelerate launch --cpu` starts one process whatever --num_processes says (accelerate 1.15); two CPU
    # processes come from --multi_gpu on a machine without GPUs, as one gloo group.
    prepared = make_prepared(22, num_prompts=13)
    prepared.save_to_disk(tmp_path / "prepared")
    one = generate_privileged_images(prepared, pipeline, tmp_path / "one", **SHARDING, **FAST)
    # A run that left shards 0 and 3 of 6 behind (killed, say): two processes finish it.
    partial = tmp_path / "two"
    (partial / "data").mkdir(parents=True)
    shutil.copy(tmp_path / "one" / "generation_settings.json", partial)
    for name in ("train-00000-of-00006.parquet", "train-00003-of-00006.parquet"):
        shutil.copy(tmp_path / "one" / "data" / name, partial / "data")

    script = tmp_path / "generate.py"
    script.write_text(GENERATE_SCRIPT)
    launch = "-m accelerate.commands.launch --multi_gpu --num_processes 2 --num_machines 1 --mixed_precision no"
    command = [sys.executable, *launch.split(), "--dynamo_backend", "no", "--main_process_port", str(free_port())]
    command += [str(script), str(tmp_path / "prepared"), str(partial), "0"]
    result = subprocess.run(command, env=subprocess_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]

    assert [path.name for path in shard_files(partial)] == [f"train-0000{k}-of-00006.parquet" for k in range(6)]
    two = read_back(partial)
    assert two["id"] == prepared["id"]
    assert image_bytes(two) == image_bytes(one)  # the batches of the one-process run, so the same bytes
    assert not list(partial.rglob(".*.tmp"))
