"""The hand-made side's URL conf (see ``bare_demo_urls``)."""

from benchmarks.bare_demo_urls import handmade as urlpatterns  # noqa: F401
