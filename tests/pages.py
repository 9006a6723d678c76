"""Reading pages in tests: what a response says, what a reader sees of it,
where its links go, and how many queries it took."""

import re
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    """What a reader sees of `html`: tags dropped, entities decoded, spaces
    collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def hrefs(html: str) -> list[str]:
    """Where the links (real `<a>` elements, not escaped text) lead."""
    return [unescape(href) for href in re.findall(r'<a\s[^>]*href="([^"]*)"', html)]


def queries_for(client, url: str) -> int:
    """How many queries a GET of `url` runs (it must succeed)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)
