"""Paste-import at /sources/import/: an editor pastes BibTeX, RIS or
CSL-JSON; the new works are proposed as notes of a profile in a change
request, reviewed like any other; works the profile cites already are
left out and said so; a bad entry is named and nothing is written."""

import json

import pytest

from profiles import workflow
from profiles.models import ChangeRequest, Citation
from sources.citations import parse_note
from sources.models import Source
from tests.factories import SourceFactory, UserFactory, publish_profile

pytestmark = pytest.mark.django_db

URL = "/sources/import/"

BIBTEX = r"""
@article{smyth2015,
  author = {Smyth, Phillip},
  title = {The Shiite Jihad in Syria},
  journal = {Washington Institute},
  year = 2015, month = feb, day = 15,
  url = {https://example.org/shiite-jihad},
}
@misc{jusoor2017,
  author = {{Jusoor Center}},
  title = {Liwa al-Baqir},
  howpublished = {Jusoor},
  year = {2017},
  url = {https://example.org/jusoor/baqir},
}
"""
RIS = """TY  - ELEC
ID  - smyth2015
AU  - Smyth, Phillip
TI  - The Shiite Jihad in Syria
T2  - Washington Institute
DA  - 2015/02/15/
UR  - https://example.org/shiite-jihad
ER  - 

TY  - ELEC
AU  - Jusoor Center
TI  - Liwa al-Baqir
T2  - Jusoor
PY  - 2017
UR  - https://example.org/jusoor/baqir
ER  - 
"""
CSL_JSON = json.dumps(
    [
        {
            "id": "smyth2015",
            "type": "webpage",
            "title": "The Shiite Jihad in Syria",
            "author": [{"family": "Smyth", "given": "Phillip"}],
            "container-title": "Washington Institute",
            "issued": {"date-parts": [[2015, 2, 15]]},
            "URL": "https://example.org/shiite-jihad",
        },
        {
            "id": "jusoor2017",
            "type": "webpage",
            "title": "Liwa al-Baqir",
            "author": [{"literal": "Jusoor Center"}],
            "container-title": "Jusoor",
            "issued": {"date-parts": [[2017]]},
            "URL": "https://example.org/jusoor/baqir",
        },
    ]
)
EXPECTED = [
    {
        "authors": "Phillip Smyth",
        "title": "The Shiite Jihad in Syria",
        "publication": "Washington Institute",
        "date": "February 15, 2015",
        "date_iso": "2015-02-15",
        "url": "https://example.org/shiite-jihad",
    },
    {
        "authors": "Jusoor Center",
        "title": "Liwa al-Baqir",
        "publication": "Jusoor",
        "date": "2017",
        "date_iso": "2017",
        "url": "https://example.org/jusoor/baqir",
    },
]
FIELDS = ("authors", "title", "publication", "date", "date_iso", "url")


@pytest.fixture
def profile(db):
    """Published, with note 1 citing "Report 1" at example.org/reports/1."""
    return publish_profile(notes=1)


def paste(client, profile, text, *, action="propose", format_name=""):
    return client.post(
        URL,
        {
            "profile": profile.slug,
            "format": format_name,
            "text": text,
            "action": action,
        },
    )


@pytest.mark.parametrize(
    ("text", "kind"), [(BIBTEX, "BibTeX"), (RIS, "RIS"), (CSL_JSON, "CSL-JSON")]
)
def test_each_format_round_trips_through_review(
    client, editor, reviewer, profile, text, kind
):
    client.force_login(editor)

    response = paste(client, profile, text)

    change_request = ChangeRequest.objects.get(author=editor)
    assert response.status_code == 302
    assert response["Location"] == f"/review/{change_request.pk}/"
    assert change_request.summary == f"Add 2 {kind} references as notes"
    assert change_request.status == ChangeRequest.Status.PENDING
    (change,) = change_request.changes.all()
    assert change.field == "citations"
    assert [row["number"] for row in change.value] == [1, 2, 3]
    assert Citation.objects.filter(profile=profile).count() == 1  # not yet

    workflow.approve(change_request, reviewer=reviewer)

    notes = list(Citation.objects.filter(profile=profile).order_by("number"))
    assert [note.number for note in notes] == [1, 2, 3]
    for note, expected in zip(notes[1:], EXPECTED, strict=True):
        (source,) = note.sources.all()
        assert {field: getattr(source, field) for field in FIELDS} == expected
        assert source.published_at is not None
        assert parse_note(note.text)[1][0].url == expected["url"]


def test_check_shows_what_each_entry_would_become_and_writes_nothing(
    client, editor, profile
):
    client.force_login(editor)
    sources_before = Source.objects.count()

    response = paste(client, profile, CSL_JSON, action="check")

    html = response.content.decode()
    assert response.status_code == 200
    assert not ChangeRequest.objects.filter(author=editor).exists()
    assert Source.objects.count() == sources_before
    assert '<h2 id="plan-heading">What would be proposed</h2>' in html
    assert '<th scope="row">Entry 1 (id smyth2015)</th>' in html
    assert (
        "Phillip Smyth, “The Shiite Jihad in Syria,” *Washington Institute*, "
        "February 15, 2015. (&lt;https://example.org/shiite-jihad&gt;)"
    ) in html


