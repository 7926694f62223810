"""What one server error is made of, taken from the request that had it.

The capture is cheap (the request as it is, the stack as (file, line,
function) frames); scrubbing and formatting are left to ``RawEvent.build``,
done only for the events that sampling keeps.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponseBase, QueryDict, RawPostDataException
from django.http.request import HttpHeaders
from django.utils import timezone

from ..conf import errorkit_settings
from ..customers import key_owner, key_prefix_of
from ..state import state_of
from .fingerprints import fingerprint_of, project_frames, view_name
from .scrubbing import scrub, scrub_text
from .stacks import CapturedException, capture_exception
from .titles import title_of


@dataclass
class Occurrence:
    """One server error, captured (and scrubbed) in the request that had it."""

    fingerprint: str
    title: str
    code: str
    status: int
    view: str
    now: datetime
    event: RawEvent

    @property
    def request_id(self) -> str:
        return self.event.request_id

    @property
    def failure(self) -> Failure:
        """Its lean row, which keeps it findable however sampling goes."""
        e = self.event
        return Failure(
            e.request_id,
            self.status,
            self.code,
            e.user,
            e.key_prefix,
            self.now,
            method=e.method[:16],
            path=attempt([], "", lambda: scrub_text(e.path)[:PATH_LIMIT], ""),
            reason=e.reason,
        )


@dataclass(frozen=True)
class Failure:
    """A failed request as support looks it up: by its id, its customer (user
    or API key prefix), its status and error code. A 4xx of
    ``FINDABLE_4XX_CODES`` is only this; an incident's occurrence has one too."""

    request_id: str
    status: int
    code: str
    user: str
    key_prefix: str
    now: datetime
    method: str = ""
    path: str = ""  # scrubbed
    # Why a 401 or 403 refused the caller (RequestState.refusal), else "".
    reason: str = ""


def capture_failure(request: HttpRequest, response: HttpResponseBase) -> Failure:
    """A caller's error (401, 402, 429...) as a lean row: no body, no stack."""
    state = state_of(request)
    status = response.status_code
    prefix = _key_prefix(request)
    return Failure(
        request_id=(state.request_id or "")[:200],
        status=status,
        code=_code_of(state.error, status),
        user=_customer_name(request, prefix),
        key_prefix=prefix,
        now=timezone.now(),
        method=(request.method or "")[:16],
        path=attempt([], "", lambda: scrub_text(request.path)[:PATH_LIMIT], ""),
        reason=(state.refusal or "")[:16] if status in (401, 403) else "",
    )


# A lean row's path, cut (an event keeps up to 2,048 characters).
PATH_LIMIT = 512


def _customer_name(request: HttpRequest, prefix: str) -> str:
    """Who the request was from: its user, else the owner of the key it
    presented (a revoked key's 401 still names its customer)."""
    name = attempt([], "", lambda: _user_name(getattr(request, "user", None)), "")
    if not name and prefix:
        name = attempt([], "", lambda: key_owner(prefix), "")
    return str(name)[:255]


def _code_of(error: Any, status: int) -> str:
    # The error errorkit answered, unless something answered after it.
    if error is not None and error.status == status:
        return str(error.code)[:64]
    return "internal_error" if status == 500 else f"http_{status}"


def _key_prefix(request: HttpRequest) -> str:
    # Whichever app holds the keys says which one this was (errorkit.customers).
    return key_prefix_of(request)[:16]


def capture(request: HttpRequest, response: HttpResponseBase) -> Occurrence:
    state = state_of(request)
    exc = state.exception
    status = response.status_code
    error = state.error if state.error and state.error.status == status else None
    code = _code_of(error, status)
    view = view_name(request)
    # The stack is walked once: the fingerprint, the title and the event's
    # traceback all come from this capture.
    stack = capture_exception(exc) if exc is not None else None
    frames = project_frames(stack.frames) if stack is not None else []
    return Occurrence(
        fingerprint=fingerprint_of(
            request,
            response,
            exc,
            code,
            view,
            frames,
            own=error.fingerprint if error is not None else None,
        ),
        title=title_of(exc, code, view, frames),
        code=code,
        status=status,
        view=view,
        now=timezone.now(),
        event=raw_event(request, status, stack),
    )


