from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny

from errorkit.views import handler400, handler403, handler404, handler500  # noqa: F401

urlpatterns = [
    path("admin/", admin.site.urls),
    # The customers' dashboard, behind Django's own login.
    path("accounts/", include("django.contrib.auth.urls")),
    path("dashboard/", include("errorkit.dashboard.urls")),
    # Public, and JSON whatever the Accept header says.
    path(
        "v1/schema",
        SpectacularJSONAPIView.as_view(
            authentication_classes=[], permission_classes=[AllowAny]
        ),
    ),
    path("v1/", include("demo_project.jobs.urls")),
]
