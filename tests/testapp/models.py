import secrets

from django.conf import settings
from django.db import models


def new_task_id() -> str:
    return f"task_{secrets.token_hex(8)}"


class Task(models.Model):
    id = models.CharField(
        primary_key=True, max_length=40, default=new_task_id, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=32)
    payload = models.JSONField(null=True)
    result = models.JSONField(null=True)
    cost = models.DecimalField(max_digits=12, decimal_places=4)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.id
