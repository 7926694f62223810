"""The dashboard's URLs: ``path("dashboard/", include("errorkit.dashboard.urls"))``."""

from django.urls import path

from . import balance, keys, pages

app_name = "errorkit_dashboard"

urlpatterns = [
    path("", pages.home, name="home"),
    path("balance/", balance.balance, name="balance"),
    path("keys/", keys.key_list, name="keys"),
    path("keys/new/", keys.new_key, name="new_key"),
    path("keys/<str:key_id>/rename/", keys.rename_key, name="rename_key"),
    path("keys/<str:key_id>/revoke/", keys.revoke_key, name="revoke_key"),
]
