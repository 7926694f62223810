"""Paid views of every kind, each exempt as errorkit.E011's hint says, and
free views that need no exemption."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("exempt-viewset", views.ExemptViewSet, basename="exempt-viewset")

urlpatterns = [
    path("v1/exempt-function", views.exempt_function),
    path("v1/exempt-api-function", views.exempt_api_function),
    path("v1/exempt-view", views.ExemptView.as_view()),
    path("v1/free-function", views.free_function),
    path("v1/free-view", views.FreeView.as_view()),
    path("v1/", include(router.urls)),
]
