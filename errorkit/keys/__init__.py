"""errorkit.keys: API keys (``Authorization: Bearer sk_...``), answered 401.

Add ``"errorkit.keys"`` to INSTALLED_APPS (after ``"errorkit"``) and name
``errorkit.keys.authentication.APIKeyAuthentication`` in DRF's settings.
"""
