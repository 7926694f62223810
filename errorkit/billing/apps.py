from django.utils.translation import gettext_lazy as _

from .. import apps as core


class BillingConfig(core.OptionalAppConfig):
    name = "errorkit.billing"
    label = "errorkit_billing"
    verbose_name = _("errorkit: balances")
