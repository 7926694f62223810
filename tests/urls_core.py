"""URLs for tests.settings_core: the core test views, no optional app's."""

from django.contrib import admin
from django.urls import path

from errorkit.views import handler400, handler403, handler404, handler500  # noqa: F401

from . import views

# What every errorkit app's tests use; tests.urls adds the paid API.
core_urlpatterns = [
    path("v1/test/raise/<str:kind>", views.RaiseView.as_view()),
    path("v1/test/raise-fn/<str:kind>", views.raise_function_view),
    path("v1/test/raise-fn-2/<str:kind>", views.raise_another_function_view),
    path("v1/test/orders", views.OrderView.as_view()),
    path("v1/test/many", views.ManyErrorsView.as_view()),
    path("v1/test/echo", views.EchoView.as_view()),
    path("v1/test/write-then-fail/<str:kind>", views.WriteThenFail.as_view()),
    path(
        "v1/test/write-then-fail-pg/<str:kind>", views.WriteThenFailPostgres.as_view()
    ),
    path("v1/plain/raise/<str:kind>", views.plain_raise),
    path("v1/plain/ok", views.plain_ok),
    path("v1/plain/json-error", views.plain_json_error),
    path("v1/plain/get-only", views.plain_get_only),
    path("v1/plain/csrf", views.plain_csrf),
    path("v1/plain/async-raise/<str:kind>", views.plain_async_raise),
    path("v1/plain/async-ok", views.plain_async_ok),
    path("v1/plain/log", views.plain_log),
    path("v1/limited/plain", views.limited_plain),
    path("v1/limited/async", views.limited_async),
    path("v1/limited/apiview", views.LimitedAPIView.as_view()),
    path("v1/limited/api-function", views.limited_api_function),
    path("v1/limited/viewset", views.LimitedViewSet.as_view({"get": "list"})),
    path("v1/limited/stacked", views.StackedView.as_view()),
    path("v1/limited/tenant", views.TenantView.as_view()),
    path("v1/limited/post-only", views.PostOnlyLimitView.as_view()),
    path("v1/limited/throttled", views.ThrottledView.as_view()),
    path("v1/limited/configurable", views.ConfigurableLimitView.as_view()),
    path("v1/test/bug/<str:kind>", views.BuggyView.as_view()),
    path("v1/test/fingerprinted/<int:n>", views.FingerprintedView.as_view()),
    path("v1/test/fingerprinted-bench/<int:n>", views.FingerprintedBenchView.as_view()),
    path("html/raise/<str:kind>", views.html_raise),
    path("html/page", views.html_page),
]

urlpatterns = [path("admin/", admin.site.urls), *core_urlpatterns]
