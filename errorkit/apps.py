from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ErrorkitConfig(AppConfig):
    """errorkit core: the error contract and rate limits. It has no models.

    API keys, balances, idempotency and incidents are optional apps of their
    own (``errorkit.keys``, ``errorkit.billing``, ``errorkit.idempotency``,
    ``errorkit.incidents``), on when installed; their base class lives in
    ``errorkit.optional_apps``, not here: Django takes an ``apps`` module's
    AppConfig by itself only when the module holds exactly one.
    """

    # "errorkit" in INSTALLED_APPS loads this class (and so its checks) even
    # if another AppConfig is ever imported into this module.
    default = True
    name = "errorkit"
    verbose_name = _("errorkit")

    def ready(self) -> None:
        # Registers the system checks: importing a checks module registers it.
        from . import checks  # noqa: F401
        from .limits import checks as limit_checks  # noqa: F401
