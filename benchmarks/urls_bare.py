"""The bare DRF project's URL conf: the same endpoint, DRF's own parser."""

from django.urls import path

from benchmarks.urls import BareItems

urlpatterns = [path("v1/items", BareItems.as_view())]
