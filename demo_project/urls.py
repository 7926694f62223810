from django.contrib import admin
from django.urls import include, path

from errorkit.views import handler400, handler403, handler404, handler500  # noqa: F401

urlpatterns = [
    path("admin/", admin.site.urls),
    path("v1/", include("demo_project.jobs.urls")),
]
