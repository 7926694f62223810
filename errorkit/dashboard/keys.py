"""A customer's API keys: list, create (the secret shown once), rename,
revoke. Every key is looked up through its owner (errorkit.customers'
``CustomerKeys``), so another customer's key is a 404 like a missing one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..conf import errorkit_settings
from ..customers import CustomerKeys, KeyInfo, customer_keys
from .forms import NewKeyForm, RenameKeyForm
from .pages import customer_page, over_rate, unavailable

# Where a new key's secret waits between the POST that made it and the one
# page that shows it: the customer's own session, emptied as it is shown.
NEW_SECRET = "errorkit_dashboard.new_key"
KEYS_APP = "errorkit.keys"


def keys_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A customer's page about keys: it gets the installed ``CustomerKeys``
    (and, given a ``key_id``, the customer's key: another's is a 404), or
    says which app would provide them."""

    @wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        directory = customer_keys()
        if directory is None:
            return unavailable(request, KEYS_APP)
        if "key_id" in kwargs:
            key = directory.key_of(request.user, kwargs.pop("key_id"))
            if key is None:
                raise Http404(_("You have no such key."))
            kwargs["key"] = key
        return view(request, directory, *args, **kwargs)

    return customer_page(page)


@keys_page
@require_http_methods(["GET", "HEAD"])
def key_list(request: HttpRequest, directory: CustomerKeys) -> HttpResponse:
    return _list(
        request, directory, NewKeyForm(name_max_length=directory.name_max_length)
    )


def _list(
    request: HttpRequest, directory: CustomerKeys, form: NewKeyForm, status: int = 200
) -> HttpResponse:
    # The secret of a key made by the POST just before, shown here once: on
    # the GET a browser makes after the redirect (a HEAD shows nothing, so
    # it must not use it up).
    new = request.session.pop(NEW_SECRET, None) if request.method == "GET" else None
    return render(
        request,
        "errorkit_dashboard/keys/list.html",
        {
            "keys": directory.keys_of(request.user),
            "form": form,
            "new_key": new,
        },
        status=status,
    )


@keys_page
@require_http_methods(["POST"])
def new_key(request: HttpRequest, directory: CustomerKeys) -> HttpResponse:
    form = NewKeyForm(request.POST, name_max_length=directory.name_max_length)
    if not form.is_valid():
        return _list(request, directory, form, status=400)
    if over_rate(
        request,
        "errorkit.dashboard.new_key",
        errorkit_settings.DASHBOARD_KEY_CREATE_RATE,
    ):
        form.add_error(
            None,
            _("You have created many keys in a short time. Try again later."),
        )
        return _list(request, directory, form, status=429)
    key, secret = directory.create(
        request.user,
        name=form.cleaned_data["name"],
        read_only=form.cleaned_data["read_only"],
    )
    # Post, redirect, get: the secret travels in the session, never in the
    # URL, and a reload of the list neither shows it again nor makes a key.
    request.session[NEW_SECRET] = {
        "prefix": key.prefix,
        "name": key.name,
        "secret": secret,
    }
    return redirect("errorkit_dashboard:keys")


@keys_page
@require_http_methods(["GET", "HEAD", "POST"])
def rename_key(
    request: HttpRequest, directory: CustomerKeys, key: KeyInfo
) -> HttpResponse:
    size = directory.name_max_length
    if request.method == "POST":
        form = RenameKeyForm(request.POST, name_max_length=size)
        if form.is_valid():
            directory.rename(request.user, key.id, form.cleaned_data["name"])
            messages.success(
                request, _("The key %(prefix)s… is renamed.") % {"prefix": key.prefix}
            )
            return redirect("errorkit_dashboard:keys")
        status = 400
    else:
        form = RenameKeyForm(initial={"name": key.name}, name_max_length=size)
        status = 200
    return render(
        request,
        "errorkit_dashboard/keys/rename.html",
        {"key": key, "form": form},
        status=status,
    )


@keys_page
@require_http_methods(["GET", "HEAD", "POST"])
def revoke_key(
    request: HttpRequest, directory: CustomerKeys, key: KeyInfo
) -> HttpResponse:
    """GET asks for confirmation; POST (with CSRF) revokes."""
    if request.method == "POST":
        directory.revoke(request.user, key.id)
        messages.success(
            request,
            _("The key %(prefix)s… is revoked: calls with it now get 401.")
            % {"prefix": key.prefix},
        )
        return redirect("errorkit_dashboard:keys")
    return render(request, "errorkit_dashboard/keys/revoke.html", {"key": key})
