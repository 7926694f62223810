"""errorkit.error_links: the pages an app offers to error bodies, by status;
a link that cannot be made leaves the error as it was, never a 500."""

from __future__ import annotations

import logging

import pytest

from errorkit import error_links


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(error_links, "_links", {})


def test_a_registered_page_joins_errors_of_its_status_only(registry):
    error_links.register_error_link(402, "addFunds", lambda r: "https://x.example/add")
    assert error_links.links_for(402, None) == {"addFunds": "https://x.example/add"}
    assert error_links.links_for(401, None) == {}


def test_no_page_now_means_no_link(registry):
    error_links.register_error_link(401, "keys", lambda r: None)
    assert error_links.links_for(401, None) == {}


def test_a_link_that_fails_is_left_out_and_logged(registry, caplog):
    def broken(request):
        raise RuntimeError("no")

    error_links.register_error_link(402, "broken", broken)
    error_links.register_error_link(402, "fine", lambda r: "https://x.example/")
    with caplog.at_level(logging.ERROR, logger="errorkit.error_links"):
        assert error_links.links_for(402, None) == {"fine": "https://x.example/"}
    assert "broken" in caplog.text
