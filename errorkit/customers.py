"""Who a request's customer is, and where errorkit's apps show a customer.

errorkit's optional apps meet here instead of naming each other's models or
URL names. Each fills in what it owns, in its ``AppConfig.ready()``:

- ``errorkit.keys`` says which API key authenticated a request and who owns a
  key (``register_keys``);
- ``errorkit.keys`` also lets a customer manage their own keys
  (``register_customer_keys``: the customers' dashboard asks it);
- ``errorkit.incidents`` shows a customer their own failed requests
  (``register_customer_failures``);
- ``errorkit.billing`` adds funds to a user's balance (``register_funds``);
- each app with a page about a customer offers it by kind
  (``register_page``): ``"failures"`` (errorkit.incidents), ``"keys"``
  (errorkit.keys), ``"ledger"`` and ``"account"`` (errorkit.billing); core
  offers ``"user"``, the admin's page of the user.

The others ask through the functions below, which answer "nothing" when no
app filled the hook: the asking app works without the other installed. A
project with its own API keys registers its own ``KeyDirectory`` in its
``AppConfig.ready()``, and the incidents' customer pages follow it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from .admin_links import admin_url
from .users import find_user


@dataclass(frozen=True)
class Customer:
    """A customer as errorkit's pages look one up: a user (the value of the
    user model's ``USERNAME_FIELD``) or one of their API keys (its prefix)."""

    user: str = ""
    key_prefix: str = ""


@dataclass(frozen=True)
class KeyShape:
    """What a whole API key looks like, and how much of it is public: a key
    pasted into a search is cut to its public prefix before it is sent."""

    start: str  # every key starts so ("sk_")
    prefix_length: int  # the public part: the prefix the admins show
    min_length: int  # a whole key is at least this long

    def public_part(self, text: str) -> str | None:
        """The public prefix of ``text`` if it is a whole key, else None."""
        if text.startswith(self.start) and len(text) >= self.min_length:
            return text[: self.prefix_length]
        return None


class KeyDirectory(Protocol):
    """What an API key app tells the others about its keys."""

    # What a whole key looks like (None: a search is never cut).
    shape: KeyShape | None

    def prefix_of(self, request: Any) -> str:
        """The public prefix of the key that authenticated ``request`` (a
        Django or DRF request), or of the key it presented and was refused
        when that names a real key (a revoked one, say); else ""."""
        ...

    def owner_of(self, prefix: str) -> str:
        """The ``USERNAME_FIELD`` value of the user owning the key with this
        prefix, or "" when there is no such key."""
        ...


@dataclass(frozen=True)
class KeyInfo:
    """One API key as its owner sees it: never its secret."""

    id: str  # opaque: what a URL names the key by
    prefix: str
    name: str
    created: datetime
    last_used: datetime | None
    revoked: datetime | None
    read_only: bool

    @property
    def active(self) -> bool:
        return self.revoked is None


class CustomerKeys(Protocol):
    """A customer's own API keys, for self-service (the dashboard). Every
    method is scoped to ``user``: a key of anyone else is "no such key"
    (None), never an error that tells it exists."""

    # The longest name a key may have.
    name_max_length: int

    def keys_of(self, user: Any) -> list[KeyInfo]:
        """``user``'s keys, newest first, revoked ones included."""
        ...

    def key_of(self, user: Any, key_id: str) -> KeyInfo | None:
        """One of ``user``'s keys, or None."""
        ...

    def create(self, user: Any, *, name: str, read_only: bool) -> tuple[KeyInfo, str]:
        """A new key for ``user`` and its secret: the only time it exists."""
        ...

    def rename(self, user: Any, key_id: str, name: str) -> KeyInfo | None:
        """Rename one of ``user``'s keys; None when they have no such key."""
        ...

    def revoke(self, user: Any, key_id: str) -> KeyInfo | None:
        """Revoke one of ``user``'s keys (again is a no-op); None when they
        have no such key."""
        ...


@dataclass(frozen=True)
class Balance:
    """A customer's money as a person reads it: what they can spend now,
    what is held for calls in flight, and what the ledger has settled
    (spendable + held)."""

    spendable: Any
    held: Any
    settled: Any
    currency: str


@dataclass(frozen=True)
class LedgerLine:
    """One money move as its owner reads it."""

    created: datetime
    kind: str  # "charge", "top_up" or "refund"
    amount: Any  # signed: a charge is negative
    balance_after: Any  # the settled balance right after it
    request_id: str  # the request a charge paid for
    label: str  # a note: who added funds, or what a charge was for


@dataclass(frozen=True)
class DayUsage:
    """What a customer paid for in one day."""

    day: date
    calls: int  # paid calls charged that day
    spend: Any  # what they were charged, a positive amount


