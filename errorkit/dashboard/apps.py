from django.utils.translation import gettext_lazy as _

from .. import optional_apps as core


class DashboardConfig(core.OptionalAppConfig):
    name = "errorkit.dashboard"
    label = "errorkit_dashboard"
    verbose_name = _("errorkit: customers' dashboard")
    has_checks = True

    def connect(self) -> None:
        from .links import register_links

        register_links()
