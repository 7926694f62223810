"""errorkit.billing.admin: spendable and held, add funds with a note (in the
staff member's history), bounds, holds, and a read-only ledger."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import LogEntry

from errorkit.billing.backends import ModelBalanceBackend
from errorkit.billing.models import CreditAccount, LedgerEntry
from tests.helpers import lapse
from tests.users import make_user, username_of

pytestmark = pytest.mark.django_db

URL = "/admin/errorkit_billing/creditaccount/"


def top_up(staff, account, amount: str, note: str = ""):
    return staff.post(
        URL,
        {
            "action": "add_funds_action",
            "_selected_action": [account.pk],
            "amount": amount,
            "note": note,
        },
    )


def test_add_funds_action_names_the_staff_member_and_the_note(
    staff, api_user, admin_user
):
    account = CreditAccount.objects.get(owner=api_user)
    form = staff.post(
        URL, {"action": "add_funds_action", "_selected_action": [account.pk]}
    )
    assert b'name="amount"' in form.content and b'name="note"' in form.content
    assert top_up(staff, account, "2.5", "refund of ticket 42").status_code == 302
    assert CreditAccount.objects.get(pk=account.pk).balance == Decimal("12.50")
    entry = LedgerEntry.objects.filter(kind="top_up").latest("id")
    assert (entry.note, entry.created_by) == ("refund of ticket 42", admin_user)
    (log,) = LogEntry.objects.filter(object_id=str(account.pk))
    assert log.user == admin_user and "2.5000 (refund of ticket 42)" in str(log)


@pytest.mark.parametrize(
    "amount, message",
    [
        ("abc", b"is not an amount"),
        ("0.00001", b"more than 4 decimal places"),
        ("10000000000", b"too large"),
        ("9999999999", b"past the largest"),  # fits alone, not on top of 10.00
    ],
)
def test_an_amount_the_ledger_cannot_hold_is_refused_and_nothing_written(
    staff, api_user, amount, message
):
    account = CreditAccount.objects.get(owner=api_user)
    response = top_up(staff, account, amount)
    assert response.status_code == 200 and message in response.content
    assert CreditAccount.objects.get(pk=account.pk).balance == Decimal("10.00")
    assert LedgerEntry.objects.count() == 1
    assert not LogEntry.objects.exists()


def test_the_list_shows_spendable_and_held_money_and_the_holds(staff, api_user):
    ModelBalanceBackend().hold(api_user, Decimal("1.25"), timeout=60)
    lapse(ModelBalanceBackend().hold(api_user, Decimal("2.00"), timeout=60))
    page = staff.get(URL).content.decode()
    assert "8.75" in page and "1.25" in page  # spendable, held
    account = CreditAccount.objects.get(owner=api_user)
    detail = staff.get(f"{URL}{account.pk}/change/").content.decode()
    assert "hold_" in detail and "active" in detail
    # The lapsed hold reserves nothing: it is shown as lapsed, not active.
    assert detail.count(">active<") == 1 and ">lapsed<" in detail


def test_expire_holds_action_tidies_the_selected_accounts_only(staff, api_user):
    from errorkit.billing.funds import add_funds
    from errorkit.billing.models import Hold

    other = make_user("bob")
    add_funds(other, "5.00")
    backend = ModelBalanceBackend()
    mine = backend.hold(api_user, Decimal("1.00"), timeout=60)
    theirs = backend.hold(other, Decimal("2.00"), timeout=60)
    lapse(mine)
    lapse(theirs)
    account = CreditAccount.objects.get(owner=api_user)
    answer = staff.post(
        URL, {"action": "expire_holds_action", "_selected_action": [account.pk]}
    )
    assert answer.status_code == 302
    assert Hold.objects.get(pk=mine.hold_id).status == "expired"
    assert Hold.objects.get(pk=theirs.hold_id).status == "active"  # not selected


def test_an_account_at_the_largest_balance_reads(staff):
    from errorkit.billing.funds import add_funds

    rich = make_user("rich")
    add_funds(rich, "9999999999.9999")
    assert staff.get(URL).status_code == 200
    assert staff.get("/admin/errorkit_billing/ledgerentry/").status_code == 200


def test_the_ledger_shows_each_entrys_running_balance(staff, api_user, api):
    from tests.helpers import post_task

    post_task(api)
    page = staff.get("/admin/errorkit_billing/ledgerentry/").content.decode()
    assert "9.75" in page  # after the post
    assert "balance after" in page.lower()


def test_the_ledger_is_read_only_in_the_admin(staff, api_user):
    entry = LedgerEntry.objects.get()
    assert staff.get("/admin/errorkit_billing/ledgerentry/").status_code == 200
    assert staff.get("/admin/errorkit_billing/ledgerentry/add/").status_code == 403
    delete = f"/admin/errorkit_billing/ledgerentry/{entry.pk}/delete/"
    assert staff.post(delete).status_code == 403


def test_accounts_and_ledger_entries_are_found_by_their_owners_name(staff, api_user):
    from django.contrib.auth import get_user_model

    from errorkit.billing.funds import add_funds

    add_funds(make_user("bob"), "1")
    # The address too, when the user model keeps one beside the name.
    setattr(api_user, get_user_model().get_email_field_name(), "alice@shop.example")
    api_user.save()
    for term in (username_of(api_user), "alice@shop.example"):
        accounts = staff.get(URL, {"q": term}).context["cl"].result_list
        assert [account.owner for account in accounts] == [api_user]
        ledger = "/admin/errorkit_billing/ledgerentry/"
        entries = staff.get(ledger, {"q": term}).context["cl"].result_list
        assert [entry.account.owner for entry in entries] == [api_user]


def charge_and_abandon(user, charges: int, voids: int) -> None:
    backend = ModelBalanceBackend()
    for n in range(charges):
        hold = backend.hold(user, Decimal("0.10"), timeout=60, request_id=f"c{n}")
        backend.post(hold, Decimal("0.10"))
    for n in range(voids):
        hold = backend.hold(user, Decimal("0.10"), timeout=60, request_id=f"v{n}")
        backend.void(hold)


LEDGER = "/admin/errorkit_billing/ledgerentry/"


def test_the_ledger_shows_money_moves_and_holds_are_one_filter_away(staff):
    from errorkit.billing.funds import add_funds

    user = make_user("lena")
    add_funds(user, "5.00")
    charge_and_abandon(user, charges=3, voids=4)
    kinds = set(LedgerEntry.objects.values_list("kind", flat=True))
    assert {"hold", "void", "post", "top_up"} <= kinds

    def shown(query):
        cl = staff.get(LEDGER, query).context["cl"]
        return sorted({e.kind for e in cl.result_list}), cl.result_count

    assert shown({}) == (["post", "top_up"], 4)  # 3 charges and the top-up
    everything = shown({"kind": "all"})
    assert everything[0] == sorted(kinds) and everything[1] > 4
    assert shown({"kind": "void"}) == (["void"], 4)
    html = staff.get(LEDGER).content.decode()
    assert "charges, top-ups and refunds" in html and "holds and voids too" in html


def test_an_accounts_page_lists_its_newest_holds_only(staff):
    from errorkit.billing.funds import add_funds

    user = make_user("lena")
    other = make_user("otto")
    add_funds(user, "20.00")
    add_funds(other, "20.00")
    charge_and_abandon(user, charges=0, voids=25)
    charge_and_abandon(other, charges=0, voids=3)
    account = CreditAccount.objects.get(owner=user)
    page = staff.get(f"/admin/errorkit_billing/creditaccount/{account.pk}/change/")
    holds = page.context["inline_admin_formsets"][0].formset.queryset
    newest = list(account.holds.order_by("-created", "-pk")[:20])
    assert list(holds) == newest
    # The other account's page lists its own three.
    other_account = CreditAccount.objects.get(owner=other)
    page = staff.get(
        f"/admin/errorkit_billing/creditaccount/{other_account.pk}/change/"
    )
    assert page.context["inline_admin_formsets"][0].formset.queryset.count() == 3


class FormInputs(HTMLParser):
    """The name and value of every input of a page, as a browser posts them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if (
            tag == "input"
            and attributes.get("name")
            and attributes.get("type") != "submit"
        ):
            self.data[attributes["name"]] = attributes.get("value") or ""


def test_an_accounts_holds_table_names_every_column_and_the_page_still_saves(
    staff,
):
    """No header cell without text (axe's empty-table-header: a screen reader
    announces a nameless column), and the read-only page's form, posted as
    a browser would, saves without error."""
    from errorkit.billing.funds import add_funds

    user = make_user("lena")
    add_funds(user, "20.00")
    charge_and_abandon(user, charges=2, voids=1)
    account = CreditAccount.objects.get(owner=user)
    url = f"{URL}{account.pk}/change/"
    html = staff.get(url).content.decode()
    table = html[html.index("holds-heading") :]
    table = table[: table.index("</table>")]
    headers = re.findall(r"<th\b[^>]*>(.*?)</th>", table, re.S)
    assert [h.strip() for h in headers] == [
        "Reference",
        "Request id",
        "Amount",
        "Status",
        "Placed",
        "Expires",
    ]
    assert table.count('class="form-row') == 3

    form = FormInputs()
    form.feed(html)
    assert "holds-TOTAL_FORMS" in form.data
    saved = staff.post(url, form.data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert account.holds.count() == 3
