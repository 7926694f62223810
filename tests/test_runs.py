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


def test_every_module_the_email_run_leaves_out_serves_tests_settings_itself():
    """The e-mail run leaves out ``served`` tests: those that serve
    ``tests.settings`` in processes of their own. Every module of its paths
    that starts such a process must be marked, or the run would test it
    again for nothing; and no other module may be, or it would go untested
    with the e-mail user model."""
    root = Path(runs.ROOT)
    paths = [a for a in runs.RUNS["email"] if a.startswith("tests/")]
    for path in paths:
        for module in sorted((root / path).rglob("test_*.py")):
            text = module.read_text()
            serves = "gunicorn(" in text or "pytest_on_fresh_postgres(" in text
            marked = "served]" in text or "@served" in text
            assert serves == marked, module
