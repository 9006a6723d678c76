"""A reader finds a profile from the home page and follows a footnote there
and back, in a real browser."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import SEED

pytestmark = [
    pytest.mark.browser,
    # The live server reads the data from its own thread, so it must be
    # committed; the roles' groups made by migrations are put back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_reader_follows_a_footnote_to_its_note_and_back(live_server, page, seed_text):
    call_command("import_profiles", str(SEED), "--publish", verbosity=0)
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Liwa al-Baqir", exact=True).click()

    profile_url = f"{live_server.url}/profiles/liwa-al-baqir/"
    expect(page).to_have_url(profile_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Liwa al-Baqir (al-Baqir Brigade)"
    )
    note = page.locator("#note-3")
    expect(note).not_to_be_in_viewport()

    page.get_by_role("link", name="Note 3", exact=True).click()

    expect(page).to_have_url(f"{profile_url}#note-3")
    expect(note).to_be_in_viewport()
    expect(page.locator(":target")).to_have_attribute("id", "note-3")
    expect(note).to_contain_text("For a recent portrait of Khamenei")

    note.get_by_role("link", name="Back to the text of note 3", exact=True).click()

    expect(page).to_have_url(f"{profile_url}#ref-3")
    reference = page.locator("#ref-3")
    expect(reference).to_be_in_viewport()
    expect(page.locator(":target")).to_have_attribute("id", "ref-3")
    expect(reference).to_have_attribute("href", "#note-3")

    server = urlsplit(live_server.url).netloc
    assert requests
    assert [url for url in requests if urlsplit(url).netloc != server] == []