@dataclass
class RawEvent:
    """What an event is made of, taken from the request as it is (cheap).

    Scrubbing and formatting the traceback cost more than the rest of the
    error path; they are done by ``build`` only for the events that sampling
    keeps, possibly in the writer's thread.
    """

    request_id: str
    status_code: int
    method: str
    path: str
    # The query string and the header entries of META as they came: parsed
    # by ``build``, off the request's path when recording is in the background.
    query: str
    meta: dict[str, str]
    body: bytes
    form: dict[str, list[str]] | None
    user: str
    key_prefix: str
    stack: CapturedException | None

    # What could not be read from the request, said on the event.
    notes: list[str] = field(default_factory=list)
    # Why a 401 or 403 refused the caller (for its findable row).
    reason: str = ""

    def build(self) -> dict[str, Any]:
        """The event's fields, scrubbed; a part that cannot be built is said
        in its place, never the reason the event is lost."""
        notes = list(self.notes)

        def part(name: str, make: Callable[[], Any], default: Any) -> Any:
            try:
                return make()
            except Exception as exc:  # RecursionError included: hostile input
                notes.append(
                    f"[errorkit: the {name} could not be kept: {type(exc).__name__}]"
                )
                return default

        built = {
            "request_id": self.request_id,
            "status_code": self.status_code,
            "method": self.method[:16],
            "path": part("path", lambda: scrub_text(self.path)[:2048], ""),
            "query": part("query", self._query, ""),
            "headers": part("headers", lambda: scrub(dict(HttpHeaders(self.meta))), {}),
            "body": part("body", self._body, ""),
            "user": self.user,
            "key_prefix": self.key_prefix,
            "traceback": part("traceback", self._traceback, ""),
        }
        if notes:
            built["body"] = "\n".join([*notes, built["body"]])
        return built

    def _query(self) -> str:
        parsed = dict(QueryDict(self.query).lists())
        return urlencode(scrub(parsed), doseq=True)

    def _traceback(self) -> str:
        return scrub_text("".join(self.stack.format())) if self.stack else ""

    def _body(self) -> str:
        limit = errorkit_settings.INCIDENT_BODY_LIMIT
        text = self.body[: limit * 4].decode("utf-8", "replace")
        # Scrubbed value by value, so that a JSON body stays JSON (a card
        # number filtered in the text would leave a bare word in it).
        try:
            return json.dumps(scrub(json.loads(text)))[:limit]
        except (ValueError, RecursionError):
            pass
        if self.form is not None:
            return urlencode(scrub(self.form), doseq=True)[:limit]
        return scrub_text(text)[:limit]


def attempt(
    notes: list[str], failure: str, make: Callable[[], Any], default: Any
) -> Any:
    """``make()``, or ``default`` and a note saying what failed: a broken
    stream, a body too large, bad bytes, hostile nesting (RecursionError)."""
    try:
        return make()
    except Exception as exc:
        notes.append(f"[errorkit: {failure}: {type(exc).__name__}]")
        return default


def _read(notes: list[str], name: str, read: Callable[[], Any], default: Any) -> Any:
    return attempt(notes, f"the {name} could not be read", read, default)


def _body_of(request: HttpRequest) -> bytes:
    # Django's WSGI request reads nothing without a Content-Length: most
    # failing requests (GETs) skip the stream's machinery (B4).
    if isinstance(request, WSGIRequest) and not request.META.get("CONTENT_LENGTH"):
        return b""
    try:
        return request.body
    except RawPostDataException:  # a stream no one kept: nothing to show
        return b""


def raw_event(
    request: HttpRequest, status: int, stack: CapturedException | None
) -> RawEvent:
    """The request as it is; never raises (what it cannot read, it notes)."""
    notes: list[str] = []
    form_type = request.content_type == "application/x-www-form-urlencoded"
    state = state_of(request)
    prefix = _key_prefix(request)
    return RawEvent(
        request_id=(state.request_id or "")[:200],
        status_code=status,
        method=request.method or "",
        path=request.path,
        query=str(request.META.get("QUERY_STRING", "")),
        meta=_read(notes, "headers", lambda: _header_entries(request.META), {}),
        body=_read(notes, "body", lambda: _body_of(request), b""),
        form=_read(notes, "form", lambda: dict(request.POST.lists()), None)
        if form_type
        else None,
        user=_customer_name(request, prefix),
        key_prefix=prefix,
        stack=stack,
        notes=notes,
        reason=(state.refusal or "")[:16] if status in (401, 403) else "",
    )


def _header_entries(meta: dict[str, Any]) -> dict[str, str]:
    # What HttpHeaders reads: a copy of a few strings, not its parsing.
    return {
        key: value
        for key, value in meta.items()
        if key.startswith("HTTP_") or key in HttpHeaders.UNPREFIXED_HEADERS
    }


def _user_name(user: Any) -> str:
    # The username, as the customer pages and the other admins look it up.
    if user is None or not user.is_authenticated:
        return ""
    name = user.get_username() if hasattr(user, "get_username") else user
    return str(name)[:255]
