"""A server error's traceback: captured cheaply in the request, formatted later.

``traceback.TracebackException`` costs more than all the rest of a 500's
path: since Python 3.11 it finds, for every frame, the column of the failing
instruction (walking the code's position table), and it stats every source
file. An incident shows the tracebacks of a sampled few events, without
column carets. So the request keeps only what the text is made of (each
frame's file, line, module and function, the exception's type and message,
and the exceptions chained to it), and the standard text, with its source lines, is
made only for the events that sampling keeps.

It keeps no frame and no exception: those would hold every local variable of
the stack alive while events wait to be written.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from types import CodeType, FrameType, TracebackType
from typing import NamedTuple

_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


class Frame(NamedTuple):
    filename: str
    lineno: int
    name: str
    module: str  # and qualname: what incidents are grouped by
    qualname: str


@dataclass(frozen=True)
class CapturedException:
    """What ``traceback.format_exception`` prints, less the source lines."""

    type_name: str
    message: str
    frames: tuple[Frame, ...]
    notes: tuple[str, ...] = ()
    cause: CapturedException | None = None
    context: CapturedException | None = None

    def format(self) -> Iterator[str]:
        """The lines ``traceback.format_exception`` would give, without carets."""
        if self.cause is not None:
            yield from self.cause.format()
            yield _CAUSE
        elif self.context is not None:
            yield from self.context.format()
            yield _CONTEXT
        if self.frames:
            yield "Traceback (most recent call last):\n"
            frames = [(f.filename, f.lineno, f.name, None) for f in self.frames]
            yield from traceback.StackSummary.from_list(frames).format()
        if self.message:
            yield f"{self.type_name}: {self.message}\n"
        else:
            yield f"{self.type_name}\n"
        for note in self.notes:
            yield f"{note}\n"


def capture_exception(
    exc: BaseException, _seen: set[int] | None = None
) -> CapturedException:
    """``exc`` and the exceptions chained to it, as text to be."""
    seen = set() if _seen is None else _seen
    seen.add(id(exc))
    cause = context = None
    if exc.__cause__ is not None and id(exc.__cause__) not in seen:
        cause = capture_exception(exc.__cause__, seen)
    elif (
        not exc.__suppress_context__
        and exc.__context__ is not None
        and id(exc.__context__) not in seen
    ):
        context = capture_exception(exc.__context__, seen)
    notes = getattr(exc, "__notes__", None)
    return CapturedException(
        type_name=_type_name(type(exc)),
        message=_message(exc),
        frames=_frames(exc.__traceback__),
        notes=tuple(str(note) for note in notes) if isinstance(notes, list) else (),
        cause=cause,
        context=context,
    )


def _frames(tb: TracebackType | None) -> tuple[Frame, ...]:
    frames = []
    while tb is not None:
        frame, code = tb.tb_frame, tb.tb_frame.f_code
        frames.append(
            Frame(
                code.co_filename,
                tb.tb_lineno,
                code.co_name,
                frame.f_globals.get("__name__", "?"),
                _qualname(frame, code),
            )
        )
        tb = tb.tb_next
    return tuple(frames)


def _qualname(frame: FrameType, code: CodeType) -> str:
    """The function's qualified name (``BuggyView.get``): the code's own on
    Python 3.11+; before, the class of ``self`` (or ``cls``) that defines it,
    else the bare name."""
    qualname = getattr(code, "co_qualname", None)
    if qualname:
        return str(qualname)
    owner = frame.f_locals.get("self", frame.f_locals.get("cls"))
    if code.co_varnames[:1] in (("self",), ("cls",)) and owner is not None:
        cls = owner if isinstance(owner, type) else type(owner)
        for klass in cls.__mro__:  # the class that defines it, not a subclass
            method = klass.__dict__.get(code.co_name)
            function = getattr(method, "__func__", method)
            if getattr(function, "__code__", None) is code:
                return f"{klass.__qualname__}.{code.co_name}"
    return code.co_name


def _type_name(cls: type[BaseException]) -> str:
    module = cls.__module__
    if module in ("__main__", "builtins"):
        return cls.__qualname__
    return f"{module}.{cls.__qualname__}"


def _message(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 - as traceback does
        return "<exception str() failed>"
