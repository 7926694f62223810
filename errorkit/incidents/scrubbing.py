"""Secrets out of everything an incident stores, before it is stored.

By name: values of denied keys become ``[Filtered]``, at any depth, whatever
the case of the key: Authorization, Cookie, Set-Cookie, X-Api-Key,
X-Custom-Auth, and any key that looks like a password, secret, token, API
key, session, CSRF token, signature or card (``pwd``, ``cc``, ``cvv``...),
plus ``ERRORKIT["SCRUB_KEYS"]``; in free text, the value after such a name
(``password=...``, ``token: ...``) or flag (``--password ...``), and in a list
the item after such a flag (``["--password", "..."]``).

By value, whatever the name (errorkit.incidents.secrets): tokens of clouds
and SaaS, JWTs, private keys, credentials after an Authorization scheme,
IBANs, card numbers, long random strings, errorkit's own ``sk_`` keys.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..conf import errorkit_settings
from .secrets import FILTERED, is_card_number, is_random, redact

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


# A command-line flag (--password, -token), alone or with its value.
FLAG = re.compile(r"--?(?P<name>[A-Za-z][\w-]{0,60})")
FLAG_VALUE = re.compile(
    r"(?<!\S)--?(?P<name>[A-Za-z][\w-]{0,60})(?:=|[ \t]+)"
    r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"']+)"
)


def _flag_values(text: str) -> str:
    def value(match: re.Match[str]) -> str:
        if not is_denied(match["name"]):
            return match.group()
        start = match.start("value") - match.start()
        return match.group()[:start] + FILTERED

    return FLAG_VALUE.sub(value, text) if "-" in text else text


def scrub_text(text: str) -> str:
    """Secrets recognised by their value, and the values of denied names
    (``password=...``) and flags (``--password ...``), out of free text."""
    return _flag_values(_named_values(redact(text)))


def scrub(value: Any) -> Any:
    """A copy of ``value`` (decoded JSON, a form, headers) with the values of
    denied keys and flags and every secret recognised by its value filtered."""
    if isinstance(value, dict):
        return {k: FILTERED if is_denied(k) else scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return _scrub_list(value)
    if isinstance(value, str):
        # A whole value that reads as random is a secret under any name.
        return FILTERED if is_random(value) else scrub_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        # A card number sent as a JSON number.
        return FILTERED if is_card_number(str(abs(value))) else value
    return value


def _scrub_list(items: list[Any] | tuple[Any, ...]) -> list[Any]:
    """Each item scrubbed; the item after a denied flag (argv-style lists,
    ``["--password", "..."]``) filtered."""
    scrubbed: list[Any] = []
    after_flag = False
    for item in items:
        if after_flag:
            scrubbed.append(FILTERED)
            after_flag = False
            continue
        flag = FLAG.fullmatch(item.strip()) if isinstance(item, str) else None
        after_flag = flag is not None and is_denied(flag["name"])
        scrubbed.append(item if after_flag else scrub(item))
    return scrubbed
