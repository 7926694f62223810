"""Secrets recognised by their value, whatever they are called.

``errorkit.incidents.scrubbing`` filters the values of names that say
"secret" (``password``, ``token``, ``Authorization``...). These have a shape
of their own and are filtered wherever they are, in a value under any name
and in free text:

- cloud and SaaS tokens, by detect-secrets' own patterns (its plugins' public
  ``denylist``): AWS access keys, GitHub, GitLab, Slack, Stripe, OpenAI, npm,
  PyPI, SendGrid, Twilio, Discord, Telegram, Mailchimp, Artifactory, Azure
  storage and Square secrets, and JSON Web Tokens; plus Google API keys and
  OAuth access tokens, which detect-secrets does not know;
- PEM and PuTTY private keys, from their header to their end;
- credentials after ``Bearer``/``Basic``/``Token``/``Digest``, and the
  password of a ``scheme://user:password@host`` URL;
- IBANs, spaced or not, checked by their ISO 13616 checksum (python-stdnum),
  and card numbers, checked by Luhn;
- long high-entropy strings (detect-secrets' Shannon entropy): a random
  string of 24 or more letters and digits, or of 40 or more hex digits.

A token a pattern matches part of is filtered whole (a JWT's signature, a
GitHub token after its prefix). Filtering runs only for the events sampling
keeps, off the request's path when recording is in the background; its cost
is measured in docs/benchmarks.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import cast

from detect_secrets.plugins.artifactory import ArtifactoryDetector
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import RegexBasedDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.private_key import PrivateKeyDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector
from stdnum import iban

FILTERED = "[Filtered]"

# Whose patterns find a token (or part of one): the token is filtered whole.
TOKEN_DETECTORS: tuple[type[RegexBasedDetector], ...] = (
    AWSKeyDetector,
    ArtifactoryDetector,
    AzureStorageKeyDetector,
    DiscordBotTokenDetector,
    GitHubTokenDetector,
    GitLabTokenDetector,
    JwtTokenDetector,
    MailchimpDetector,
    NpmDetector,
    OpenAIDetector,
    PypiTokenDetector,
    SendGridDetector,
    SlackDetector,
    SquareOAuthDetector,
    StripeDetector,
    TelegramBotTokenDetector,
    TwilioKeyDetector,
)
# Not in detect-secrets: Google's API keys and OAuth access tokens, and
# errorkit's own API keys (sk_ and a random part).
EXTRA_TOKENS = (
    re.compile(r"AIza[0-9A-Za-z_\-]{35}"),
    re.compile(r"ya29\.[0-9A-Za-z_\-]{20,}"),
    re.compile(r"sk_[A-Za-z0-9_\-]{8,}"),
)
# What a token is made of, around a match: a match is widened to it.
TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-.+/=~]*")
TOKEN_CHARS_BEFORE = re.compile(r"[A-Za-z0-9_\-]*$")

# A private key from its header to its footer (or the end of the text).
PRIVATE_KEY_END = re.compile(r"-----END[ A-Z0-9]*PRIVATE KEY[ A-Z]*-----|\Z")
# The credential after an Authorization scheme, in any string.
SCHEME_CREDENTIAL = re.compile(
    r"\b(?:Bearer|Basic|Token|Digest)\s+([A-Za-z0-9._~+/=\-]{8,})", re.IGNORECASE
)
# An IBAN's shape (country, check digits, up to 30 more), maybe in groups of
# four: its checksum decides.
IBAN_CANDIDATE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
# 13-19 digits, maybe grouped by spaces or dashes: a card number if Luhn says so.
CARD_CANDIDATE = re.compile(r"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])")
# Candidates for "random" in free text: long runs of base64url characters.
# Not "/": a file path in a traceback would read as random; a whole value is
# judged with it (``is_random``).
RANDOM_CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9+_\-])[A-Za-z0-9+_\-]{24,}={0,2}(?![A-Za-z0-9+_\-])"
)
RANDOM_LENGTH = 24
HEX = re.compile(r"[0-9a-fA-F]+")
BASE64 = re.compile(r"[A-Za-z0-9+/_\-]+")
# A random base64 string of 24 characters measures about 4.2 bits a
# character; English words and identifiers stay well below 4.
RANDOM_ENTROPY = 4.2
HEX_ENTROPY = 3.0
HEX_LENGTH = 40  # a UUID (32) or a request id stays readable


@cache
def _entropy() -> Base64HighEntropyString:
    return Base64HighEntropyString()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and digits.isdigit() and luhn_valid(digits)


def _widened(text: str, start: int, end: int) -> tuple[int, int]:
    before = TOKEN_CHARS_BEFORE.search(text, 0, start)
    after = TOKEN_CHARS.match(text, end)
    return (before.start() if before else start, after.end() if after else end)


def patterns_of(detector: type[RegexBasedDetector]) -> list[re.Pattern[str]]:
    """A detect-secrets plugin's compiled patterns: its class's ``denylist``
    (declared as a property on the base class, a tuple on each plugin)."""
    return list(cast(Iterable[re.Pattern[str]], detector.denylist))


@cache
def token_patterns() -> tuple[re.Pattern[str], ...]:
    return (*(p for d in TOKEN_DETECTORS for p in patterns_of(d)), *EXTRA_TOKENS)


def _token_spans(text: str) -> Iterator[tuple[int, int]]:
    for pattern in token_patterns():
        for match in pattern.finditer(text):
            yield _widened(text, *match.span())


def _private_key_spans(text: str) -> Iterator[tuple[int, int]]:
    for pattern in patterns_of(PrivateKeyDetector):
        for match in pattern.finditer(text):
            end = PRIVATE_KEY_END.search(text, match.end())
            yield match.start(), end.end() if end else len(text)


def _credential_spans(text: str) -> Iterator[tuple[int, int]]:
    for match in SCHEME_CREDENTIAL.finditer(text):
        yield match.span(1)
    for pattern in patterns_of(BasicAuthDetector):  # scheme://user:password@
        for match in pattern.finditer(text):
            yield match.span(1)


def _iban_spans(text: str) -> Iterator[tuple[int, int]]:
    for match in IBAN_CANDIDATE.finditer(text):
        # The longest valid IBAN the candidate starts with: a spaced IBAN in
        # a sentence may be followed by more capitals and digits.
        candidate = match.group()
        for end in range(len(candidate), 14, -1):
            if candidate[end - 1] != " " and iban.is_valid(candidate[:end]):
                yield match.start(), match.start() + end
                break


def _card_spans(text: str) -> Iterator[tuple[int, int]]:
    for match in CARD_CANDIDATE.finditer(text):
        if luhn_valid(re.sub(r"[ -]", "", match.group())):
            yield match.span()


def is_random(token: str) -> bool:
    """A long string of base64 or hex characters that reads as random: many
    distinct characters, evenly spread (a word, an identifier, a path or a
    UUID does not)."""
    token = token.rstrip("=")
    if len(token) < RANDOM_LENGTH or not BASE64.fullmatch(token):
        return False
    if HEX.fullmatch(token):
        return (
            len(token) >= HEX_LENGTH
            and _entropy().calculate_shannon_entropy(token) >= HEX_ENTROPY
        )
    has_digit = any(c.isdigit() for c in token)
    has_upper = any(c.isupper() for c in token)
    has_lower = any(c.islower() for c in token)
    return (
        has_digit
        and has_upper
        and has_lower
        and _entropy().calculate_shannon_entropy(token) >= RANDOM_ENTROPY
    )


def _random_spans(text: str) -> Iterator[tuple[int, int]]:
    for match in RANDOM_CANDIDATE.finditer(text):
        if is_random(match.group()):
            yield match.span()


FINDERS = (
    _private_key_spans,
    _token_spans,
    _credential_spans,
    _iban_spans,
    _card_spans,
    _random_spans,
)


def secret_spans(text: str) -> list[tuple[int, int]]:
    """Where secrets are in ``text``: sorted, overlapping ones merged."""
    found = sorted(span for finder in FINDERS for span in finder(text))
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        elif end > start:
            merged.append((start, end))
    return merged


# What every secret needs, checked first (most strings in a body are short
# words): a run of 10 characters without a space (every token, a credential,
# a random string), 12 digits (a spaced IBAN or card number), or a private
# key's header.
LONG_RUN = re.compile(r"\S{10}")
DIGIT = re.compile(r"\d")
KEY_HEADERS = ("PRIVATE KEY", "PuTTY-User-Key")


def may_hold_secret(text: str) -> bool:
    return (
        LONG_RUN.search(text) is not None
        or len(DIGIT.findall(text)) >= 12
        or any(header in text for header in KEY_HEADERS)
    )


def redact(text: str) -> str:
    """``text`` with every secret recognised by its value filtered."""
    if not may_hold_secret(text):
        return text
    spans = secret_spans(text)
    if not spans:
        return text
    parts, done = [], 0
    for start, end in spans:
        parts += [text[done:start], FILTERED]
        done = end
    return "".join(parts) + text[done:]
