"""errorkit.billing.backends.ModelBalanceBackend: holds, posts, voids, expiry."""

from __future__ import annotations

from decimal import Decimal

import pytest

from errorkit import InsufficientBalance
from errorkit.billing.backends import HoldNotActive, ModelBalanceBackend
from errorkit.billing.funds import add_funds, funds_of
from errorkit.billing.models import Hold, LedgerEntry
from errorkit.billing.references import reference_of
from errorkit.signals import _request_superseded
from tests.helpers import assert_ledger_adds_up, balance_of, lapse
from tests.users import make_user

pytestmark = pytest.mark.django_db

backend = ModelBalanceBackend()


def state(user) -> tuple[Decimal, Decimal]:
    funds = funds_of(user)
    return funds.balance, funds.held


def test_a_hold_reserves_and_a_post_charges(api_user):
    hold = backend.hold(api_user, Decimal("1.00"), timeout=60, request_id="r-1")
    assert state(api_user) == (Decimal("9.00"), Decimal("1.00"))
    backend.post(hold)
    assert state(api_user) == (Decimal("9.00"), Decimal("0"))
    assert balance_of(api_user) == Decimal("9.00")
    assert set(LedgerEntry.objects.values_list("request_id", flat=True)) == {"", "r-1"}
    assert_ledger_adds_up(api_user)


def test_a_post_writes_what_the_charge_paid_for(api_user):
    hold = backend.hold(api_user, Decimal("1.00"), timeout=60, request_id="r-2")
    backend.post(hold, Decimal("0.40"), note="job job_7")
    late = backend.hold(api_user, Decimal("1.00"), timeout=60)
    lapse(late)
    backend.post(late, note="job job_8")
    notes = LedgerEntry.objects.filter(kind="post").order_by("id")
    assert list(notes.values_list("note", flat=True)) == [
        "job job_7",
        "job job_8 (posted after its hold expired)",
    ]
    assert_ledger_adds_up(api_user)


def test_a_hold_the_balance_cannot_cover_is_refused(api_user):
    assert backend.hold(api_user, Decimal("10.01"), timeout=60) is None
    backend.hold(api_user, Decimal("6.00"), timeout=60)
    assert backend.hold(api_user, Decimal("4.01"), timeout=60) is None
    assert backend.hold(api_user, Decimal("4.00"), timeout=60) is not None
    assert state(api_user) == (Decimal("0"), Decimal("10.00"))
    assert_ledger_adds_up(api_user)


def test_a_lapsed_hold_stops_counting_the_moment_it_lapses(api_user):
    hold = backend.hold(api_user, Decimal("3.00"), timeout=60)
    entries = LedgerEntry.objects.count()
    lapse(hold)
    # Nothing ran, nothing was written: the money is back for reading...
    assert state(api_user) == (Decimal("10.00"), Decimal("0"))
    assert LedgerEntry.objects.count() == entries
    # ...and for spending: the next hold marks it expired in its transaction.
    assert backend.hold(api_user, Decimal("10.00"), timeout=60) is not None
    assert Hold.objects.get(pk=hold.hold_id).status == "expired"
    assert_ledger_adds_up(api_user)


def test_a_late_post_charges_if_the_balance_still_covers_it(api_user):
    hold = backend.hold(api_user, Decimal("3.00"), timeout=60)
    lapse(hold)
    backend.post(hold)
    assert state(api_user) == (Decimal("7.00"), Decimal("0"))
    assert Hold.objects.get(pk=hold.hold_id).status == "posted"
    kinds = list(LedgerEntry.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["top_up", "hold", "expiry", "post"]
    assert_ledger_adds_up(api_user)


def test_a_late_post_never_takes_the_balance_below_what_others_hold(api_user):
    hold = backend.hold(api_user, Decimal("6.00"), timeout=60)
    lapse(hold)
    backend.hold(api_user, Decimal("8.00"), timeout=60)  # the money was free again
    with pytest.raises(InsufficientBalance):
        backend.post(hold)
    assert state(api_user) == (Decimal("2.00"), Decimal("8.00"))
    assert balance_of(api_user) == Decimal("10.00")
    assert_ledger_adds_up(api_user)


def test_posting_less_gives_the_rest_back_and_more_is_refused(api_user):
    hold = backend.hold(api_user, Decimal("2.00"), timeout=60)
    with pytest.raises(ValueError, match="more than the hold"):
        backend.post(hold, Decimal("2.01"))
    backend.post(hold, Decimal("0.75"))
    assert state(api_user) == (Decimal("9.25"), Decimal("0"))
    assert_ledger_adds_up(api_user)


def test_a_hold_resolves_at_most_once(api_user):
    hold = backend.hold(api_user, Decimal("2.00"), timeout=60)
    backend.void(hold)
    backend.void(hold)  # nothing more
    with pytest.raises(HoldNotActive):
        backend.post(hold)
    posted = backend.hold(api_user, Decimal("1.00"), timeout=60)
    backend.post(posted)
    backend.void(posted)  # too late: it stays posted
    assert state(api_user) == (Decimal("9.00"), Decimal("0"))
    assert_ledger_adds_up(api_user)


def test_spending_to_zero_in_cents_leaves_exactly_zero():
    # SQLite computes decimals as floats: 0.10 - 10 x 0.01 must still be 0.
    user = make_user("cents")
    add_funds(user, "0.10")
    for _ in range(10):
        backend.post(backend.hold(user, Decimal("0.01"), timeout=60))
    assert backend.hold(user, Decimal("0.01"), timeout=60) is None
    assert balance_of(user) == 0
    assert_ledger_adds_up(user)


def test_funds_read_back_at_the_ledgers_places():
    # A posted hold not yet folded in is summed by the database: on SQLite as
    # a float, which must still read 9.9500, not 9.9500000000000000.
    user = make_user("places")
    add_funds(user, "10.00")
    backend.post(backend.hold(user, Decimal("0.05"), timeout=60))
    funds = funds_of(user)
    assert (str(funds.settled), str(funds.held), str(funds.balance)) == (
        "9.9500",
        "0.0000",
        "9.9500",
    )


def test_a_superseded_call_has_its_hold_voided_whatever_its_request_id(api_user):
    # Two calls under one caller-chosen request id: only the superseded
    # call's hold (found by the server's call id) is voided.
    backend.hold(
        api_user,
        Decimal("4.00"),
        timeout=60,
        request_id="same",
        reference=reference_of("dead"),
    )
    backend.hold(
        api_user,
        Decimal("1.00"),
        timeout=60,
        request_id="same",
        reference=reference_of("alive"),
    )
    _request_superseded.send(None, call_id="dead")
    assert state(api_user) == (Decimal("9.00"), Decimal("1.00"))
    statuses = dict(Hold.objects.values_list("reference", "status"))
    assert statuses == {reference_of("dead"): "voided", reference_of("alive"): "active"}


def test_an_owner_without_an_account_reads_as_zero():
    user = make_user("new")
    funds = funds_of(user)
    assert (funds.balance, funds.held, funds.currency) == (0, 0, "USD")
