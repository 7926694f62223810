"""What to show a person for an error, as the errors page maps statuses to UX:
401 "Sign in or check API key", 402 "Add funds", 429 "Too many requests; retry
in X seconds", 5xx "try again; contact support with the request id".

Translatable with the standard library's gettext (domain ``errorkit_client``,
in the client's own ``locale`` folder, shipped with it): no Django needed.
"""

from __future__ import annotations

import gettext
import math
from pathlib import Path
from typing import Protocol


class Failure(Protocol):
    """What a message is made from (an ``APIError``): read only, so that
    this module needs nothing of errors.py, which imports it."""

    @property
    def status_code(self) -> int | None: ...

    message: str
    retry_after: float | None
    request_id: str
    links: dict[str, str]


LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "errorkit_client"


def translator(language: str | None = None) -> gettext.NullTranslations:
    """The catalog for ``language`` (else the environment's), or none."""
    return gettext.translation(
        DOMAIN,
        localedir=LOCALE,
        languages=[language] if language else None,
        fallback=True,
    )


def user_message(error: Failure, language: str | None = None) -> str:
    _ = translator(language).gettext
    status = error.status_code
    if status is None:
        return _("Could not reach the service; check your connection and try again.")
    links = getattr(error, "links", None) or {}
    if status == 401:
        if links.get("keys"):
            return _("Sign in or check your API key; your keys are at %(url)s") % {
                "url": links["keys"]
            }
        return _("Sign in or check your API key.")
    if status == 402:
        if links.get("addFunds"):
            return _("Add funds to your account to continue: %(url)s") % {
                "url": links["addFunds"]
            }
        return _("Add funds to your account to continue.")
    if status == 403:
        # One code (forbidden) for a read-only key, a permission, a CSRF
        # refusal or a host not served: the server's sentence says which.
        return _("Not allowed: %(message)s") % {"message": error.message}
    if status == 404:
        return _("Not found: check the address and the IDs in it.")
    if status == 429:
        seconds = math.ceil(error.retry_after) if error.retry_after else 1
        return _("Too many requests; retry in %(seconds)d seconds.") % {
            "seconds": seconds
        }
    if status in (400, 413, 415, 422):
        return _("The request was not accepted: %(message)s") % {
            "message": error.message
        }
    if status == 409:
        return _("The same request is still running; try again in a moment.")
    if status >= 500:
        return _(
            "Something went wrong on our side; try again. If it keeps happening, "
            "contact support and quote request ID %(request_id)s."
        ) % {"request_id": error.request_id or "-"}
    return error.message
