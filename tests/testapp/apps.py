from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """The library tests' own small paid API: tasks priced per kind."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"