class Funds(Protocol):
    """A user's money (errorkit.billing): what they have, its history, and
    adding to it."""

    def balance_of(self, user: Any) -> Balance | None:
        """What ``user`` has, or None when they have no account."""
        ...

    def statement(
        self, user: Any, *, offset: int, limit: int
    ) -> tuple[list[LedgerLine], bool]:
        """``limit`` of ``user``'s money moves (charges, top-ups, refunds)
        from ``offset``, newest first, and whether older ones follow."""
        ...

    def usage(self, user: Any, *, since: datetime) -> list[DayUsage]:
        """``user``'s paid calls and spend per day (in the current time
        zone) since ``since``, oldest first; a day without any is left out."""
        ...

    def parse(self, text: str) -> Any:
        """An amount read from a person's text; ValueError saying what is
        wrong with it."""
        ...

    def add(self, user: Any, amount: Any, *, note: str) -> tuple[Any, str]:
        """Add ``amount`` to ``user``'s balance in the ledger; what they can
        spend now and its currency. ValueError when the ledger cannot hold it."""
        ...

    def currency_of(self, user: Any) -> str:
        """The currency ``user``'s balance is kept in (a new account's, when
        they have none yet): what a top-up must be paid in."""
        ...

    def add_once(
        self,
        user: Any,
        amount: Any,
        *,
        reference: str,
        currency: str,
        note: str,
        by: Any = None,
    ) -> bool:
        """Add ``amount`` unless a top-up with ``reference`` was already
        written (however often, however concurrently, this is asked): True
        when this call added it. Runs in the caller's transaction, so the
        caller records why in the same one. ``by``: the staff member who
        approved it. ValueError when ``currency`` is not the balance's or
        the ledger cannot hold the amount."""
        ...


@dataclass(frozen=True)
class FailureInfo:
    """One of a customer's failed requests, as they may see it: what they
    sent and got back, nothing of the server's internals."""

    request_id: str
    created: datetime
    status: int
    code: str  # the body's "error"
    # Why a 401 or 403 refused it: missing, malformed, unknown, revoked,
    # inactive, read_only, refused or forbidden; "" otherwise.
    reason: str
    method: str
    path: str


class CustomerFailures(Protocol):
    """A customer's own failed requests (errorkit.incidents), for the
    dashboard. Every method is scoped to ``user``: another's request is "no
    such request" (None)."""

    def failures_of(
        self,
        user: Any,
        *,
        since: datetime,
        status: int | None,
        request_id: str,
        offset: int,
        limit: int,
    ) -> tuple[list[FailureInfo], bool]:
        """``user``'s failed requests since ``since``, newest first, of one
        ``status`` (None: all), matching ``request_id`` as a person quotes it
        ("": all); ``limit`` from ``offset``, and whether more follow."""
        ...

    def statuses_of(self, user: Any, *, since: datetime) -> dict[int, int]:
        """How many of ``user``'s requests failed with each status since
        ``since``."""
        ...

    def failure_of(self, user: Any, request_id: str) -> FailureInfo | None:
        """``user``'s failed request with this exact id (the newest, if a
        caller reused it), or None."""
        ...


# A page about a customer: its URL for this customer, or None when the page
# cannot show them (a "keys" page has nothing for a key prefix alone, say).
PageURL = Callable[[Customer], "str | None"]


def user_page(customer: Customer) -> str | None:
    """The admin's page of the customer's user (core's own page)."""
    user = find_user(customer.user) if customer.user else None
    if user is None:
        return None
    opts = user._meta
    return admin_url(f"{opts.app_label}_{opts.model_name}_change", user.pk)


@dataclass
class Hooks:
    """What the installed apps registered (one per process)."""

    keys: KeyDirectory | None = None
    customer_keys: CustomerKeys | None = None
    customer_failures: CustomerFailures | None = None
    funds: Funds | None = None
    pages: dict[str, PageURL] = field(default_factory=lambda: {"user": user_page})


hooks = Hooks()


def register_keys(directory: KeyDirectory) -> None:
    hooks.keys = directory


def register_customer_keys(keys: CustomerKeys) -> None:
    hooks.customer_keys = keys


def customer_keys() -> CustomerKeys | None:
    """The installed app that lets customers manage their keys, or None."""
    return hooks.customer_keys


def register_customer_failures(failures: CustomerFailures) -> None:
    hooks.customer_failures = failures


def customer_failures() -> CustomerFailures | None:
    """The installed app that shows customers their failed requests, or None."""
    return hooks.customer_failures


def register_funds(funds: Funds) -> None:
    hooks.funds = funds


def register_page(kind: str, url_of: PageURL) -> None:
    hooks.pages[kind] = url_of


def key_prefix_of(request: Any) -> str:
    """The prefix of the API key that authenticated the request, or ""."""
    return hooks.keys.prefix_of(request) if hooks.keys else ""


def key_owner(prefix: str) -> str:
    """Who owns the key with this prefix (``USERNAME_FIELD``), or ""."""
    return hooks.keys.owner_of(prefix) if hooks.keys and prefix else ""


def key_shape() -> KeyShape | None:
    """What a whole API key looks like, when an app with keys says so."""
    return hooks.keys.shape if hooks.keys else None


def page_url(kind: str, customer: Customer) -> str | None:
    """The URL of another app's page of ``kind`` about this customer, or None
    when no installed app shows one."""
    url_of = hooks.pages.get(kind)
    return url_of(customer) if url_of else None


def funds() -> Funds | None:
    """The installed app that keeps users' money, or None."""
    return hooks.funds


def balance_of(user: Any) -> Balance | None:
    """``user``'s balance, when an app with balances is installed."""
    return hooks.funds.balance_of(user) if hooks.funds and user else None


# The pages an app may offer, in the order and words a customer's pages list
# them.
PAGES = {
    "failures": _("Failed requests"),
    "account": _("Credit account"),
    "ledger": _("Ledger"),
    "keys": _("API keys"),
    "user": _("User"),
}


def pages_of(customer: Customer, *, besides: str = "") -> list[tuple[str, str]]:
    """Every page about ``customer`` the installed apps offer, as (label,
    URL), but ``besides`` (the page asking)."""
    found = []
    for kind, label in PAGES.items():
        url = page_url(kind, customer) if kind != besides else None
        if url:
            found.append((str(label), url))
    return found
