from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ErrorkitConfig(AppConfig):
    name = "errorkit"
    verbose_name = _("errorkit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.apps import apps
        from django.core.signals import got_request_exception

        from . import checks  # noqa: F401  (registers the system checks)
        from .incidents import remember_exception

        got_request_exception.connect(
            remember_exception, dispatch_uid="errorkit.incidents"
        )
        if apps.is_installed("drf_spectacular"):
            # drf-spectacular finds authentication extensions by their import.
            from . import openapi  # noqa: F401
