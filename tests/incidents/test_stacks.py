"""errorkit.stacks: the standard traceback text, from a cheap capture."""

from __future__ import annotations

import gc
import re
import sys
import traceback
import weakref

import pytest

from errorkit.incidents.stacks import capture_exception

# Python 3.11+ underlines the failing expression; an incident's text does not.
_CARETS = re.compile(r"^ *[\^~]+ *$")
_UNPRINTABLE = "<exception str() failed>"


def standard_text(exc: BaseException) -> str:
    lines = "".join(traceback.format_exception(exc)).splitlines(keepends=True)
    text = "".join(line for line in lines if not _CARETS.match(line.rstrip("\n")))
    # Python 3.13 names the type in this placeholder; 3.11 does not.
    return re.sub(r"<exception str\(\) of \w+ object failed>", _UNPRINTABLE, text)


def lookup(catalog: dict, key: str) -> object:
    return catalog[key]


def caught(fn) -> BaseException:
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001
        return exc
    raise AssertionError("nothing was raised")


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no")


def plain():
    lookup({}, "price")


def caused():
    try:
        plain()
    except KeyError as exc:
        raise ValueError("no price for the model") from exc


def during():
    try:
        plain()
    except KeyError:
        1 / 0  # noqa: B018


def suppressed():
    try:
        plain()
    except KeyError:
        raise LookupError("hidden context") from None


def noted():
    exc = RuntimeError("upstream")
    exc.add_note("while charging job 7")
    raise exc


def unprintable():
    raise Unprintable()


def empty_message():
    raise RuntimeError


@pytest.mark.parametrize(
    "raiser",
    [plain, caused, during, suppressed, noted, unprintable, empty_message],
)
def test_the_text_is_the_standard_tracebacks(raiser):
    exc = caught(raiser)
    captured = capture_exception(exc)
    assert "".join(captured.format()) == standard_text(exc)


def test_the_capture_keeps_no_frame_alive():
    # Events wait in a queue: a kept frame would keep all its locals.
    refs = []

    class Payload:
        pass

    def fails():
        payload = Payload()
        refs.append(weakref.ref(payload))
        raise ValueError("upstream")

    exc = caught(fails)
    captured = capture_exception(exc)
    del exc
    gc.collect()
    assert refs[0]() is None
    assert "in fails" in "".join(captured.format())


def test_frames_name_the_class_that_defines_the_method_on_every_python():
    from errorkit.incidents.stacks import _qualname

    class Base:
        def run(self):
            return sys._getframe()

        @classmethod
        def make(cls):
            return sys._getframe()

    class Child(Base):
        pass

    def plain():
        return sys._getframe()

    for frame, expected in (
        (Child().run(), "Base.run"),
        (Child.make(), "Base.make"),
        (plain(), "plain"),
    ):
        name = _qualname(frame, frame.f_code)
        assert name.endswith(expected), (name, expected)
