"""``request.errorkit``: what errorkit knows about the request being served.

One typed object per request, made on first use, instead of attributes
scattered over the request: the middleware decides ``is_api`` and
``request_id``, the handler records the ``error`` it answered, Django's
``got_request_exception`` leaves the ``exception`` (for incidents), and an
optional app keeps its own data under a name of its own (the billing app its
``charge``, read as ``request.errorkit.charge``).
A DRF ``Request`` shares its Django request's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .compat.drf import django_request

if TYPE_CHECKING:
    from .formatting import Error

ATTRIBUTE = "errorkit"


@dataclass(slots=True, eq=False)
class RequestState:
    # Whether the request gets JSON errors; None when ErrorkitMiddleware is
    # not serving it (``routing.is_api_request`` then decides each time).
    is_api: bool | None = None
    # The id echoed in X-Request-ID and the body's requestId.
    request_id: str | None = None
    # The error errorkit answered with, as it was rendered.
    error: Error | None = None
    # The unhandled exception Django reported (got_request_exception).
    exception: BaseException | None = None
    # Headers every answer to the request carries, whatever it is (a success,
    # an error, the 500 of a crash): the middleware puts them on the response.
    # Set by a decorated view's pipeline (errorkit.pipeline) when it starts.
    answer_headers: dict[str, str] | None = None
    # Why the caller was refused, on a 401 or 403: "missing" (no credential),
    # "malformed", "unknown", "revoked", "inactive" (its owner is), "read_only"
    # (a read-only key's write), "refused" or "forbidden" (another
    # authentication or permission said no). Set by what refused it (the
    # keys app), else by the handler; kept on the failed request's row.
    refusal: str | None = None
    # Per-app data, by name (see ``keep``); None until an app keeps some.
    extra: dict[str, Any] | None = None

    def keep(self, name: str, value: Any) -> None:
        """Keep an app's data for this request, read back as an attribute
        (``request.errorkit.<name>``): core names no app's data."""
        if self.extra is None:
            self.extra = {}
        self.extra[name] = value

    def kept(self, name: str, default: Any = None) -> Any:
        """An app's kept data, or ``default`` when it kept none."""
        return default if self.extra is None else self.extra.get(name, default)

    def __getattr__(self, name: str) -> Any:
        # Called only for a name that is not a field: an app's kept data.
        extra = None if name == "extra" else self.extra
        if extra is not None and name in extra:
            return extra[name]
        raise AttributeError(
            f"request.errorkit has no {name!r}: no installed app kept it for "
            "this request (request.errorkit.charge, say, is there only in a "
            "view decorated with errorkit.require_balance)."
        )


def state_of(request: Any) -> RequestState:
    """The request's state, created on first use (Django's or DRF's request)."""
    # DRF's Request forwards reads to its Django request, but not writes.
    http_request = django_request(request)
    # getattr with a default: no AttributeError raised on every first use.
    state: RequestState | None = getattr(http_request, ATTRIBUTE, None)
    if state is None:
        state = RequestState()
        setattr(http_request, ATTRIBUTE, state)
    return state
