"""URLs for tests.settings: the core test views and the paid test API."""

from django.contrib import admin
from django.urls import include, path

from errorkit.views import handler400, handler403, handler404, handler500  # noqa: F401

from .urls_core import core_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("v1/", include("tests.testapp.urls")),
    path("dashboard/", include("errorkit.dashboard.urls")),
    *core_urlpatterns,
]
