"""errorkit.billing: prepaid balances, a ledger, and ``errorkit.require_balance``
(402 ``insufficient_balance``). Add ``"errorkit.billing"`` to INSTALLED_APPS."""
