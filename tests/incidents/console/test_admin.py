"""The incident admin: read-only pages, permissions, search, actions, the chart."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from errorkit.incidents.models import (
    FailedRequest,
    Incident,
    IncidentEvent,
    IncidentHour,
)
from tests.users import login_name, make_user, username_of

pytestmark = pytest.mark.django_db

LIST = "/admin/errorkit_incidents/incident/"


@pytest.fixture
def incident(client):
    client.get("/v1/test/bug/first", HTTP_X_REQUEST_ID="ticket-42")
    client.get("/v1/test/bug/other-bug", HTTP_X_REQUEST_ID="ticket-43")
    return Incident.objects.get(title="KeyError in lookup_price")


def staff_with(*codenames: str) -> Client:
    user = make_user("support", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def test_viewing_needs_the_view_permission(incident):
    assert staff_with().get(LIST).status_code == 403


def test_the_list_shows_the_incidents_and_a_chart(incident):
    client = staff_with("view_incident")
    page = client.get(LIST)
    text = page.content.decode()
    assert page.status_code == 200
    assert "KeyError in lookup_price" in text and "ZeroDivisionError" in text
    assert "Failed requests per hour, last 24 hours" in text
    chart_html = text.split('<figure class="errorkit-chart"', 1)[1].split("</figure>")[
        0
    ]
    assert "<svg" in chart_html and "<script" not in chart_html
    # Headings a screen reader can jump to: the chart, then the results.
    assert text.index("Failed requests over time</h2>") < text.index(
        "Incidents, worst now first</h2>"
    )
    month = client.get(LIST, {"chart": "month"})
    assert "Failed requests per day, last 30 days" in month.content.decode()


def test_the_request_id_a_caller_quotes_finds_its_incident(incident):
    page = staff_with("view_incident").get(LIST, {"q": "ticket-42"})
    text = page.content.decode()
    assert "KeyError in lookup_price" in text and "ZeroDivisionError" not in text


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "open"},
        {"status_code__exact": "500"},
        {"error_code__exact": "internal_error"},
        {"last_seen__gte": "2000-01-01 00:00:00+00:00"},
    ],
)
def test_filters(incident, query):
    page = staff_with("view_incident").get(LIST, query)
    assert (
        page.status_code == 200 and "KeyError in lookup_price" in page.content.decode()
    )


def test_the_incident_page_is_read_only_with_traceback_and_events(incident):
    page = staff_with("view_incident", "change_incident").get(
        f"{LIST}{incident.pk}/change/"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Traceback" in text and "lookup_price" in text and "ticket-42" in text
    assert 'name="_save"' not in text


def test_nobody_adds_or_deletes_incidents_by_hand(admin_client, incident):
    assert admin_client.get(f"{LIST}add/").status_code == 403
    assert admin_client.post(f"{LIST}{incident.pk}/delete/").status_code == 403


def test_resolve_ignore_reopen_actions(incident, admin_user):
    client = staff_with("view_incident", "change_incident")
    for action, status in (
        ("ignore", "ignored"),
        ("reopen", "open"),
        ("resolve", "resolved"),
    ):
        # From the list showing every status (open ones only by default).
        client.post(
            f"{LIST}?status__exact=all",
            {"action": action, "_selected_action": [incident.pk]},
        )
        assert Incident.objects.get(pk=incident.pk).status == status
    resolved = Incident.objects.get(pk=incident.pk)
    assert (
        username_of(resolved.resolved_by) == login_name("support")
        and resolved.resolved_at is not None
    )


def test_viewers_without_the_change_permission_get_no_actions(incident):
    client = staff_with("view_incident")
    client.post(LIST, {"action": "resolve", "_selected_action": [incident.pk]})
    assert Incident.objects.get(pk=incident.pk).status == "open"


def test_prune_incidents_deletes_old_data_in_batches(client):
    client.get("/v1/test/bug/first")
    client.get("/v1/test/bug/other-bug")
    old = timezone.now() - timedelta(days=40)
    Incident.objects.filter(title__startswith="KeyError").update(last_seen=old)
    IncidentEvent.objects.filter(incident__title__startswith="KeyError").update(
        created=old
    )
    IncidentHour.objects.update(hour=old)
    FailedRequest.objects.filter(incident__title__startswith="KeyError").update(
        created=old
    )
    out = StringIO()
    call_command("prune_incidents", "--days", "30", "--batch-size", "1", stdout=out)
    assert (
        "Deleted 1 events, 1 failed requests, 1 incidents and 1 hourly counts"
        in out.getvalue()
    )
    assert FailedRequest.objects.count() == 1
    assert list(Incident.objects.values_list("title", flat=True)) == [
        "ZeroDivisionError in BuggyView.get"
    ]


PLANTED = ("hunter2", "4242424242424242", "4242 4242", "sk_live_abcdefgh123")


def test_no_planted_secret_reaches_the_incident_page(staff, client):
    import json

    client.post(
        "/v1/plain/raise/boom?card=4242424242424242&q=ok",
        json.dumps(
            {
                "pwd": "hunter2",
                "cc": "4242424242424242",
                "note": "my card is 4242 4242 4242 4242, key sk_live_abcdefgh123",
            }
        ),
        content_type="application/json",
        HTTP_X_CUSTOM_AUTH="hunter2",
        HTTP_X_CARD="4242424242424242",
    )
    incident = Incident.objects.get()
    page = staff.get(f"/admin/errorkit_incidents/incident/{incident.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "[Filtered]" in html
    assert not [secret for secret in PLANTED if secret in html]


def test_status_changes_are_in_the_history_with_who_did_it(staff, client, admin_user):
    from django.contrib.admin.models import LogEntry

    client.get("/v1/test/bug/first")
    incident = Incident.objects.get()
    response = staff.post(
        "/admin/errorkit_incidents/incident/",
        {"action": "resolve", "_selected_action": [incident.pk]},
        follow=True,
    )
    assert "1 incident is now resolved." in response.content.decode()
    (entry,) = LogEntry.objects.filter(object_id=str(incident.pk))
    assert entry.user == admin_user
    assert "Marked resolved (was open)." in entry.get_change_message()


def test_the_incident_page_says_who_is_affected_and_lists_every_request(
    staff, api, api_user
):
    from tests.helpers import post_task

    for n in range(3):
        post_task(api, {"kind": "crash", "payload": n}, HTTP_X_REQUEST_ID=f"c-{n}")
    incident = Incident.objects.get()
    page = staff.get(f"/admin/errorkit_incidents/incident/{incident.pk}/change/")
    html = page.content.decode()
    assert "1 user · 1 API key" in html and "3 failed requests" in html
    listing = staff.get(
        "/admin/errorkit_incidents/failedrequest/", {"incident__exact": incident.pk}
    ).content.decode()
    assert all(f"c-{n}" in listing for n in range(3))
    # A customer's failures, by their username (as typed, or in capitals:
    # an e-mail read out over the phone) or their key's prefix.
    key_prefix = FailedRequest.objects.first().key_prefix
    for term in (username_of(api_user), username_of(api_user).upper(), key_prefix):
        found = staff.get("/admin/errorkit_incidents/failedrequest/", {"q": term})
        assert "c-2" in found.content.decode()


REQUESTS = "/admin/errorkit_incidents/failedrequest/"


@override_settings(
    ERRORKIT={"INCIDENT_SAMPLE_FIRST": 1, "INCIDENT_SAMPLE_INTERVAL": 3600}
)
def test_a_failed_requests_page_lays_out_its_kept_event(staff, client):
    client.post(
        "/v1/plain/raise/boom?colour=blue",
        '{"order": {"sku": "a-1"}}',
        content_type="application/json",
        HTTP_X_REQUEST_ID="laid-out",
    )
    client.post("/v1/plain/raise/boom", HTTP_X_REQUEST_ID="not-kept")
    kept = FailedRequest.objects.get(request_id="laid-out")
    html = staff.get(f"{REQUESTS}{kept.pk}/change/").content.decode()
    assert "POST /v1/plain/raise/boom?colour=blue" in html
    assert '<th scope="row">X-Request-Id</th><td>laid-out</td>' in html
    assert escape('"order": {\n    "sku": "a-1"') in html  # pretty-printed
    assert 'class="frame-project"' in html and "Traceback" in html
    assert html.count("<h1>") == 1
    other = FailedRequest.objects.get(request_id="not-kept")
    html = staff.get(f"{REQUESTS}{other.pk}/change/").content.decode()
    assert "details were not kept" in html
    assert f"{REQUESTS}{kept.pk}/change/" in html  # the nearest kept event


def test_a_request_page_that_does_not_exist_is_a_404(staff):
    assert staff.get(f"{REQUESTS}999/change/").status_code == 404
    assert staff.get(f"{REQUESTS}abc/change/").status_code == 404


def test_request_and_customer_pages_need_the_view_permission(client):
    client.get("/v1/test/bug/first")
    row = FailedRequest.objects.get()
    nobody = staff_with()
    assert nobody.get(f"{REQUESTS}{row.pk}/change/").status_code == 403
    assert nobody.get(f"{REQUESTS}customer/", {"user": "x"}).status_code == 403
    anonymous = Client().get(f"{REQUESTS}{row.pk}/change/")
    assert anonymous.status_code == 302  # to the login page


def test_a_customer_page_by_key_and_by_user(staff, api, api_user):
    from tests.helpers import post_task

    post_task(api, {"kind": "crash", "payload": 1}, HTTP_X_REQUEST_ID="cust-1")
    prefix = FailedRequest.objects.get().key_prefix
    name = username_of(api_user)
    for query in ({"key": prefix}, {"user": name}):
        html = staff.get(f"{REQUESTS}customer/", query).content.decode()
        assert "cust-1" in html and "TaskCrashed" in html
        assert f"/admin/errorkit_billing/ledgerentry/?{urlencode({'q': name})}" in html
    assert staff.get(f"{REQUESTS}customer/").status_code == 404


def test_a_customer_pages_links_find_that_customers_keys_and_ledger(
    staff, api, api_user
):
    from errorkit.billing.funds import add_funds
    from errorkit.keys.api_keys import create_key
    from tests.helpers import post_task

    bob = make_user("bob")
    add_funds(bob, "1")
    create_key(bob)
    post_task(api, {"kind": "crash", "payload": 1})
    prefix = FailedRequest.objects.get().key_prefix
    page = staff.get(f"{REQUESTS}customer/", {"key": prefix}).context
    assert page["owner"] == username_of(api_user)
    keys = staff.get(page["keys_url"]).context["cl"].result_list
    assert [key.owner for key in keys] == [api_user]
    ledger = staff.get(page["ledger_url"]).context["cl"].result_list
    assert ledger and {entry.account.owner for entry in ledger} == {api_user}
    by_user = staff.get(page["user_url"]).context
    assert by_user["customer"].user == username_of(api_user)
    assert len(by_user["requests"]) == 1


def test_the_search_and_customer_pages_name_the_user_models_field(staff):
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.http import Http404
    from django.test import RequestFactory

    from errorkit.incidents.console.admin import FailedRequestAdmin

    model = get_user_model()
    label = model._meta.get_field(model.USERNAME_FIELD).verbose_name
    listing = staff.get(REQUESTS).content.decode()
    assert (
        f"A request id (or its first 12 characters), {label} or API key prefix."
        in listing
    )
    # The 404's reason, which a DEBUG page shows.
    requests_admin = FailedRequestAdmin(FailedRequest, admin.site)
    with pytest.raises(Http404, match=f"or \\?user=<{label}>"):
        requests_admin.customer_view(RequestFactory().get(f"{REQUESTS}customer/"))


def test_the_key_and_account_pages_link_to_the_customers_failures(staff, api_user):
    from errorkit.billing.models import CreditAccount
    from errorkit.keys.api_keys import create_key

    key, _ = create_key(api_user, name="k")
    html = staff.get(f"/admin/errorkit_keys/apikey/{key.pk}/change/").content.decode()
    assert f"{REQUESTS}customer/?key={key.prefix}" in html
    account = CreditAccount.objects.get(owner=api_user)
    html = staff.get(
        f"/admin/errorkit_billing/creditaccount/{account.pk}/change/"
    ).content.decode()
    assert f"{REQUESTS}customer/?{urlencode({'user': username_of(api_user)})}" in html


def test_the_list_search_finds_a_request_id_exactly_and_titles_by_words(staff, client):
    client.get("/v1/test/bug/first", HTTP_X_REQUEST_ID="abc-1")
    client.get("/v1/test/bug/other-bug", HTTP_X_REQUEST_ID="abc-12")

    def found(term):
        html = staff.get(LIST, {"q": term}).content.decode()
        return {t for t in ("KeyError", "ZeroDivisionError") if f"{t} in" in html}

    assert found("abc-1") == {"KeyError"}  # exact: abc-12 is not abc-1
    assert found("lookup_price") == {"KeyError"}
    assert found("nothing-like-it") == set()


def test_the_lists_chart_follows_its_filters_and_search(staff, client):
    client.get("/v1/test/bug/first")
    client.get("/v1/test/bug/first")
    client.get("/v1/test/bug/other-bug")
    assert "3 failed requests" in staff.get(LIST).content.decode()
    html = staff.get(LIST, {"q": "lookup_price"}).content.decode()
    assert "2 failed requests" in html
    month = staff.get(LIST, {"q": "lookup_price", "chart": "month"}).content.decode()
    assert "Failed requests per day" in month and "2 failed requests" in month
    assert "?q=lookup_price" in month  # the 24-hour link keeps the search


def test_searches_forgive_quotes_and_spaces_and_cut_a_pasted_key(staff, api, api_key):
    """Without JavaScript too: the server reads the term as meant, and a
    whole key as its prefix (which is all any list stores)."""
    from tests.helpers import post_task

    post_task(api, {"kind": "crash", "payload": 1}, HTTP_X_REQUEST_ID="quoted-1")
    quoted = ['"quoted-1"', "  quoted-1 ", "\u201cquoted-1\u201d", "'quoted-1'"]
    for term in quoted:
        assert "quoted-1" in staff.get(REQUESTS, {"q": term}).content.decode()
        assert "TaskCrashed in" in staff.get(LIST, {"q": term}).content.decode()
    by_key = staff.get(REQUESTS, {"q": f' "{api_key}" '}).content.decode()
    assert "quoted-1" in by_key
    assert "quoted-1" not in staff.get(REQUESTS, {"q": "other"}).content.decode()


def test_a_refused_request_says_why_and_whose_key_in_the_list_and_its_page(staff):
    from errorkit.keys.api_keys import create_key, revoke
    from tests.users import make_user

    key, secret = create_key(make_user("rita"))
    revoke(key)
    Client().get("/v1/tasks", HTTP_AUTHORIZATION=f"Bearer {secret}")
    row = FailedRequest.objects.get()
    listed = staff.get(REQUESTS).content.decode()
    assert "revoked key" in listed and "GET /v1/tasks" in listed
    page = staff.get(f"{REQUESTS}{row.pk}/change/").content.decode()
    assert "revoked key" in page and key.prefix in page and "GET /v1/tasks" in page
    # The customer's page counts it.
    customer = staff.get(f"{REQUESTS}customer/", {"key": key.prefix})
    assert row.request_id in customer.content.decode()


def test_the_incident_page_resolves_ignores_and_reopens_with_its_history(
    incident, client
):
    page = f"{LIST}{incident.pk}/change/"
    status_url = f"{LIST}{incident.pk}/status/"
    support = staff_with("view_incident", "change_incident")
    html = support.get(page).content.decode()
    assert 'value="resolved"' in html and 'value="ignored"' in html
    assert 'value="open"' not in html  # already open: no "Reopen"
    assert support.get(status_url).status_code == 405
    assert support.post(status_url, {"status": "closed"}).status_code == 404
    answer = support.post(status_url, {"status": "resolved"})
    assert answer.status_code == 302 and answer["Location"].endswith(page)
    resolved = Incident.objects.get(pk=incident.pk)
    assert resolved.status == "resolved" and resolved.resolved_by is not None
    # It happens again: errorkit reopens it, says so in its history, and
    # nobody is left as having resolved it.
    client.get("/v1/test/bug/first")
    reopened = Incident.objects.get(pk=incident.pk)
    assert (reopened.status, reopened.regressed) == ("open", True)
    assert (reopened.resolved_at, reopened.resolved_by) == (None, None)
    html = support.get(page).content.decode()
    assert "automatically: it happened again after it was resolved" in html
    assert f"by {login_name('support')}" in html
    changes = list(reopened.status_changes.values_list("before", "after", "by"))
    assert changes[0][:2] == ("resolved", "open") and changes[0][2] is None
    assert changes[1][:2] == ("open", "resolved") and changes[1][2] is not None


def test_viewers_get_no_status_buttons_and_cannot_post_them(incident):
    viewer = staff_with("view_incident")
    html = viewer.get(f"{LIST}{incident.pk}/change/").content.decode()
    assert 'name="status"' not in html
    answer = viewer.post(f"{LIST}{incident.pk}/status/", {"status": "resolved"})
    assert answer.status_code == 403
    assert Incident.objects.get(pk=incident.pk).status == "open"


def user_admin_page(user) -> str:
    """The admin's page of a user, whichever the user model (tests.emailuser
    registers its own admin with errorkit's user template)."""
    opts = user._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[user.pk])


