"""Logging support: put the request id on every log record.

LOGGING = {
    "filters": {"request_id": {"()": "errorkit.log.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(levelname)s [%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "filters": ["request_id"], "formatter": "plain"}},
    ...
}
"""

from __future__ import annotations

import logging

from .request_id import current_request_id


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id``: the id of the request being served, or "-"."""

    def __init__(self, name: str = "", default: str = "-") -> None:
        super().__init__(name)
        self.default = default

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs a response's status after the middleware has finished,
            # from the record's request: its id is still on the request.
            state = getattr(getattr(record, "request", None), "errorkit", None)
            record.request_id = (
                getattr(state, "request_id", None)
                or current_request_id.get()
                or self.default
            )
        return True
