"""DRF views whose parser_classes name DRF's own JSONParser, and some that
name errorkit's (or a subclass) or no JSON parser at all."""

from django.urls import path

from . import views

urlpatterns = [
    path("v1/drf-parser", views.DRFParserEcho.as_view()),
    path("v1/drf-parser-function", views.drf_parser_function),
    path("v1/own-parser", views.OwnParserEcho.as_view()),
    path("v1/form-only", views.FormOnly.as_view()),
    path("v1/recursing", views.RecursingView.as_view()),
    path("v1/parse-error", views.ParseErrorFromView.as_view()),
]
