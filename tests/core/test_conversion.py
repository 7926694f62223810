"""errorkit.conversion: which errorkit error each exception becomes, and the
message a view chose kept as it was raised."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import translation
from rest_framework import exceptions as drf

from errorkit import exceptions as ek
from errorkit.conversion import convert_exception


class ShelfMissing(drf.NotFound):
    """A project's own subclass of a DRF exception."""


class ProjectBug(KeyError):
    pass


@pytest.mark.parametrize(
    "exc, cls, message",
    [
        # A message the view chose, positionally or by keyword.
        (drf.PermissionDenied("Not yours."), ek.Forbidden, "Not yours."),
        (drf.PermissionDenied(detail="By keyword."), ek.Forbidden, "By keyword."),
        (ShelfMissing("No shelf 7."), ek.NotFound, "No shelf 7."),
        # DRF's own default: errorkit's, which says more.
        (drf.NotFound(), ek.NotFound, str(ek.NotFound.default_detail)),
        (ShelfMissing(), ek.NotFound, str(ek.NotFound.default_detail)),
        # MethodNotAllowed's argument is the method, not the message: DRF's
        # sentence names it, and says more than the generic default.
        (
            drf.MethodNotAllowed("PATCH"),
            ek.MethodNotAllowed,
            'Method "PATCH" not allowed.',
        ),
        (Http404("No page."), ek.NotFound, "No page."),
    ],
)
def test_each_exception_becomes_its_error_with_the_right_message(exc, cls, message):
    error = convert_exception(exc)
    assert type(error) is cls
    assert error.message == message


def test_a_subclass_is_converted_as_its_nearest_listed_class_every_time():
    # The converter found for a class is remembered; asking again, and for
    # other classes between, gives the same answers.
    for _ in range(3):
        assert type(convert_exception(ShelfMissing())) is ek.NotFound
        assert convert_exception(ProjectBug("x")) is None
        assert type(convert_exception(drf.Throttled(wait=3))) is ek.RateLimitExceeded


def test_drf_defaults_are_replaced_in_the_active_language():
    with translation.override("fr"):
        error = convert_exception(drf.NotFound())
        assert error.message == str(ek.NotFound.default_detail)
        assert error.message != "Not found."
