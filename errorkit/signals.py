"""How errorkit's optional apps hook into core, connected in their ``ready()``.

Core sends these and never imports the apps that listen: with only
``errorkit`` installed no one listens and sending costs next to nothing.
"""

from __future__ import annotations

from django.dispatch import Signal

# An API request is about to be served (``sender``: the middleware class;
# ``request``). The incidents app keeps a small body here so that an incident
# can show it after DRF has consumed the stream.
api_request_started = Signal()

# An answer of status 400 or more is leaving ErrorkitMiddleware (``request``,
# ``response``), after the view's transaction ended. Receivers must not raise:
# the caller still gets its answer. Sent from a worker thread, never from the
# event loop, for async requests.
error_response_finished = Signal()

# A request was taken over by a retry with its idempotency key (``request_id``:
# the request that lost its claim, presumed dead). The billing app voids that
# request's holds here, before the retry places its own: a rerun is charged at
# most once in all.
request_superseded = Signal()
