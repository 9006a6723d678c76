"""Nothing a suppression hides reaches anyone but staff.

A profile's atrocities section carries a private person's address from
version 2 on, and a note of version 4 another; both are hidden. Every URL of
the site, filled in with every row, is then read as an anonymous visitor, as
an editor, as the editor who wrote the hidden text, and as a reviewer
without the permission: neither text may appear anywhere, in pages,
exports, the API, feeds or the sitemap. Staff still read them on the
version's page.
"""

import pytest
from django.urls import reverse

from profiles import workflow
from profiles.models import ChangeRequest
from tests.factories import UserFactory, editor_user, publish_change, reviewer_user
from tests.suppressing import (
    LEAK,
    SECRET,
    hide_secret,
    profile_with_secret,
    suppressor_user,
)
from tests.walk import urls

pytestmark = pytest.mark.django_db

NOTE_LEAK = "zqxinformantnote"
HIDDEN_NOTE = f"Commentary: the informant lives above the {NOTE_LEAK} bakery."


@pytest.fixture
def hidden_profile():
    profile = profile_with_secret()
    hide_secret(profile)
    notes = [*profile.citations.values("number", "text")]
    publish_change(
        profile, citations=[*notes, {"number": len(notes) + 1, "text": HIDDEN_NOTE}]
    )
    workflow.suppress(
        profile,
        "citations",
        4,
        by=suppressor_user(username="suppressor"),
        reason="Names an informant",
    )
    return profile


def leaked(client) -> dict[str, list[str]]:
    """Hidden text -> the URLs whose answer shows it."""
    found: dict[str, list[str]] = {}
    for url in [
        *urls(),
        f"/search/?q={SECRET}",
        f"/profiles/?q={SECRET}",
        "/search/?q=informant",
        "/profiles/test-brigade/compare/?from=1&to=3",
        "/profiles/test-brigade/compare/?from=3&to=4",
        "/profiles/test-brigade/fields/atrocities/",
        "/profiles/test-brigade/fields/citations/",
    ]:
        body = client.get(url).content.decode(errors="replace").lower()
        for text in (LEAK, NOTE_LEAK):
            if text in body:
                found.setdefault(text, []).append(url)
    return found


def test_the_walk_reaches_every_version_and_the_exports(hidden_profile):
    walked = set(urls())

    for url in [
        "/profiles/test-brigade/",
        *(f"/profiles/test-brigade/versions/{n}/" for n in (1, 2, 3, 4)),
        "/profiles/test-brigade/export.json",
        "/profiles/test-brigade/export.md",
        "/profiles/test-brigade/export.txt",
        "/api/v1/profiles/test-brigade/",
        "/profiles/test-brigade/feed/",
        "/changes/feed/",
        "/sitemap.xml",
    ]:
        assert url in walked


def test_anonymous_readers_see_nothing_hidden(client, hidden_profile):
    assert leaked(client) == {}


def test_an_editor_sees_nothing_hidden(client, hidden_profile):
    client.force_login(editor_user(username="bystander"))

    assert leaked(client) == {}


def test_the_author_of_the_hidden_text_sees_it_hidden_too(client, hidden_profile):
    author = ChangeRequest.objects.get(
        profile=hidden_profile, published_version=2
    ).author
    client.force_login(author)

    assert leaked(client) == {}


def test_a_reviewer_without_the_permission_sees_nothing_hidden(client, hidden_profile):
    client.force_login(reviewer_user(username="plainreviewer"))

    assert leaked(client) == {}


def test_readers_see_when_a_reviewer_hid_it(client, hidden_profile):
    page = client.get(reverse("profiles:detail", args=["test-brigade"])).content

    assert b"Hidden by a reviewer on " in page


def test_staff_still_see_the_hidden_text_on_the_version_page(client, hidden_profile):
    client.force_login(UserFactory(username="staffer", is_staff=True))

    html = client.get(
        reverse("profiles:version", args=["test-brigade", 4])
    ).content.decode()

    assert LEAK in html
    assert NOTE_LEAK in html
    assert "Suppressed:" in html
    assert "Atrocities, hidden on" in html
    assert "Notes, hidden on" in html
