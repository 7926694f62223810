"""Secrets out of everything an incident stores, before it is stored.

Values of denied keys become ``[Filtered]``, at any depth, whatever the case of
the key: Authorization, Cookie, Set-Cookie, X-Api-Key, X-Custom-Auth, and any
key that looks like a password, secret, token, API key, session, CSRF token,
signature or card (``pwd``, ``cc``, ``cvv``...), plus ``ERRORKIT["SCRUB_KEYS"]``.
``sk_...`` strings and card numbers (recognised by their Luhn check) are
replaced wherever they appear, in free text too.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..conf import errorkit_settings

FILTERED = "[Filtered]"
# Key names (headers, query parameters, body keys at any depth, in any case)
# whose values are filtered: Django's SafeExceptionReporterFilter's words
# (API, TOKEN, KEY, SECRET, PASS, SIGNATURE, COOKIE), and the ones real
# traffic adds (auth, card, cc, pwd...). Found anywhere in the name:
DENIED_WORDS = (
    "authoriz",
    "cookie",
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "session",
    "csrf",
    "signature",
    "credential",
    "card",
    "iban",
    "ssn",
)
# ...or as a whole word of it (X-Custom-Auth, cc, cvv, api_key, user_pwd):
DENIED_TOKENS = frozenset(
    {"auth", "key", "pass", "pwd", "pw", "cc", "cvv", "cvc", "pin", "otp", "sig"}
)
SECRET_KEY_PATTERN = re.compile(r"sk_[A-Za-z0-9_\-]{8,}")
# 13-19 digits, maybe grouped by spaces or dashes: a card number if Luhn says so.
CARD_CANDIDATE = re.compile(r"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])")
_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@functools.lru_cache(maxsize=4096)
def _denied(name: str, extra: tuple[str, ...]) -> bool:
    key = _normal(name)
    if any(word in key for word in (*DENIED_WORDS, *extra)):
        return True
    return any(token.lower() in DENIED_TOKENS for token in _TOKEN.findall(name))


def is_denied(name: Any) -> bool:
    extra = tuple(_normal(word) for word in errorkit_settings.SCRUB_KEYS)
    return _denied(str(name)[:200], extra)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group())
    return FILTERED if luhn_valid(digits) else match.group()


# name=value or name: value in free text (a query string, an exception's
# message, a log line): the value goes when the name is denied.
NAME = re.compile(r"(?<![\w.-])(?P<name>[A-Za-z][\w.-]{0,60})(?:=|:[ \t]*)")
VALUE = re.compile(r"\"[^\"]*\"|'[^']*'|[^\s&,;\"']+")


# "KeyError: 'sku-1'" names an exception, not a key: its message stays.
EXCEPTION_NAME = ("Error", "Exception", "Warning")


def _named_values(text: str) -> str:
    parts, done = [], 0
    for match in NAME.finditer(text):
        name = match.group("name")
        if match.start() < done or name.endswith(EXCEPTION_NAME) or not is_denied(name):
            continue
        value = VALUE.match(text, match.end())
        if value is None:
            continue
        parts += [text[done : match.end()], FILTERED]
        done = value.end()
    return "".join(parts) + text[done:] if parts else text


def scrub_text(text: str) -> str:
    """``sk_`` keys, card numbers (by their Luhn check) and the values of
    denied names (``password=...``) out of free text."""
    text = SECRET_KEY_PATTERN.sub(FILTERED, text)
    return _named_values(CARD_CANDIDATE.sub(_card, text))


def scrub(value: Any) -> Any:
    """A copy of ``value`` with denied keys' values and sk_ strings filtered."""
    if isinstance(value, dict):
        return {k: FILTERED if is_denied(k) else scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(item) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value
