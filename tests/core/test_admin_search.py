"""errorkit.admin_search: a search term as a person meant it, and a whole API
key cut to its public prefix (by the shape the key app registered)."""

from __future__ import annotations

import pytest

from errorkit import customers
from errorkit.admin_search import clean_term
from errorkit.customers import KeyShape


class ShapedKeys:
    shape = KeyShape("sk_", 11, min_length=23)

    def prefix_of(self, request):
        return ""

    def owner_of(self, prefix):
        return ""


@pytest.fixture
def shaped(monkeypatch):
    monkeypatch.setattr(customers, "hooks", customers.Hooks())
    customers.register_keys(ShapedKeys())


@pytest.mark.parametrize(
    "typed,meant",
    [
        ("  req_abc  ", "req_abc"),
        ('"req_abc"', "req_abc"),
        ("'req_abc'", "req_abc"),
        ("\u201creq_abc\u201d", "req_abc"),
        (" ` req_abc ` ", "req_abc"),
        ("sk_AbCd1234" + "x" * 30, "sk_AbCd1234"),
        (' "sk_AbCd1234' + "x" * 30 + '" ', "sk_AbCd1234"),
        ("sk_AbCd1234", "sk_AbCd1234"),  # already a prefix
        ("sk_short", "sk_short"),
        ("ann@shop.example", "ann@shop.example"),
        ("", ""),
    ],
)
def test_a_term_is_what_a_person_meant(shaped, typed, meant):
    assert clean_term(typed) == meant


def test_without_a_key_app_nothing_is_cut(monkeypatch):
    monkeypatch.setattr(customers, "hooks", customers.Hooks())
    whole = "sk_AbCd1234" + "x" * 30
    assert clean_term(f" {whole} ") == whole
