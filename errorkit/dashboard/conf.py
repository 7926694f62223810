"""errorkit.dashboard's keys of the ``ERRORKIT`` settings dict, with their
defaults."""

from typing import Any

DEFAULTS: dict[str, Any] = {
    # The dashboard's address as customers reach it, e.g.
    # "https://dashboard.example.com/dashboard/": the links in 401 and 402
    # bodies start with it. Empty: the API request's own scheme and host.
    "DASHBOARD_URL": "",
    # How many keys one customer may create (django-ratelimit's rate syntax).
    "DASHBOARD_KEY_CREATE_RATE": "10/h",
    # How "Add funds" takes the money: a class with the methods of
    # errorkit.dashboard.topups.TopUpBackend. Staff approve requests in the
    # admin by default; errorkit.dashboard.stripe_checkout.StripeCheckoutTopUp
    # takes a card payment; errorkit.dashboard.topups.DemoTopUp credits at once
    # (a demo: no payment at all).
    "TOP_UP_BACKEND": "errorkit.dashboard.topups.ManualTopUp",
    # The smallest and largest amount a customer may add at once.
    "TOP_UP_MIN": "5.00",
    "TOP_UP_MAX": "5000.00",
    # How many top-ups one customer may start (each may make a Checkout
    # Session at the payment provider).
    "DASHBOARD_TOP_UP_RATE": "20/h",
    # Stripe's secret API key (sk_live_... or sk_test_...) and the signing
    # secret of the webhook endpoint (whsec_...), for StripeCheckoutTopUp.
    "STRIPE_API_KEY": "",
    "STRIPE_WEBHOOK_SECRET": "",
}
IMPORT_STRINGS: frozenset[str] = frozenset({"TOP_UP_BACKEND"})
