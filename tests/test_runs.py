"""tests/runs.py, the suite's runner: what each run passes to pytest, and a
run that fails or runs no test failing the whole."""

from __future__ import annotations

from pathlib import Path

from tests import runs


def job(run: str, *, alone: bool = False) -> runs.Job:
    return runs.Job("default", "python", run, Path("x.log"), alone=alone)


def test_a_run_leaves_its_alone_tests_to_a_job_of_their_own():
    assert job("demo").arguments() == [
        "tests/demo",
        "--ds=tests.demo.settings",
        "--ignore=tests/demo/test_partition.py",
    ]
    assert job("demo", alone=True).arguments() == [
        "--ds=tests.demo.settings",
        "tests/demo/test_partition.py",
    ]
    assert job("core").arguments() == runs.RUNS["core"]
    assert job("demo", alone=True).name == "demo (alone)"


def test_no_test_run_fails_unless_the_callers_arguments_chose_none():
    ran_none = job("demo", alone=True)
    ran_none.returncode = 5
    assert not runs.passed(ran_none, [])
    assert runs.passed(ran_none, ["-k", "nothing"])
    whole = job("core")
    whole.returncode = 5
    assert not runs.passed(whole, ["-k", "nothing"])


def test_a_run_that_runs_no_test_fails_the_whole(capsys):
    code = runs.main(["--only", "core", "--jobs", "1", "-k", "no_test_has_this_name"])
    assert code == 1
    assert "core: FAILED" in capsys.readouterr().out


def test_every_run_names_its_settings_and_the_alone_tests_exist():
    for run, paths in runs.ALONE.items():
        assert run in runs.RUNS
        assert all((runs.ROOT / path).is_file() for path in paths)
