"""Nothing reaches a reader before a reviewer approves it.

A database holds requests in every state that must stay private (pending,
changes requested, withdrawn, rejected, a field refused in an approved
request, a new profile not yet approved), each carrying marker words in its
values and in the sources it cites. Every URL of the site, filled in with
every row, is then read as an anonymous visitor and as an editor who wrote
none of them: no marker may appear anywhere.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from profiles import queries, workflow
from profiles.models import ChangeRequest
from profiles.serializers import profile_values
from sources.citations import SourceEntry
from sources.models import Source
from tests.factories import SourceFactory, editor_user, publish_profile, reviewer_user
from tests.walk import urls

pytestmark = pytest.mark.django_db

#: A word in each private value and source; searches look for it, and since a
#: search page repeats its query, each private value also carries the word
#: with "hidden" appended, which only a leak can show.
MARKERS = {
    "pending": "zqxpendingvalue",
    "pending source": "zqxpendingsource",
    "changes requested": "zqxsentbackvalue",
    "withdrawn": "zqxwithdrawnvalue",
    "withdrawn source": "zqxwithdrawnsource",
    "rejected": "zqxrejectedvalue",
    "rejected source": "zqxrejectedsource",
    "refused field": "zqxrefusedfield",
    "refused source": "zqxrefusedsource",
    "new profile": "zqxnewprofile",
}


def marked(marker: str) -> str:
    return f"{marker} {marker}hidden"


def marked_source(marker: str) -> SourceEntry:
    return SourceEntry(
        title=f"Report {marked(marker)}",
        publication=f"{marked(marker)} Weekly",
        url=f"https://{marker}hidden.example/report",
    )


def propose(profile, author, *, summary="A change", **fields) -> ChangeRequest:
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary=summary,
        proposals={
            name: workflow.Proposal(value, [source])
            for name, (value, source) in fields.items()
        },
    )


@pytest.fixture
def private_requests():
    """A published profile and requests, in every private state, by `author`."""
    profile = publish_profile()
    author, reviewer = editor_user(username="author"), reviewer_user()
    published_source = SourceFactory()
    propose(
        profile,
        author,
        summary=f"Pending {marked(MARKERS['pending'])}",
        size=(
            [f"About 800 {marked(MARKERS['pending'])}"],
            marked_source(MARKERS["pending source"]),
        ),
    )
    sent_back = propose(
        profile,
        author,
        weapons=([marked(MARKERS["changes requested"])], published_source),
    )
    workflow.request_changes(sent_back, reviewer=reviewer, comment="Cite better")
    withdrawn = propose(
        profile,
        author,
        founding=(
            [marked(MARKERS["withdrawn"])],
            marked_source(MARKERS["withdrawn source"]),
        ),
    )
    workflow.withdraw(withdrawn, by=author)
    rejected = propose(
        profile,
        author,
        atrocities=(
            [marked(MARKERS["rejected"])],
            marked_source(MARKERS["rejected source"]),
        ),
    )
    workflow.reject(rejected, reviewer=reviewer, reason="Unsupported")
    partly = propose(
        profile,
        author,
        political_wing=(["A published wing"], published_source),
        areas_of_operation=(
            [marked(MARKERS["refused field"])],
            marked_source(MARKERS["refused source"]),
        ),
    )
    workflow.approve(
        partly,
        reviewer=reviewer,
        decisions={
            "areas_of_operation": workflow.FieldDecision(accept=False, reason="No")
        },
    )
    workflow.submit_change_request(
        profile=None,
        author=author,
        summary="New",
        proposals={
            "name": workflow.Proposal(
                f"Brigade {marked(MARKERS['new profile'])}", [published_source]
            )
        },
    )
    return profile


def leaked(client) -> dict[str, list[str]]:
    """Marker -> the URLs whose answer shows it."""
    found: dict[str, list[str]] = {}
    for url in [
        *urls(),
        *(f"/search/?q={marker}" for marker in MARKERS.values()),
        *(f"/profiles/?q={marker}" for marker in MARKERS.values()),
        *(f"/sources/?q={marker}" for marker in MARKERS.values()),
        *(f"/sources/?sort={sort}" for sort in ("publication", "date", "cited")),
        "/profiles/test-brigade/compare/?from=1&to=2",
    ]:
        body = client.get(url).content.decode(errors="replace").lower()
        for marker in MARKERS.values():
            if f"{marker}hidden" in body:
                found.setdefault(marker, []).append(url)
    return found


def test_the_walk_reaches_the_pages_readers_use(private_requests):
    walked = set(urls())

    for url in [
        "/",
        "/profiles/test-brigade/",
        "/profiles/test-brigade/versions/2/",
        "/profiles/test-brigade/fields/areas_of_operation/",
        "/profiles/test-brigade/export.md",
        "/sources/",
        "/api/v1/profiles/test-brigade/",
        "/changes/feed/",
        "/sitemap.xml",
    ]:
        assert url in walked
    for source in Source.objects.all():
        assert f"/sources/{source.pk}/" in walked


def test_anonymous_readers_see_nothing_unapproved(client, private_requests):
    assert leaked(client) == {}


def test_another_editor_sees_nothing_of_someone_elses_requests(
    client, private_requests
):
    client.force_login(editor_user(username="bystander"))

    assert leaked(client) == {}


def test_the_author_still_sees_their_own_pending_request(client, private_requests):
    """The walk would find leaks if there were any: the markers are there for
    the people the request belongs to."""
    client.force_login(get_user_model().objects.get(username="author"))
    request = ChangeRequest.objects.get(summary__contains=MARKERS["pending"])

    html = client.get(reverse("review:detail", args=[request.pk])).content.decode()

    assert MARKERS["pending"] in html
    assert MARKERS["pending source"] in html.lower()


def test_sources_of_private_requests_are_not_found(client, private_requests):
    private = Source.objects.filter(published_at__isnull=True)

    assert sorted(private.values_list("url", flat=True)) == sorted(
        f"https://{MARKERS[k]}hidden.example/report"
        for k in (
            "pending source",
            "withdrawn source",
            "rejected source",
            "refused source",
        )
    )
    for source in private:
        assert client.get(f"/sources/{source.pk}/").status_code == 404


def test_approving_a_request_makes_its_new_source_public(client):
    profile = publish_profile()
    change_request = propose(
        profile,
        editor_user(),
        size=(["About 900"], marked_source("zqxapproved")),
    )
    source = Source.objects.get(url="https://zqxapprovedhidden.example/report")
    assert client.get(f"/sources/{source.pk}/").status_code == 404

    workflow.approve(change_request, reviewer=reviewer_user())

    source.refresh_from_db()
    assert source.published_at is not None
    assert client.get(f"/sources/{source.pk}/").status_code == 200
    assert "zqxapproved" in client.get("/sources/").content.decode().lower()


def test_a_note_publishing_a_private_work_describes_it_as_the_note_does(client):
    """A work first recorded by a request still private keeps no words of
    that request once a published note cites it: the note's are shown."""
    profile = publish_profile()
    propose(
        profile,
        editor_user(),
        size=(["About 900"], marked_source("zqxunreviewed")),
    )
    values = profile_values(queries.profile_record(profile.pk))
    note = {
        "number": 2,
        "text": "B. Author, “Reviewed Title,” *Reviewed Daily*, 2020. "
        "(<https://zqxunreviewedhidden.example/report>)",
    }
    values["background"] += " More.²"
    change_request = propose(
        profile,
        editor_user(),
        citations=([*values["citations"], note], SourceFactory()),
        background=(values["background"], SourceFactory()),
    )
    workflow.approve(change_request, reviewer=reviewer_user())

    source = Source.objects.get(url="https://zqxunreviewedhidden.example/report")
    assert (source.title, source.publication) == ("Reviewed Title", "Reviewed Daily")
    assert "zqxunreviewedhidden Weekly" not in client.get("/sources/").content.decode()
