"""benchmarks.served (B6): without what it needs it says so in one line and
measures nothing."""

from __future__ import annotations

import socket

from benchmarks import served


def test_without_wrk_b6_says_so_and_measures_nothing(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(served.shutil, "which", lambda name: None)
    monkeypatch.setenv("BENCH_RESULTS", str(tmp_path / "rows.jsonl"))
    served.main()
    assert capsys.readouterr().out == (
        "B6 skipped: wrk is not installed (Debian's package wrk); "
        "POST /v1/jobs under make serve needs it.\n"
    )
    assert not (tmp_path / "rows.jsonl").exists()


def test_a_service_that_does_not_answer_is_named(monkeypatch):
    monkeypatch.setattr(served.shutil, "which", lambda name: "/usr/bin/wrk")

    def refuse(address, timeout):
        raise OSError("refused")

    monkeypatch.setattr(socket, "create_connection", refuse)
    assert served.missing() == "PostgreSQL is not reachable on 127.0.0.1:5432"


def test_wrk_latencies_are_read_in_their_units():
    assert served._seconds("812.00us") == 812e-6
    assert served._seconds("1.71s") == 1.71
    assert served._seconds("36.97ms") == 0.03697
