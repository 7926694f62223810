from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .. import optional_apps as core


class KeysConfig(core.OptionalAppConfig):
    name = "errorkit.keys"
    label = "errorkit_keys"
    verbose_name = _("errorkit: API keys")

    def connect(self) -> None:
        from .. import customers
        from .customers import APIKeyDirectory, OwnKeys, keys_page

        customers.register_keys(APIKeyDirectory())
        customers.register_customer_keys(OwnKeys())
        customers.register_page("keys", keys_page)
        if apps.is_installed("drf_spectacular"):
            # drf-spectacular finds authentication extensions by their import.
            from . import openapi  # noqa: F401
