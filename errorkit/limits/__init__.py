"""Rate limits: counted by django-ratelimit, answered with an honest 429.

``counting`` (limits, counting, headers), ``keys`` (what a limit counts by),
``client_ip`` (the caller's address behind trusted proxies), ``decorators``
(``errorkit.ratelimit``), ``throttling`` (a DRF throttle on the same counting),
``cache`` (a Redis cache whose incr is one atomic step) and ``checks``.
"""
