"""Links an error body carries to the page where its caller fixes it:
``"links": {"addFunds": "https://..."}`` on a 402, ``{"keys": ...}`` on a
401. Core only asks; an app with such a page registers it in its
``AppConfig.ready()`` (errorkit.dashboard registers both), so the body
carries a link exactly when a project serves the page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest

# A page's absolute URL for this request (None: no page to offer now).
LinkURL = Callable[[HttpRequest | None], "str | None"]

_links: dict[int, dict[str, LinkURL]] = {}
logger = logging.getLogger("errorkit.error_links")


def register_error_link(status: int, name: str, url_of: LinkURL) -> None:
    """Offer ``url_of``'s page, as ``links[name]``, in every error body with
    ``status``."""
    _links.setdefault(status, {})[name] = url_of


def links_for(status: int, request: HttpRequest | None) -> dict[str, str]:
    """The links an error with ``status`` carries, by name."""
    found = {}
    for name, url_of in _links.get(status, {}).items():
        try:
            url = url_of(request)
        except Exception:
            # A link is a courtesy: the error it would join is answered
            # without it rather than turned into a 500.
            logger.exception("Could not make the %r link of a %s error", name, status)
            continue
        if isinstance(url, str) and url:
            found[name] = url
    return found