def test_a_customer_page_shows_the_balance_and_every_page_of_that_customer(
    staff, api, api_user
):
    from tests.helpers import post_task

    post_task(api, {"kind": "echo", "payload": 1})  # a paid call: 0.25
    post_task(api, {"kind": "crash", "payload": 1}, HTTP_X_REQUEST_ID="bal-1")
    prefix = FailedRequest.objects.get().key_prefix
    html = staff.get(f"{REQUESTS}customer/", {"key": prefix}).content.decode()
    # Spendable, held and settled: never the stored (unfolded) column alone.
    assert "spendable" in html and "settled balance" in html
    for shown in ("9.75", "0.00"):
        assert shown in html
    name = username_of(api_user)
    for page in (
        "/admin/errorkit_billing/creditaccount/",
        f"/admin/errorkit_billing/ledgerentry/?{urlencode({'q': name})}",
        f"/admin/errorkit_keys/apikey/?{urlencode({'q': name})}",
        user_admin_page(api_user),
    ):
        assert escape(page) in html or page in html, page


def test_the_user_page_links_to_that_customers_errorkit_pages(staff, api_user):
    html = staff.get(user_admin_page(api_user)).content.decode()
    name = username_of(api_user)
    assert f"failedrequest/customer/?{urlencode({'user': name})}" in html
    assert "/admin/errorkit_billing/creditaccount/" in html
    assert escape(f"/admin/errorkit_keys/apikey/?{urlencode({'q': name})}") in html


