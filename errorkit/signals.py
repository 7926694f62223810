"""How errorkit's optional apps hook into core, connected in their ``ready()``.

Core sends these and never imports the apps that listen: with only
``errorkit`` installed no one listens and sending costs next to nothing.

``error_response_finished`` is public: a project may listen to it too. The
names with a leading underscore are private protocols between errorkit's own
apps (as allauth's ``_add_email``): they may change in any release.
"""

from __future__ import annotations

from django.dispatch import Signal

# An API request with a body is about to be served (``sender``: the
# middleware class; ``request``). The incidents app keeps a small body here so
# that an incident can show it after DRF has consumed the stream. Requests
# without a body (Content-Length absent or 0, not chunked) do not send it:
# nothing is there to keep, and a GET need not pay for the dispatch.
# Its receivers are cached per sender (the middleware class): the dispatch
# is on every request with a body.
_api_request_started = Signal(use_caching=True)

# An answer of status 400 or more is leaving ErrorkitMiddleware (``request``,
# ``response``), after the view's transaction ended. Receivers must not raise:
# the caller still gets its answer. Sent from a worker thread, never from the
# event loop, for async requests.
error_response_finished = Signal()

# A call was taken over by a retry with its idempotency key (``call_id``: the
# server's id of the call that lost its claim, presumed dead; see
# errorkit.pipeline). The billing app voids that call's hold here, before the
# retry places its own: a rerun is charged at most once in all.
_request_superseded = Signal()
