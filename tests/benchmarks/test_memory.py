"""benchmarks.memory (B7): a worker's memory as /proc tells it, and the
growth the row reports."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from benchmarks import memory


def test_the_workers_are_the_children_of_the_first_gunicorn_below(tmp_path):
    # make serve's shape: a process (make, here bash) that starts gunicorn's
    # master, whose children are the workers.
    master = tmp_path / "gunicorn.py"
    master.write_text(
        "import subprocess, sys, time\n"
        "kids = [subprocess.Popen([sys.executable, '-c', 'import time; "
        "time.sleep(60)']) for _ in range(2)]\n"
        "print(' '.join(str(k.pid) for k in kids), flush=True)\n"
        "time.sleep(60)\n"
    )
    starter = subprocess.Popen(
        ["bash", "-c", '"$PYTHON" "$MASTER"; :'],
        env={**os.environ, "PYTHON": sys.executable, "MASTER": str(master)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        workers = sorted(int(p) for p in starter.stdout.readline().split())
        assert sorted(memory.gunicorn_workers(starter.pid)) == workers
        readings = memory.worker_memory(starter.pid)
        assert sorted(readings) == workers
        assert all(0 < m.rss <= m.peak for m in readings.values())
    finally:
        for pid in memory.children(starter.pid):
            subprocess.run(["pkill", "-KILL", "-P", str(pid)], check=False)
            os.kill(pid, 9)
        starter.kill()
        starter.wait()


def test_growth_is_the_peak_after_minus_the_resident_set_before():
    before = {1: memory.Memory(rss=80.0, peak=90.0), 2: memory.Memory(50.0, 50.0)}
    after = {1: memory.Memory(rss=85.0, peak=96.5), 2: memory.Memory(52.0, 60.0)}
    assert memory.growth(before, after) == {1: 16.5, 2: 10.0}


def test_a_worker_restarted_during_the_load_is_an_error_not_a_figure():
    before = {1: memory.Memory(80.0, 90.0)}
    with pytest.raises(RuntimeError, match="workers changed"):
        memory.growth(before, {2: memory.Memory(80.0, 90.0)})


def test_without_postgresql_b7_says_so_and_measures_nothing(
    monkeypatch, tmp_path, capsys
):
    def refuse(address, timeout):
        raise OSError("refused")

    monkeypatch.setattr(memory.socket, "create_connection", refuse)
    monkeypatch.setenv("BENCH_RESULTS", str(tmp_path / "rows.jsonl"))
    memory.main()
    assert capsys.readouterr().out == (
        "B7 skipped: PostgreSQL is not reachable on 127.0.0.1:5432.\n"
    )
    assert not (tmp_path / "rows.jsonl").exists()
