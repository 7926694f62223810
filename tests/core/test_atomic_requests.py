"""errorkit.E011 (errorkit.atomic_requests): with ATOMIC_REQUESTS on, each
view that must commit before it runs and is not exempt is named, with the
exact line that exempts it for its kind; the documented exemption silences
it. The views are tests.core.urlconfs'; the check reads DATABASES as settings
hold them and opens no connection."""

from __future__ import annotations

import copy
import warnings

import pytest
from django.apps import apps
from django.conf import settings
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test import override_settings

from errorkit.atomic_requests import CLASS, FUNCTION, VIEWSET, exemption_line
from errorkit.view_requests import require_autocommit

VIEWS = "tests.core.urlconfs.views."
FUNCTION_LINE = "@transaction.non_atomic_requests"
CLASS_LINE = '@method_decorator(transaction.non_atomic_requests, name="dispatch")'


def atomic_databases(**aliases: bool) -> dict:
    """DATABASES as settings hold them, ATOMIC_REQUESTS as given per alias."""
    databases = copy.deepcopy(settings.DATABASES)
    for alias in aliases:
        databases.setdefault(alias, copy.deepcopy(settings.DATABASES["default"]))
    for alias, database in databases.items():
        database["ATOMIC_REQUESTS"] = aliases.get(alias, False)
    return databases


def e011(urlconf: str, **aliases: bool) -> dict[str, str]:
    """errorkit.E011's messages by the view they name: 'msg | hint'."""
    databases = atomic_databases(**aliases)
    with warnings.catch_warnings():
        # Django warns that connections keep their settings: none is opened.
        warnings.filterwarnings("ignore", "Overriding setting DATABASES")
        with override_settings(DATABASES=databases, ROOT_URLCONF=urlconf):
            messages = [m for m in run_checks(databases=[]) if m.id == "errorkit.E011"]
    return {m.msg.split(" (")[0]: f"{m.msg} | {m.hint}" for m in messages}


NOT_EXEMPT = "tests.core.urlconfs.not_exempt"
EXEMPT = "tests.core.urlconfs.exempt"


def test_the_lines_are_those_the_readme_gives():
    assert exemption_line(FUNCTION) == FUNCTION_LINE
    assert exemption_line(CLASS) == exemption_line(VIEWSET) == CLASS_LINE
    assert exemption_line(FUNCTION, "ledger") == (
        '@transaction.non_atomic_requests(using="ledger")'
    )


@pytest.mark.parametrize(
    ("view", "route", "line", "where"),
    [
        ("paid_function", "/v1/paid-function", FUNCTION_LINE, "outermost decorator"),
        (
            "paid_api_function",
            "/v1/paid-api-function",
            FUNCTION_LINE,
            "above @api_view",
        ),
        # Below @api_view the mark is on the inner function: Django never sees it.
        (
            "misplaced_exempt_api_function",
            "/v1/misplaced-api-function",
            FUNCTION_LINE,
            "above @api_view",
        ),
        ("PaidView", "/v1/paid-view", CLASS_LINE, "on the class PaidView"),
        # On the handler, not dispatch: Django never sees it.
        (
            "MisplacedExemptView",
            "/v1/misplaced-view",
            CLASS_LINE,
            "on the class MisplacedExemptView",
        ),
        (
            "PaidViewSet",
            "/v1/paid-viewset/",
            CLASS_LINE,
            "on the ViewSet class PaidViewSet",
        ),
        # Only its @action is paid.
        (
            "PaidActionViewSet",
            "/v1/paid-actions/charge/",
            CLASS_LINE,
            "on the ViewSet class PaidActionViewSet",
        ),
    ],
)
def test_a_view_not_exempt_is_named_with_the_line_for_its_kind(
    view, route, line, where
):
    found = e011(NOT_EXEMPT, default=True)
    text = found[VIEWS + view]
    assert route in text.split(" | ")[0]
    assert "errorkit.require_balance" in text
    hint = text.split(" | ")[1]
    assert hint.startswith(f"Add {line} ")
    assert where in hint


def test_every_paid_view_is_named_once():
    assert len(e011(NOT_EXEMPT, default=True)) == 7


def test_the_documented_exemptions_silence_it():
    assert e011(EXEMPT, default=True) == {}


def test_nothing_is_reported_without_atomic_requests():
    assert e011(NOT_EXEMPT) == {}


def test_an_exemption_from_one_database_is_not_from_another():
    found = e011(EXEMPT, default=True, ledger=True)
    assert set(found) == {
        VIEWS + name
        for name in ("exempt_function", "exempt_api_function", "ExemptView")
    } | {VIEWS + "ExemptViewSet"}
    assert (
        '@transaction.non_atomic_requests(using="ledger")'
        in (found[VIEWS + "exempt_function"])
    )


def test_require_balance_itself_is_seen():
    if not apps.is_installed("errorkit.billing"):
        pytest.skip("errorkit.billing is not installed (tests.settings_core)")
    found = e011("tests.urls", default=True)
    assert "errorkit.require_balance" in found["tests.testapp.views.TaskList"]


@pytest.mark.django_db
def test_the_runtime_refusal_gives_the_three_forms():
    """require_autocommit's refusal (how_to_exempt): a view it cannot tell
    the kind of gets every form."""
    settings_dict = connection.settings_dict
    before = settings_dict["ATOMIC_REQUESTS"]
    settings_dict["ATOMIC_REQUESTS"] = True
    try:
        with transaction.atomic(), pytest.raises(ImproperlyConfigured) as refused:
            require_autocommit("errorkit.require_balance")
    finally:
        settings_dict["ATOMIC_REQUESTS"] = before
    message = str(refused.value)
    assert message.startswith("errorkit.require_balance must commit before")
    assert f"on a function view (@api_view too), {FUNCTION_LINE} as its outermost" in (
        message
    )
    assert f"on an APIView or a GenericAPIView, {CLASS_LINE} on the class" in message
    assert "on a ViewSet, the same line on the ViewSet class" in message
    assert "errorkit.E011" in message
