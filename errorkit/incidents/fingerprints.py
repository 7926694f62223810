"""What makes two server errors the same incident.

For an exception: its class, and the module and function of each of the
project's own frames (no line numbers, so an edit elsewhere in a file does not
split the group), plus the view. For a deliberate error (a 502, a 503): its
code and the view. An exception may carry its own (``fingerprint`` on errorkit's
errors, ``errorkit_fingerprint`` on any other), and ``INCIDENT_FINGERPRINT``
may supply one for everything.
"""

from __future__ import annotations

import hashlib
import sysconfig
from collections.abc import Iterable
from typing import Any

from ..conf import errorkit_settings
from ..view_names import view_path
from .stacks import Frame

_LIBRARY_PATHS = tuple(
    path
    for name in ("stdlib", "platstdlib", "purelib", "platlib")
    if (path := sysconfig.get_paths().get(name))
)


def is_project_frame(filename: str) -> bool:
    return not (
        filename.startswith(_LIBRARY_PATHS)
        or "site-packages" in filename
        or "dist-packages" in filename
        or filename.startswith("<")
    )


def project_frames(frames: Iterable[Frame]) -> list[tuple[str, str]]:
    """(module, function) of the project's own frames, outermost first."""
    return [(f.module, f.qualname) for f in frames if is_project_frame(f.filename)]


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def exception_fingerprint(
    exc: BaseException, view: str, frames: list[tuple[str, str]]
) -> str:
    """``frames``: the exception's ``project_frames``."""
    own = getattr(exc, "errorkit_fingerprint", None) or getattr(
        exc, "fingerprint", None
    )
    if own:
        return digest("custom", str(own))
    cls = type(exc)
    parts = [f"{m}:{f}" for m, f in frames]
    return digest("exception", f"{cls.__module__}.{cls.__qualname__}", *parts, view)


def error_fingerprint(code: str, status: int, view: str) -> str:
    return digest("error", code, str(status), view)


def view_name(request: Any) -> str:
    match = getattr(request, "resolver_match", None)
    func = getattr(match, "func", None)
    return "" if func is None else view_path(func)


def fingerprint_of(
    request: Any,
    response: Any,
    exc: Any,
    code: str,
    view: str,
    frames: list[tuple[str, str]],
    own: str | None = None,
) -> str:
    """``own``: the fingerprint of the error errorkit answered, if it set one."""
    hook = errorkit_settings.INCIDENT_FINGERPRINT
    custom = hook(request, response, exc) if hook is not None else None
    if custom:
        return digest("hook", str(custom))
    if own:
        return digest("custom", own)
    if exc is not None:
        return exception_fingerprint(exc, view, frames)
    return error_fingerprint(code, response.status_code, view)
