"""Turn what others raise into errorkit errors.

One ordered table: the first row whose classes match wins, so a subclass is
listed before its base (django-ratelimit's ``Ratelimited`` is a
``PermissionDenied``; ``RequestDataTooBig`` is a ``SuspiciousOperation``). An
exception no row knows returns None: it is a bug, answered 500; so does one
whose row's converter returns None (a RecursionError raised outside a parser).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import db
from django.core import exceptions as django_exceptions
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions as drf

from . import exceptions as ek
from .conf import errorkit_settings
from .formatting import flatten_errors, validation_message
from .parsers import message_for_drf_parse_failure

# None: the exception is a bug after all.
Converter = Callable[[Any], ek.APIError | None]


def _single_detail(exc: drf.APIException) -> Any:
    detail = exc.detail
    if isinstance(detail, (list, tuple)) and len(detail) == 1:
        return detail[0]
    return detail


def _drf_message(exc: drf.APIException) -> str | None:
    """DRF's text when a view chose it, None when it is DRF's generic default."""
    detail = _single_detail(exc)
    if isinstance(detail, str) and detail != ek.default_message(exc):
        return str(detail)
    return None


# (DRF class, DRF's default text as raised) -> errorkit's default message. DRF's
# defaults ("Not found.") say less than ours, so ours replace them; keyed by the
# text DRF already translated, so the common case needs no translation lookup
# (which costs more than the rest of the handler). Only defaults are cached, so
# the table stays as small as DRF's list of exceptions times languages.
_replacements: dict[tuple[type, str], str] = {}


def _raised_with(exc: drf.APIException, detail: str) -> bool:
    """Whether the view raised ``exc`` with ``detail`` as its first argument:
    then it chose the message, and no lookup of the active language (which
    costs more than the rest of the handler) is needed to tell it from DRF's
    default. Anything else (a keyword, a lazy text) is compared with it."""
    args = exc.args
    return bool(args) and isinstance(args[0], str) and args[0] == detail


def _replace_drf_default(exc: drf.APIException, cls: type[ek.APIError]) -> ek.APIError:
    detail = _single_detail(exc)
    if not isinstance(detail, str):
        return cls()
    if _raised_with(exc, detail):
        return cls(str(detail))  # a message the view chose
    key = (type(exc), detail)
    ours = _replacements.get(key)
    if ours is None:
        if detail != ek.default_message(exc):
            return cls(str(detail))  # a message the view chose
        ours = _replacements[key] = ek.default_message_of(cls)
    return cls(ours)


def _plain_message(exc: Exception) -> str | None:
    """The message a Django exception was raised with, if it is one plain string.

    Anything else (Resolver404's dict of tried patterns, say) may describe the
    server's internals and is not shown.
    """
    if len(exc.args) == 1 and isinstance(exc.args[0], str) and exc.args[0]:
        return exc.args[0]
    return None


def _invalid_from_detail(detail: Any) -> ek.APIError:
    fields = flatten_errors(detail)
    return ek.InvalidRequest(validation_message(fields), fields=fields)


def _from_drf_validation(exc: drf.ValidationError) -> ek.APIError:
    return _invalid_from_detail(exc.detail)


def _from_django_validation(exc: django_exceptions.ValidationError) -> ek.APIError:
    if hasattr(exc, "error_dict"):
        return _invalid_from_detail(exc.message_dict)
    return _invalid_from_detail(exc.messages)


def _from_drf_auth(exc: drf.APIException) -> ek.APIError:
    error = _replace_drf_default(exc, ek.InvalidAPIKey)
    error.headers.update(_drf_headers(exc))
    return error


def _from_throttled(exc: drf.Throttled) -> ek.APIError:
    return ek.RateLimitExceeded(retry_after=getattr(exc, "wait", None))


def _from_generic_drf(exc: drf.APIException) -> ek.APIError:
    """Any other APIException keeps its status and code.

    A dict ``detail`` here is data the view chose to send, not field errors,
    so it travels as ``detail`` beside a generic message.
    """
    error = ek.APIError(_drf_message(exc), code=_drf_code(exc))
    error.status_code = exc.status_code
    if isinstance(exc.detail, dict):
        error.extra["detail"] = exc.detail
    error.headers.update(_drf_headers(exc))
    return error


def _drf_code(exc: drf.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, list) and len(codes) == 1:
        codes = codes[0]
    return codes if isinstance(codes, str) else exc.default_code


def _drf_headers(exc: drf.APIException) -> dict[str, str]:
    headers = {}
    # Set by DRF on the instance (NotAuthenticated, Throttled): not typed there.
    auth_header, wait = getattr(exc, "auth_header", None), getattr(exc, "wait", None)
    if auth_header:
        headers["WWW-Authenticate"] = str(auth_header)
    if wait:
        headers["Retry-After"] = str(ek.whole_seconds(wait))
    return headers


def _with_message(cls: type[ek.APIError]) -> Converter:
    return lambda exc: cls(_plain_message(exc))


def _with_default(cls: type[ek.APIError]) -> Converter:
    return lambda exc: cls()


def _with_drf_message(cls: type[ek.APIError]) -> Converter:
    return lambda exc: _replace_drf_default(exc, cls)


def _from_parse_error(exc: drf.ParseError) -> ek.APIError:
    """DRF's JSONParser's own failures get errorkit's sentences: its text
    quotes the codec or the decoder ('utf-8' codec can't decode byte 0xff)."""
    message = message_for_drf_parse_failure(exc)
    if message is not None:
        return ek.InvalidRequest(message)
    return _replace_drf_default(exc, ek.InvalidRequest)


def _from_recursion(exc: RecursionError) -> ek.APIError | None:
    """A body nested past the recursion limit, when a parser (DRF's
    JSONParser, say) raised it: 400. Anywhere else it is a bug."""
    message = message_for_drf_parse_failure(exc)
    return None if message is None else ek.InvalidRequest(message)


WRONG_HOST = _("This API does not serve the host this request names.")
OUTAGE_FINGERPRINT = "backing-service-unavailable:database"


def _from_outage(exc: BaseException) -> ek.APIError:
    """The database cannot be reached: 503 and a retry, not a bug. Every such
    answer, from any view, is one incident."""
    error = ek.ServiceUnavailable(
        retry_after=ek.whole_seconds(errorkit_settings.OUTAGE_RETRY_AFTER)
    )
    error.fingerprint = OUTAGE_FINGERPRINT
    return error


CONVERSIONS: list[tuple[tuple[type[BaseException], ...], Converter]] = [
    ((ek.APIError,), lambda exc: exc),
    ((drf.ValidationError,), _from_drf_validation),
    ((drf.ParseError,), _from_parse_error),
    ((drf.NotAuthenticated, drf.AuthenticationFailed), _from_drf_auth),
    ((drf.PermissionDenied,), _with_drf_message(ek.Forbidden)),
    ((drf.NotFound,), _with_drf_message(ek.NotFound)),
    ((drf.MethodNotAllowed,), _with_drf_message(ek.MethodNotAllowed)),
    ((drf.NotAcceptable,), _with_drf_message(ek.NotAcceptable)),
    ((drf.UnsupportedMediaType,), _with_drf_message(ek.UnsupportedMediaType)),
    ((drf.Throttled,), _from_throttled),
    ((drf.APIException,), _from_generic_drf),
    ((Ratelimited,), _with_default(ek.RateLimitExceeded)),
    # Connection errors; a constraint or a query's own error stays a bug.
    ((db.OperationalError, db.InterfaceError), _from_outage),
    ((Http404,), _with_message(ek.NotFound)),
    ((django_exceptions.PermissionDenied,), _with_message(ek.Forbidden)),
    ((django_exceptions.ValidationError,), _from_django_validation),
    ((django_exceptions.RequestDataTooBig,), _with_default(ek.PayloadTooLarge)),
    ((django_exceptions.DisallowedHost,), lambda exc: ek.Forbidden(WRONG_HOST)),
    # The text of these names hosts and limits of the server: not for callers.
    (
        (
            django_exceptions.SuspiciousOperation,
            django_exceptions.BadRequest,
            MultiPartParserError,
        ),
        _with_default(ek.InvalidRequest),
    ),
    ((RecursionError,), _from_recursion),
]


# The converter of each exception class met, found once in CONVERSIONS'
# order: a bug would otherwise be tested against every entry on every 500.
_converters: dict[type, Converter | None] = {}


def converter_for(cls: type[BaseException]) -> Converter | None:
    try:
        return _converters[cls]
    except KeyError:
        found = next(
            (convert for classes, convert in CONVERSIONS if issubclass(cls, classes)),
            None,
        )
        _converters[cls] = found
        return found


def convert_exception(exc: BaseException) -> ek.APIError | None:
    """The errorkit error for ``exc``, or None when ``exc`` is an unhandled bug."""
    convert = converter_for(type(exc))
    return None if convert is None else convert(exc)


# Django's own error pages (technical 404, CSRF failure, a bare 405 from
# require_http_methods) carry only a status: these are their errorkit errors.
_BY_STATUS: dict[int, type[ek.APIError]] = {
    cls.status_code: cls
    for cls in (
        ek.InvalidRequest,
        ek.InvalidAPIKey,
        ek.InsufficientBalance,
        ek.Forbidden,
        ek.NotFound,
        ek.MethodNotAllowed,
        ek.NotAcceptable,
        ek.PayloadTooLarge,
        ek.UnsupportedMediaType,
        ek.RateLimitExceeded,
        ek.InternalError,
        ek.BadGateway,
        ek.ServiceUnavailable,
    )
}

# Headers of the original response that keep their meaning on the JSON one.
_KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def error_for_status(
    status_code: int, reason: str, headers: dict[str, str]
) -> ek.APIError:
    kept = {name: headers[name] for name in _KEPT_HEADERS if name in headers}
    cls = _BY_STATUS.get(status_code)
    if cls is not None:
        error = cls(headers=kept)
    else:
        code = "_".join(reason.lower().replace("-", " ").split()) or "error"
        error = ek.APIError(reason or None, code=code, headers=kept)
        error.status_code = status_code
    retry_after = kept.get("Retry-After", "")
    if isinstance(error, ek.RetryableError) and retry_after.isdigit():
        error.retry_after = ek.whole_seconds(int(retry_after))
    return error
