"""``errorkit.parsers.JSONParser``: DRF's JSON parser, safe for hostile bodies.

    REST_FRAMEWORK = {"DEFAULT_PARSER_CLASSES": ["errorkit.parsers.JSONParser"]}

Every body it cannot take is a 400 ``invalid_request`` whose message tells the
caller what to fix, never a parser's exception text: text that is not UTF-8,
malformed JSON (with its line and column), nesting deeper than
``ERRORKIT["JSON_MAX_DEPTH"]``, integers longer than Python converts, numbers
too large for a float, and strings holding NUL or a lone UTF-16 surrogate,
which no database column can store and no response can encode.

A project that keeps DRF's own JSONParser (REST_FRAMEWORK's default) still
gets errorkit's sentences, from the exception handler, for what DRF's parser
fails on: nesting past Python's recursion limit, text that is not UTF-8,
malformed JSON (``message_for_drf_parse_failure``). What DRF's parser accepts
(NUL, lone surrogates) only this parser refuses: check errorkit.E013 names
the setting.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from itertools import accumulate
from types import CodeType, FrameType, TracebackType
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .conf import errorkit_settings

# Python's own limit for int(str) (sys.get_int_max_str_digits' default).
MAX_INT_DIGITS = 4300
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A body the plain C decoder can take without Python hooks, and that need not
# be walked: no escaped NUL or surrogate (decoded text holds no raw surrogate,
# the codecs refuse them, and JSON refuses a raw NUL, so escapes are the only
# way in), no run of 300 digits (an integer past the limit, a float past its
# range) and no three-digit exponent. Nearly every body is one; any other
# takes the careful path. The tests are str and bytes methods, at C speed: a
# regular expression over every character costs more than the decoding.
_ESCAPED_UNSTORABLE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_DIGITS_AND_EXPONENTS = bytes.maketrans(b"0123456789E", b"0000000000e")
_LONG_DIGITS = b"0" * 300
# Every byte but the brackets and quotes: what nesting is read from.
_NOT_STRUCTURE = bytes(set(range(256)) - set(b'[]{}"'))
_NESTING = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def needs_care(text: str, encoded: bytes) -> bool:
    if "\\u" in text and _ESCAPED_UNSTORABLE.search(text):
        return True
    numbers = encoded.translate(_DIGITS_AND_EXPONENTS, b"+-")
    return _LONG_DIGITS in numbers or b"e000" in numbers


def nested_deeper_than(encoded: bytes, limit: int) -> bool:
    """Whether valid JSON (UTF-8 ``encoded``) nests past ``limit``: its
    brackets outside strings, their running sum's maximum."""
    # Escapes gone first (an escaped backslash before an escaped quote, as a
    # decoder reads them), the quotes pair up.
    if b"\\" in encoded:
        encoded = encoded.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Strings without brackets are now "": gone in one pass. Any other
    # string is removed part by part: every other part between quotes.
    skeleton = encoded.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in skeleton:
        skeleton = b"".join(skeleton.split(b'"')[::2])
    if skeleton.count(b"[") + skeleton.count(b"{") <= limit:
        return False
    return max(accumulate(map(_NESTING.__getitem__, skeleton))) > limit


class _Refused(ValueError):
    """A value json.loads would take but the API cannot: its message is ours."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(
            _("A number in the body has more than %(digits)d digits.")
            % {"digits": MAX_INT_DIGITS}
        )
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Refused(_("A number in the body is too large."))
    return value


def _constant(name: str) -> Any:
    raise _Refused(
        _("%(name)s is not JSON: send numbers as finite values.") % {"name": name}
    )


def check_values(data: Any, max_depth: int) -> None:
    """Walk ``data`` without recursion: depth, NUL and lone surrogates."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                raise _Refused(_unstorable())
        elif isinstance(value, (dict, list)):
            if depth > max_depth:
                raise _Refused(_too_deep(max_depth))
            if isinstance(value, dict):
                for key, item in value.items():
                    if _UNSTORABLE.search(key):
                        raise _Refused(_unstorable())
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


def _unstorable() -> str:
    return _(
        "The body holds a NUL character or a lone UTF-16 surrogate (\\u0000, "
        "or \\ud800-\\udfff not in a pair): remove it."
    )


def _too_deep(max_depth: int) -> str:
    return _("The body is nested more than %(depth)d levels deep.") % {
        "depth": max_depth
    }


def _not_text(encoding: str) -> str:
    return _("The body is not valid %(encoding)s text.") % {
        "encoding": encoding.upper()
    }


