"""Top-ups in the admin's history (LogEntry), as the staff member's action."""

from __future__ import annotations

from typing import Any

import django
from django.apps import apps


def log_top_up(user: Any, account: Any, message: str) -> None:
    """Record ``message`` on ``account`` as ``user``'s change, when the admin
    is installed (its history is where staff look)."""
    if user is None or not apps.is_installed("django.contrib.admin"):
        return
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    if django.VERSION >= (5, 1):
        LogEntry.objects.log_actions(
            user.pk,
            [account],
            CHANGE,
            change_message=message,
            single_object=True,
        )
        return
    # Django 4.2 and 5.0; the stubs know only 5.1's log_actions.
    LogEntry.objects.log_action(  # type: ignore[attr-defined]
        user_id=user.pk,
        content_type_id=ContentType.objects.get_for_model(account).pk,
        object_id=account.pk,
        object_repr=str(account)[:200],
        action_flag=CHANGE,
        change_message=message,
    )
