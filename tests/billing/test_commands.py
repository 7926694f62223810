"""errorkit.billing: the add_funds and expire_holds commands."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError

from errorkit.billing.backends import ModelBalanceBackend
from errorkit.billing.models import CreditAccount, Hold, LedgerEntry
from tests.helpers import lapse, run_command
from tests.users import login_name, make_user, username_of

pytestmark = pytest.mark.django_db


def test_add_funds(api_user):
    output = run_command("add_funds", username_of(api_user), "0.50")
    assert output == f"Balance of {username_of(api_user)}: 10.5000 USD.\n"
    assert CreditAccount.objects.get(owner=api_user).balance == Decimal("10.50")
    assert LedgerEntry.objects.latest("id").note == "add_funds command"


def test_add_funds_by_a_staff_member_is_in_their_history(api_user, admin_user):
    run_command(
        "add_funds",
        username_of(api_user),
        "1",
        *("--note", "goodwill", "--by", username_of(admin_user)),
    )
    entry = LedgerEntry.objects.latest("id")
    assert (entry.note, entry.created_by) == ("goodwill", admin_user)
    assert LogEntry.objects.get().user == admin_user


def test_add_funds_to_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run_command("add_funds", "nobody", "5")


def test_add_funds_by_someone_not_on_the_staff_is_refused(api_user):
    make_user("bob")
    with pytest.raises(
        CommandError, match=f"--by: no staff member '{login_name('bob')}'"
    ):
        run_command("add_funds", username_of(api_user), "1", "--by", login_name("bob"))
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize(
    "amount", ["x", "-1", "0", "1.00001", "10000000000", "NaN", "1e400", ""]
)
def test_add_funds_rejects_bad_amounts_and_writes_nothing(api_user, amount):
    with pytest.raises(CommandError, match="AMOUNT"):
        run_command("add_funds", username_of(api_user), amount)
    assert LedgerEntry.objects.count() == 1


def test_add_funds_past_the_largest_balance_is_refused(api_user):
    with pytest.raises(CommandError, match="past the largest"):
        run_command("add_funds", username_of(api_user), "9999999999.9999")
    assert CreditAccount.objects.get(owner=api_user).balance == Decimal("10.00")
    assert LedgerEntry.objects.count() == 1


def test_expire_holds_marks_lapsed_holds_and_keeps_the_ledger_whole(api_user):
    backend = ModelBalanceBackend()
    backend.hold(api_user, Decimal("2.00"), timeout=60)
    lapse(backend.hold(api_user, Decimal("1.00"), timeout=60))
    assert "1.0000" in run_command("expire_holds")
    assert sorted(Hold.objects.values_list("status", flat=True)) == [
        "active",
        "expired",
    ]
    account = CreditAccount.objects.get(owner=api_user)
    assert account.held == Decimal("2.00")
    entries = LedgerEntry.objects.filter(account=account)
    assert sum(entries.values_list("held", flat=True)) == account.held


def test_the_commands_speak_the_active_language(db):
    from django.core.management import CommandError, call_command
    from django.utils import translation

    with translation.override("fr"), pytest.raises(CommandError) as caught:
        call_command("add_funds", "nobody", "1.00")
    assert str(caught.value) == (
        "Aucun utilisateur 'nobody'. Créez-en un avec create_api_key."
    )


def test_add_funds_prints_the_spendable_balance_not_the_stored_column(api_user):
    # A posted hold is folded into the stored columns only when the next hold
    # is placed: the command still prints what can be spent.
    backend = ModelBalanceBackend()
    backend.post(backend.hold(api_user, Decimal("0.30"), timeout=60))
    output = run_command("add_funds", username_of(api_user), "1")
    assert output == f"Balance of {username_of(api_user)}: 10.7000 USD.\n"
