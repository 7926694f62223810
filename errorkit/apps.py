from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ErrorkitConfig(AppConfig):
    name = "errorkit"
    verbose_name = _("errorkit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
