"""Secrets planted in a failed request, under names that say nothing (query,
body, nested lists, free text, headers), reach no admin page a staff member
can reach: every page is crawled from the admin's index, and no planted
value appears, whole or without its spaces."""

from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from errorkit.incidents.models import IncidentEvent
from tests.planted import SECRETS, body

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]+)"')
# Pages that leave the admin, change state or only repeat a list's filters.
SKIPPED = ("/logout/", "/password/", "/delete/", "/r/", "_popup", "e=1", "o=")
MOST_PAGES = 400


def crawl(client, start: str) -> dict[str, str]:
    """Every admin page reachable from ``start`` by links: URL -> its HTML."""
    seen, pages, queue = {start}, {}, deque([start])
    while queue and len(pages) < MOST_PAGES:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code != 200:
            continue
        text = response.content.decode()
        pages[url] = text
        for href in HREF.findall(text):
            link = urljoin(url, html.unescape(href))
            if not urlsplit(link).path.startswith("/admin/") or any(
                part in link for part in SKIPPED
            ):
                continue
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return pages


def leaked(text: str) -> list[str]:
    text = html.unescape(text)
    squeezed = re.sub(r"\s", "", text)
    return [
        name
        for name, value in SECRETS.items()
        if value in text or value.replace(" ", "") in squeezed
    ]


def test_no_planted_secret_reaches_any_admin_page(api, staff):
    s = SECRETS
    query = urlencode(
        {"jwt": s["jwt"], "ref": s["iban"], "q": f"pay {s['iban_spaced']}"}
    )
    answer = api.post(
        f"/v1/tasks?{query}",
        {"kind": "crash", "payload": body()},
        content_type="application/json",
        HTTP_X_TRACE=s["aws"],
        HTTP_USER_AGENT=f"tool/1.0 {s['github']}",
        HTTP_X_FORWARDED_NOTE=f"Bearer {s['bearer']}",
    )
    assert answer.status_code == 500
    event = IncidentEvent.objects.get()
    # Kept: what the request was, without its secrets.
    assert event.path == "/v1/tasks" and "note" in event.body
    pages = crawl(staff, "/admin/")
    # The crawl reached the pages that show the request, not only lists.
    shown = [url for url, text in pages.items() if event.request_id in text]
    assert len(pages) > 30 and len(shown) >= 3, (len(pages), shown)
    found = {url: leaked(text) for url, text in pages.items() if leaked(text)}
    assert found == {}
