"""Paid views of every kind, none exempt from ATOMIC_REQUESTS."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("paid-viewset", views.PaidViewSet, basename="paid-viewset")
router.register("paid-actions", views.PaidActionViewSet, basename="paid-actions")

urlpatterns = [
    path("v1/paid-function", views.paid_function),
    path("v1/paid-api-function", views.paid_api_function),
    path("v1/misplaced-api-function", views.misplaced_exempt_api_function),
    path("v1/paid-view", views.PaidView.as_view()),
    path("v1/misplaced-view", views.MisplacedExemptView.as_view()),
    path("v1/", include(router.urls)),
]
