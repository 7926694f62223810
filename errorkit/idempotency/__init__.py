"""errorkit.idempotency: safe retries with ``Idempotency-Key``
(``errorkit.idempotent``). Add ``"errorkit.idempotency"`` to INSTALLED_APPS."""
