import secrets

from django.conf import settings
from django.db import models


def new_job_id() -> str:
    return f"job_{secrets.token_hex(12)}"


class Job(models.Model):
    id = models.CharField(
        primary_key=True, max_length=40, default=new_job_id, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    model = models.CharField(max_length=64)
    status = models.CharField(max_length=16, default="succeeded")
    input = models.JSONField(null=True)
    output = models.JSONField(null=True)
    cost = models.DecimalField(max_digits=12, decimal_places=4)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.id