def test_duplicates_are_left_out_and_reported(client, editor, reviewer, profile):
    in_library = SourceFactory(
        title="Already in the library", url="https://example.org/library-work"
    )
    text = json.dumps(
        [
            # Note 1's work, its URL spelled another way.
            {
                "id": "again",
                "title": "Report 1 again",
                "URL": "https://EXAMPLE.org/reports/1/?utm_source=feed",
            },
            # Note 1's work by title and date, at another address.
            {
                "id": "mirror",
                "title": "report 1",
                "container-title": "Example Review",
                "issued": {"date-parts": [[2019, 3]]},
                "URL": "https://mirror.example.net/report-1",
            },
            {"id": "new", "title": "A new work", "URL": "https://example.org/new"},
            {"id": "twice", "title": "Pasted twice", "URL": "https://example.org/new"},
            {
                "id": "library",
                "title": "The library's work",
                "URL": "https://example.org/library-work",
            },
        ]
    )
    client.force_login(editor)

    checked = paste(client, profile, text, action="check").content.decode()
    response = paste(client, profile, text)

    for message in (
        "Left out: note 1 of this profile cites it already",
        "Left out: the same work as entry 3",
        f'New note, citing <a href="/sources/{in_library.pk}/">',
    ):
        assert message in checked
    change_request = ChangeRequest.objects.get(author=editor)
    (change,) = change_request.changes.all()
    assert [parse_note(row["text"])[1][0].title for row in change.value[1:]] == [
        "A new work",
        "The library's work",
    ]
    shown = client.get(response["Location"]).content.decode()
    assert (
        "2 notes proposed for review. One of them cites a work already in the library."
        in shown
    )
    assert (
        "Left out as duplicates: Entry 1 (id again): note 1 of this profile cites "
        "it already, Entry 2 (id mirror): note 1 of this profile cites it already, "
        "Entry 4 (id twice): the same work as entry 3."
    ) in shown

    workflow.approve(change_request, reviewer=reviewer)

    note = Citation.objects.get(profile=profile, number=3)
    assert list(note.sources.all()) == [in_library]
    assert Source.objects.filter(normalised_url=in_library.normalised_url).count() == 1


def test_a_paste_of_works_all_cited_already_proposes_nothing(client, editor, profile):
    client.force_login(editor)
    text = json.dumps([{"title": "Report 1", "URL": "https://example.org/reports/1"}])

    response = paste(client, profile, text)

    assert response.status_code == 200
    assert "Nothing to add: this profile cites every work pasted already." in (
        response.content.decode()
    )
    assert not ChangeRequest.objects.filter(author=editor).exists()


def test_errors_name_the_entry_and_nothing_is_written(client, editor, profile):
    client.force_login(editor)
    sources_before = Source.objects.count()
    text = BIBTEX + "@misc{smith2019, author = {Smith, Jane}, url = {https://e.org/x}}"

    response = paste(client, profile, text)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Entry 3 (BibTeX key smith2019): no title" in html
    assert "Nothing was proposed." in html
    assert not ChangeRequest.objects.filter(author=editor).exists()
    assert Source.objects.count() == sources_before


def test_the_profile_must_be_published(client, editor):
    client.force_login(editor)

    response = client.post(
        URL, {"profile": "no-such", "text": CSL_JSON, "action": "propose"}
    )

    assert "No published profile has this address name." in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_a_profile_address_names_the_profile(client, editor, profile):
    client.force_login(editor)

    response = client.post(
        URL,
        {
            "profile": f"https://example.org/profiles/{profile.slug}/edit/",
            "text": RIS,
            "action": "propose",
        },
    )

    assert response.status_code == 302
    assert ChangeRequest.objects.get(author=editor).profile == profile


def test_the_paste_is_bounded(client, editor, profile):
    client.force_login(editor)
    items = [{"title": f"W{n}", "URL": f"https://example.org/{n}"} for n in range(101)]

    response = paste(client, profile, json.dumps(items))

    assert "101 entries: paste at most 100 at a time." in response.content.decode()
    assert not ChangeRequest.objects.filter(author=editor).exists()


def test_get_shows_the_form_with_the_profile_filled_in_and_writes_nothing(
    client, editor, profile
):
    client.force_login(editor)

    response = client.get(URL, {"profile": profile.slug})

    assert response.status_code == 200
    assert f'value="{profile.slug}"' in response.content.decode()
    assert not ChangeRequest.objects.filter(author=editor).exists()


def test_anonymous_readers_are_sent_to_sign_in(client, profile):
    before = ChangeRequest.objects.count()

    for response in (client.get(URL), paste(client, profile, CSL_JSON)):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert ChangeRequest.objects.count() == before


def test_people_who_are_not_editors_are_refused(client, profile):
    reader = UserFactory(username="reader")
    client.force_login(reader)

    assert client.get(URL).status_code == 403
    assert paste(client, profile, CSL_JSON).status_code == 403
    assert not ChangeRequest.objects.filter(author=reader).exists()