@pytest.mark.parametrize("listing", ["failed requests", "incidents"])
def test_a_request_id_is_found_by_case_and_by_its_first_characters(
    staff, client, listing
):
    client.get("/v1/test/bug/first", HTTP_X_REQUEST_ID="req_5f0c2d9e8b7a4c1d")
    client.get("/v1/test/bug/other-bug", HTTP_X_REQUEST_ID="req_77aa")
    path, shown = {
        "failed requests": (REQUESTS, "req_5f0c2d9e8b7a4c1d"),
        "incidents": (LIST, "KeyError"),
    }[listing]

    def found(term):
        results = staff.get(path, {"q": term}).content.decode()
        results = results.split('id="result_list"')[-1]
        # The other bug's incident never matches: the search found one.
        assert "ZeroDivisionError" not in results
        return shown in results

    assert found("REQ_5F0C2D9E8B7A4C1D")
    assert found("req_5f0c2d9e")  # 12 characters, as a ticket quotes it
    assert not found("req_5f0c")  # too short to be anyone's


def test_a_callers_error_page_says_it_is_a_row_only(staff, client):
    client.get("/v1/tasks", HTTP_X_REQUEST_ID="lean-1")  # a 401, no incident
    row = FailedRequest.objects.get(request_id="lean-1")
    html = staff.get(f"{REQUESTS}{row.pk}/change/").content.decode()
    assert "kept as this row only" in html
    assert "links above" not in html and "Newer event" not in html


def test_failed_requests_filter_by_customer(staff, api, api_user, client):
    from tests.helpers import post_task

    post_task(api, {"kind": "crash", "payload": 1}, HTTP_X_REQUEST_ID="mine-1")
    client.get("/v1/test/bug/first", HTTP_X_REQUEST_ID="anon-1")
    name = username_of(api_user)
    html = staff.get(REQUESTS).content.decode()
    assert f"{name} (1)" in html  # offered, with its count
    listed = staff.get(REQUESTS, {"user": name}).content.decode()
    assert "mine-1" in listed and "anon-1" not in listed