def _not_json(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return _("The body is not valid JSON (line %(line)d, column %(column)d).") % {
            "line": exc.lineno,
            "column": exc.colno,
        }
    return _("The body is not valid JSON.")


def _unsupported_charset() -> str:
    return _("The charset named in Content-Type is not supported: send UTF-8.")


def unprotected_json_parsers(parser_classes: Iterable[Any]) -> list[type]:
    """The parsers of ``application/json`` in ``parser_classes`` that are not
    errorkit's (nor a subclass of it): what check errorkit.E013 reports."""
    return [
        parser
        for parser in parser_classes
        if isinstance(parser, type)
        and issubclass(parser, parsers.BaseParser)
        and not issubclass(parser, JSONParser)
        and str(parser.media_type or "").split(";", 1)[0].strip().lower()
        == "application/json"
    ]


def text_encoding(parser_context: Mapping[str, Any]) -> str:
    """The charset the request names (else DEFAULT_CHARSET), if it is a text
    encoding: a bytes-to-bytes codec (``bz2_codec``) would expand a small body
    past DATA_UPLOAD_MAX_MEMORY_SIZE. DRF 3.18's ``get_encoding`` does the
    same; older DRF has no such check."""
    encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
    try:
        "".encode(encoding)  # unlike codecs.getreader(), refuses non-text codecs
    except (LookupError, UnicodeError, TypeError):
        raise ParseError(_unsupported_charset()) from None
    return encoding


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = text_encoding(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            text = codecs.decode(raw, encoding)
        except UnicodeDecodeError:
            raise ParseError(_not_text(encoding)) from None
        max_depth = errorkit_settings.JSON_MAX_DEPTH
        constant = _constant if self.strict else None
        try:
            encoded = text.encode("utf-8", "surrogatepass")
            if needs_care(text, encoded):
                data = json.loads(
                    text, parse_int=_int, parse_float=_float, parse_constant=constant
                )
                check_values(data, max_depth)
            else:
                data = json.loads(text, parse_constant=constant)
                # Fewer brackets than the limit cannot nest past it.
                if text.count("[") + text.count("{") > max_depth:
                    if nested_deeper_than(encoded, max_depth):
                        raise _Refused(_too_deep(max_depth))
        except _Refused as exc:
            raise ParseError(str(exc)) from None
        except RecursionError:
            raise ParseError(_too_deep(max_depth)) from None
        except ValueError as exc:
            raise ParseError(_not_json(exc)) from None
        return data


# The code of DRF's own JSONParser.parse and of the charset check it calls
# (DRF 3.18 and later): a ParseError raised there carries DRF's text, which
# quotes the codec or the JSON decoder.
_DRF_PARSE = parsers.JSONParser.parse.__code__
_DRF_GET_ENCODING = getattr(getattr(parsers, "get_encoding", None), "__code__", None)


def _frames(traceback: TracebackType | None) -> Iterator[FrameType]:
    """The frames an exception passed through, outermost first."""
    while traceback is not None:
        yield traceback.tb_frame
        traceback = traceback.tb_next


def _raised_in_a_parser(exc: BaseException) -> bool:
    return any(
        isinstance(frame.f_locals.get("self"), parsers.BaseParser)
        for frame in _frames(exc.__traceback__)
    )


def _innermost_code(exc: BaseException) -> CodeType | None:
    """The code of the function that raised ``exc``."""
    code = None
    for frame in _frames(exc.__traceback__):
        code = frame.f_code
    return code


def message_for_drf_parse_failure(exc: BaseException) -> str | None:
    """errorkit's sentence for a body a parser other than errorkit's failed
    on, or None when ``exc`` is not such a failure.

    A RecursionError raised while a parser's ``parse`` ran is a body nested
    too deeply (DRF's JSONParser lets it through: a 500); a ParseError raised
    by DRF's JSONParser itself holds the codec's or the decoder's words, and
    is told from one a view raised by where it was raised and what it was
    raised from.
    """
    if isinstance(exc, RecursionError):
        if _raised_in_a_parser(exc):
            return _too_deep(errorkit_settings.JSON_MAX_DEPTH)
        return None
    if not isinstance(exc, ParseError):
        return None
    context = exc.__context__
    if context is None or exc.__suppress_context__:
        return None  # raised on its own, or by errorkit's parser ("from None")
    code = _innermost_code(exc)
    if code is not None and code is _DRF_GET_ENCODING:
        return _unsupported_charset()
    if code is not _DRF_PARSE or not isinstance(context, ValueError):
        return None
    if isinstance(context, UnicodeDecodeError):
        return _not_text(context.encoding)
    return _not_json(context)
