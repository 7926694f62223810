from django.utils.translation import gettext_lazy as _

from .. import optional_apps as core


class BillingConfig(core.OptionalAppConfig):
    name = "errorkit.billing"
    label = "errorkit_billing"
    verbose_name = _("errorkit: balances")

    def connect(self) -> None:
        from .. import customers
        from ..signals import _request_superseded
        from .customers import LedgerFunds, account_page, ledger_page
        from .receivers import void_superseded_holds

        _request_superseded.connect(
            void_superseded_holds, dispatch_uid="errorkit.billing.superseded"
        )
        customers.register_funds(LedgerFunds())
        customers.register_page("ledger", ledger_page)
        customers.register_page("account", account_page)
