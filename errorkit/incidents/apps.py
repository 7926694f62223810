from django.utils.translation import gettext_lazy as _

from .. import optional_apps as core


class IncidentsConfig(core.OptionalAppConfig):
    name = "errorkit.incidents"
    label = "errorkit_incidents"
    verbose_name = _("errorkit: incidents")
    has_checks = True

    def connect(self) -> None:
        from django.core.signals import got_request_exception

        from .. import customers
        from ..signals import _api_request_started, error_response_finished
        from .console.own import OwnFailures
        from .console.triage import failures_page
        from .receivers import keep_body, record_response, remember_exception

        got_request_exception.connect(
            remember_exception, dispatch_uid="errorkit.incidents.exception"
        )
        _api_request_started.connect(keep_body, dispatch_uid="errorkit.incidents.body")
        error_response_finished.connect(
            record_response, dispatch_uid="errorkit.incidents.record"
        )
        customers.register_page("failures", failures_page)
        customers.register_customer_failures(OwnFailures())
