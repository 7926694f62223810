"""A URLconf with no view: for a project's settings alone."""

urlpatterns: list = []
