"""inventory: what the built project serves, as JSON, for the adopter test.

The test does not know the paths README.md's blocks chose: it finds the
ViewSet's routes, the plain view, the paid endpoint and the project's own error
classes by walking the URLconf, and the admin pages of errorkit's models.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management.base import BaseCommand
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from errorkit.declarations import declarations_of

# Values tried for a path's parameters: a word, then a number.
SAMPLES = ("no-such-thing", "999999")


def patterns(resolver: URLResolver) -> Iterator[URLPattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace is None:  # admin: listed below, by name
                yield from patterns(entry)
        else:
            yield entry


def path_of(pattern: URLPattern) -> str | None:
    """A URL the pattern serves, with sample values for its parameters."""
    params = list(pattern.pattern.regex.groupindex)
    if "format" in params:  # DRF's ".json" suffix twins
        return None
    for sample in SAMPLES:
        try:
            return reverse(pattern.callback, kwargs=dict.fromkeys(params, sample))
        except NoReverseMatch:
            continue
    return None


def declared_statuses(view_class: type, method: str) -> list[int]:
    handler = getattr(view_class, method, None)
    errors = declarations_of(handler).errors if handler else ()
    return sorted({error.status_code for error in errors})


def routes() -> list[dict[str, Any]]:
    found = []
    for pattern in patterns(get_resolver()):
        callback = pattern.callback
        module = getattr(callback, "__module__", "") or ""
        path = path_of(pattern)
        if path is None or not module.startswith("shop"):
            continue
        view_class = getattr(callback, "cls", None)  # DRF views only
        actions = getattr(callback, "actions", None) or {}
        if actions:
            kind = "viewset"
        elif view_class is not None:
            kind = "apiview"
        else:
            kind = "plain"
        found.append(
            {
                "path": path,
                "module": module,
                "kind": kind,
                "actions": actions,
                "params": list(pattern.pattern.regex.groupindex),
                "declared": {
                    method: declared_statuses(view_class, method)
                    for method in ("get", "post", "put", "patch", "delete")
                    if view_class is not None and hasattr(view_class, method)
                },
            }
        )
    return found


def own_errors() -> dict[str, dict[str, Any]]:
    """The project's own error classes: README's in shop.views (else the
    test's stand-in), by name."""
    from shop.extra_views import OWN_ERRORS

    return {
        name: {
            "status": error.status_code,
            "code": error.default_code,
            "module": error.__module__,
        }
        for name, error in OWN_ERRORS.items()
    }


def admin_pages() -> list[dict[str, Any]]:
    pages = []
    for config in apps.get_app_configs():
        if not (config.name == "errorkit" or config.name.startswith("errorkit.")):
            continue
        for model in config.get_models():
            if not admin.site.is_registered(model):
                continue
            meta = model._meta
            prefix = f"admin:{meta.app_label}_{meta.model_name}"
            newest = meta.default_manager.order_by("-pk")[:5]
            pages.append(
                {
                    "model": meta.label,
                    "changelist": reverse(f"{prefix}_changelist"),
                    "objects": [
                        reverse(f"{prefix}_change", args=[obj.pk]) for obj in newest
                    ],
                }
            )
    return pages


class Command(BaseCommand):
    help = "Print the project's API routes and errorkit admin pages as JSON."

    def handle(self, *args: Any, **options: Any) -> None:
        errorkit_settings = getattr(settings, "ERRORKIT", None) or {}
        inventory = {
            "api_prefixes": errorkit_settings.get(
                "API_PATH_PREFIXES", ["/v1/", "/api/"]
            ),
            "routes": routes(),
            "own_errors": own_errors(),
            "admin": admin_pages(),
        }
        self.stdout.write(json.dumps(inventory))
