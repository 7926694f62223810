"""The dashboard's URLs: ``path("dashboard/", include("errorkit.dashboard.urls"))``."""

from django.urls import path

from . import add_funds, balance, failures, keys, pages, stripe_checkout, usage

app_name = "errorkit_dashboard"

urlpatterns = [
    path("", pages.home, name="home"),
    path("balance/", balance.balance, name="balance"),
    path("balance/add/", add_funds.add_funds, name="add_funds"),
    # Stripe's calls, signed: not a page, and no customer signs in.
    path("stripe/webhook/", stripe_checkout.webhook, name="stripe_webhook"),
    path("usage/", usage.usage, name="usage"),
    path("failures/", failures.failure_list, name="failures"),
    path("failures/<str:request_id>/", failures.failure_page, name="failure"),
    path("keys/", keys.key_list, name="keys"),
    path("keys/new/", keys.new_key, name="new_key"),
    path("keys/<str:key_id>/rename/", keys.rename_key, name="rename_key"),
    path("keys/<str:key_id>/revoke/", keys.revoke_key, name="revoke_key"),
]
