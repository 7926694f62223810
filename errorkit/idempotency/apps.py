from django.utils.translation import gettext_lazy as _

from .. import optional_apps as core


class IdempotencyConfig(core.OptionalAppConfig):
    name = "errorkit.idempotency"
    label = "errorkit_idempotency"
    verbose_name = _("errorkit: idempotency keys")
