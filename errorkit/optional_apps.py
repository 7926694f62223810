"""The AppConfig base class of errorkit's optional apps."""

from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.core import checks

# The optional apps whose "is core installed?" check is registered.
_CORE_CHECKED: set[str] = set()


class OptionalAppConfig(AppConfig):
    """The AppConfig of an optional errorkit app (keys, billing, idempotency,
    incidents): its ``conf`` module's keys join ``ERRORKIT`` when it is ready,
    its ``checks`` module (if ``has_checks``) registers itself, and
    ``connect()`` hooks it into core.

    Subclass it as ``core.OptionalAppConfig`` (``from .. import optional_apps
    as core``): Django takes an ``apps`` module's AppConfig only when it holds
    exactly one class of the kind, and a class imported by name would be a
    second one.
    """

    default_auto_field = "django.db.models.BigAutoField"
    has_checks = False

    def ready(self) -> None:
        from .checks import check_core_installed
        from .conf import errorkit_settings

        conf = import_module(f"{self.name}.conf")
        errorkit_settings.contribute(self.name, conf.DEFAULTS, conf.IMPORT_STRINGS)
        if self.has_checks:
            import_module(f"{self.name}.checks")
        if self.name not in _CORE_CHECKED:  # ready() may run again in tests
            _CORE_CHECKED.add(self.name)
            name = self.name

            def check_core(app_configs: Any = None, **kwargs: Any) -> list[Any]:
                return check_core_installed(name)

            checks.register(check_core, checks.Tags.compatibility)
        self.connect()

    def connect(self) -> None:
        """Connect the app's receivers to core's signals (none by default)."""
