"""Tests for possible duplicate sources and their reviewed merge
(`profiles.workflow.source_merge`, `/sources/duplicates/`), and for the
migration that recomputes the sources' URL keys."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from profiles import page_cache, workflow
from profiles.document import superscript
from profiles.models import (
    Citation,
    CitationSource,
    Profile,
    SearchText,
)
from profiles.search.indexing import source_text
from profiles.views import source_duplicates
from profiles.workflow.source_merge import merge_sources
from profiles.workflow.states import NotAllowed
from sources import duplicates
from sources.models import MergeLogError, Source, SourceArchive, SourceMerge
from tests.factories import SourceFactory, profile_values, publish_values

renormalising = importlib.import_module("sources.migrations.0004_renormalise_urls")


def old_style(url: str, key: str) -> Source:
    """A source with `url` stored under `key`, as an older rule left it (the
    rule of today would refuse to store the second work of a key)."""
    source = SourceFactory()
    Source.objects.filter(pk=source.pk).update(url=url, normalised_url=key)
    source.refresh_from_db()
    return source


@pytest.mark.django_db
def test_the_migration_recomputes_an_old_style_key():
    source = old_style(
        "https://example.org/a?igshid=xyz&id=1", "https://example.org/a?id=1&igshid=xyz"
    )
    untouched = SourceFactory(url="https://example.org/b")

    renormalising.renormalise_urls(apps, None)

    source.refresh_from_db()
    assert source.normalised_url == "https://example.org/a?id=1"
    assert Source.objects.get(pk=untouched.pk).normalised_url == (
        "https://example.org/b"
    )


@pytest.mark.django_db
def test_the_migration_keeps_a_key_for_its_holder_and_marks_the_duplicate():
    holder = SourceFactory(url="https://example.org/a")
    later = old_style(
        "https://example.org/a?mc_cid=1", "https://example.org/a?mc_cid=1"
    )

    renormalising.renormalise_urls(apps, None)

    holder.refresh_from_db()
    later.refresh_from_db()
    assert holder.normalised_url == "https://example.org/a"
    assert later.normalised_url == f"https://example.org/a #duplicate-{later.pk}"


@pytest.mark.django_db
def test_the_migration_gives_a_freed_key_to_the_oldest_and_swaps_keys_safely():
    first = old_style("https://www.www.example.org/a", "https://www.example.org/a")
    second = old_style(
        "https://example.org/a?fbclid=1&utm_x=2&ref_src=t",
        "https://example.org/a?ref_src=t",
    )

    renormalising.renormalise_urls(apps, None)

    assert dict(Source.objects.values_list("pk", "normalised_url")) == {
        first.pk: "https://example.org/a",
        second.pk: f"https://example.org/a #duplicate-{second.pk}",
    }


@pytest.mark.django_db
def test_the_migration_leaves_a_waiting_duplicate_waiting():
    holder = SourceFactory(url="https://example.org/a")
    waiting = old_style("https://example.org/a?igsh=1", "")
    Source.objects.filter(pk=waiting.pk).update(
        normalised_url=f"https://example.org/a #duplicate-{waiting.pk}"
    )

    assert (
        renormalising.new_keys(
            Source.objects.values_list("pk", "url", "normalised_url")
        )
        == {}
    )
    assert holder.normalised_url == "https://example.org/a"


@pytest.mark.django_db
def test_a_waiting_duplicate_keeps_its_key_when_saved():
    SourceFactory(url="https://example.org/a")
    waiting = old_style("https://example.org/a?igsh=1", "")
    Source.objects.filter(pk=waiting.pk).update(
        normalised_url=f"https://example.org/a #duplicate-{waiting.pk}"
    )
    waiting.refresh_from_db()

    waiting.title = "Described again"
    waiting.save()

    waiting.refresh_from_db()
    assert waiting.normalised_url == f"https://example.org/a #duplicate-{waiting.pk}"


# Listing and merging --------------------------------------------------------

URL_A = "https://example.org/reports/a"
URL_B = "https://mirror.example.net/copies/a"
URL_C = "https://example.org/reports/c"
DUPLICATES = "/sources/duplicates/"


def note(number: int, *urls: str, title: str = "Report A", date: str = "March 2019"):
    """A note citing each URL as a work titled `title` of `date`."""
    works = "; ".join(
        f"A. Writer, “{title},” *Example Review*, {date}. (<{url}>)" for url in urls
    )
    return {"number": number, "text": works}


def published(name: str, *notes: dict) -> Profile:
    marks = "".join(f" Fact {superscript(n['number'])}." for n in notes)
    return publish_values(
        profile_values(name, notes=0, background=f"Text.{marks}", citations=list(notes))
    )


def cited(profile: Profile) -> dict[int, list[tuple[int, int]]]:
    """Each note's links, by number: (source id, position), in order."""
    links = CitationSource.objects.filter(citation__profile=profile).order_by(
        "citation__number", "position"
    )
    found: dict[int, list[tuple[int, int]]] = {}
    for link in links.values_list("citation__number", "source_id", "position"):
        found.setdefault(link[0], []).append(link[1:])
    return found


@pytest.fixture
def two_copies(db):
    """One work at two URLs (same title and date): profile one cites the
    first, profile two the second, and its note 2 both (the second first)
    around another work."""
    one = published("First Brigade", note(1, URL_A), note(2, URL_C, title="Other"))
    two = published("Second Brigade", note(1, URL_B), note(2, URL_B, URL_A, URL_C))
    first = Source.objects.get(normalised_url=URL_A)
    second = Source.objects.get(normalised_url=URL_B)
    other = Source.objects.get(normalised_url=URL_C)
    return SimpleNamespace(one=one, two=two, first=first, second=second, other=other)


def test_merge_keeps_every_citation(two_copies, reviewer):
    c = two_copies
    before = {profile.pk: cited(profile) for profile in (c.one, c.two)}
    assert before[c.two.pk][2] == [(c.second.pk, 0), (c.first.pk, 1), (c.other.pk, 2)]

    record = merge_sources(c.first, [c.second], by=reviewer)

    assert cited(c.one) == before[c.one.pk]
    assert cited(c.two) == {
        1: [(c.first.pk, 0)],
        # the merged work's place, the kept one's link dropped, renumbered
        2: [(c.first.pk, 0), (c.other.pk, 1)],
    }
    assert not Source.objects.filter(pk=c.second.pk).exists()
    assert record.kept == c.first.pk
    assert record.by == reviewer
    assert record.notes_moved == 2
    assert record.merged == [
        {
            "id": c.second.pk,
            "authors": "A. Writer",
            "title": "Report A",
            "publication": "Example Review",
            "date": "March 2019",
            "url": URL_B,
        }
    ]


def test_no_note_that_cited_a_merged_source_is_left_without_the_kept_one(
    two_copies, reviewer
):
    c = two_copies
    citing = set(
        CitationSource.objects.filter(
            source_id__in=[c.first.pk, c.second.pk]
        ).values_list("citation_id", flat=True)
    )

    merge_sources(c.first, [c.second], by=reviewer)

    links = CitationSource.objects.filter(citation_id__in=citing)
    assert (
        set(links.filter(source=c.first).values_list("citation_id", flat=True))
        == citing
    )
    assert links.filter(source_id=c.second.pk).count() == 0
    assert links.filter(source=c.first).count() == len(citing)  # one link each


def test_merge_keeps_the_merged_sources_in_history(two_copies, reviewer):
    c = two_copies
    merge_sources(c.first, [c.second], by=reviewer)

    gone = Source.history.filter(id=c.second.pk).latest()
    assert gone.history_type == "-"
    assert gone.history_user == reviewer
    assert gone.history_change_reason == f"Merged into source {c.first.pk}."
    assert gone.url == URL_B
    moved = CitationSource.history.filter(source_id=c.first.pk, history_type="~")
    assert moved.filter(history_user=reviewer).exists()


def test_merge_moves_the_search_rows_to_the_kept_source(two_copies, reviewer):
    c = two_copies
    assert SearchText.objects.filter(source_id=c.second.pk).exists()

    merge_sources(c.first, [c.second], by=reviewer)

    assert not SearchText.objects.filter(source_id=c.second.pk).exists()
    assert list(
        SearchText.objects.filter(source_id=c.first.pk).values_list("text", flat=True)
    ) == [source_text(c.first).text]


def test_merge_moves_change_requests_and_archive_copies(two_copies, reviewer, editor):
    c = two_copies
    request = workflow.submit_change_request(
        profile=c.one,
        author=editor,
        summary="Sources for two fields",
        proposals={
            "size": workflow.Proposal(["About 600 fighters"], [c.second]),
            "weapons": workflow.Proposal(["Rifles"], [c.first, c.second]),
        },
    )
    day = datetime.date(2020, 1, 2)
    for source, url in [(c.first, 1), (c.second, 1), (c.second, 2)]:
        SourceArchive.objects.create(
            source=source, url=f"https://archive.example/{url}", archived_on=day
        )

    merge_sources(c.first, [c.second], by=reviewer)

    for change in request.changes.all():
        assert list(change.sources.all()) == [c.first]
    assert list(c.first.archives.values_list("url", "position")) == [
        ("https://archive.example/1", 0),
        ("https://archive.example/2", 1),
    ]


def test_merging_a_public_source_into_a_private_one_makes_it_public(
    two_copies, reviewer
):
    c = two_copies
    private = SourceFactory(title="Report A", date="March 2019", published_at=None)

    merge_sources(private, [c.first, c.second], by=reviewer)

    private.refresh_from_db()
    assert private.published_at == min(c.first.published_at, c.second.published_at)
    assert set(private.citations.values_list("profile__name", flat=True)) == {
        "First Brigade",
        "Second Brigade",
    }


def test_a_waiting_duplicate_kept_takes_the_key_of_the_work_merged(reviewer):
    holder = SourceFactory(url=URL_A)
    waiting = old_style(f"{URL_A}?igsh=1", f"{URL_A} #duplicate-0")
    Source.objects.filter(pk=waiting.pk).update(
        normalised_url=f"{URL_A} #duplicate-{waiting.pk}"
    )
    waiting.refresh_from_db()

    merge_sources(waiting, [holder], by=reviewer)

    assert Source.objects.get(pk=waiting.pk).normalised_url == URL_A
    assert Source.objects.matching(SourceFactory.build(url=URL_A).as_entry()).get() == (
        waiting
    )


def test_a_key_freed_by_a_merge_goes_to_the_oldest_work_waiting_for_it(reviewer):
    holder = SourceFactory(url=URL_A, title="Same", date="2019")
    elsewhere = SourceFactory(url=URL_C, title="Same", date="2019")
    waiting = old_style(f"{URL_A}?igsh=1", "")
    Source.objects.filter(pk=waiting.pk).update(
        normalised_url=f"{URL_A} #duplicate-{waiting.pk}"
    )

    merge_sources(elsewhere, [holder], by=reviewer)

    assert Source.objects.get(pk=waiting.pk).normalised_url == URL_A


def test_merge_refuses_what_is_not_a_merge(reviewer):
    kept, other = SourceFactory(), SourceFactory()
    with pytest.raises(ValidationError) as nothing:
        merge_sources(kept, [], by=reviewer)
    assert "others" in nothing.value.message_dict
    with pytest.raises(ValidationError) as itself:
        merge_sources(kept, [kept, other], by=reviewer)
    assert "others" in itself.value.message_dict
    gone = SourceFactory()
    gone.delete()
    with pytest.raises(ValidationError) as missing:
        merge_sources(kept, [gone], by=reviewer)
    assert str(gone.pk) in missing.value.message_dict["others"][0]
    assert Source.objects.count() == 2
    assert SourceMerge.objects.count() == 0


def test_merge_is_for_reviewers_only(editor):
    kept, other = SourceFactory(), SourceFactory()
    with pytest.raises(NotAllowed):
        merge_sources(kept, [other], by=editor)
    assert Source.objects.filter(pk=other.pk).exists()


def test_the_merge_log_is_append_only(two_copies, reviewer):
    record = merge_sources(two_copies.first, [two_copies.second], by=reviewer)
    with pytest.raises(MergeLogError):
        record.save()
    with pytest.raises(MergeLogError):
        record.delete()
    with pytest.raises(MergeLogError):
        SourceMerge.objects.update(notes_moved=0)
    with pytest.raises(MergeLogError):
        SourceMerge.objects.all().delete()


def test_a_merge_moves_the_page_cache_on(two_copies, reviewer):
    before = page_cache._published_state(two_copies.two.slug)
    newest = page_cache._newest_state()

    record = merge_sources(two_copies.first, [two_copies.second], by=reviewer)

    after = page_cache._published_state(two_copies.two.slug)
    assert after.etag != before.etag
    assert f"-m{record.pk}" in after.etag
    assert page_cache._newest_state().etag != newest.etag


def test_an_anonymous_reader_gets_the_merged_profile_page(client, two_copies, reviewer):
    url = two_copies.two.get_absolute_url()
    first = client.get(url)
    assert URL_B in first.content.decode()
    etag = first["ETag"]

    merge_sources(two_copies.first, [two_copies.second], by=reviewer)

    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag


# The page ---------------------------------------------------------------------


def groups_on(response) -> list[tuple[str, list[int]]]:
    return [
        (group.rule, [member.source.pk for member in group.members])
        for group in response.context["groups"]
    ]


def test_duplicates_by_url_are_listed(client, reviewer):
    holder = SourceFactory(url=URL_A, title="One")
    waiting = old_style(f"{URL_A}?igsh=1", "")
    Source.objects.filter(pk=waiting.pk).update(
        normalised_url=f"{URL_A} #duplicate-{waiting.pk}", title="Two"
    )
    SourceFactory(url=URL_C)
    client.force_login(reviewer)

    response = client.get(DUPLICATES)

    assert response.status_code == 200
    assert groups_on(response) == [("url", [holder.pk, waiting.pk])]
    assert "Same URL: 2 sources" in response.content.decode()


def test_duplicates_by_title_and_date_are_listed(client, reviewer):
    first = SourceFactory(title="The Report  on Militias", date="March 2019")
    second = SourceFactory(title="the report on militias", date="2019-03")
    third = SourceFactory(title="THE REPORT ON\tMILITIAS", date="2019-03")
    SourceFactory(title="The report on militias", date="April 2019")
    SourceFactory(title="Undated", date="")
    SourceFactory(title="Undated", date="")
    client.force_login(reviewer)

    response = client.get(DUPLICATES)

    assert groups_on(response) == [("title", [first.pk, second.pk, third.pk])]


def test_no_duplicates_no_groups(client, reviewer):
    SourceFactory()
    SourceFactory()
    client.force_login(reviewer)

    response = client.get(DUPLICATES)

    assert groups_on(response) == []
    assert "No possible duplicates." in response.content.decode()


def test_the_page_shows_each_sources_notes(client, reviewer, two_copies):
    client.force_login(reviewer)

    response = client.get(DUPLICATES)

    (group,) = response.context["groups"]
    assert [(m.source.pk, m.notes) for m in group.members] == [
        (two_copies.first.pk, 2),
        (two_copies.second.pk, 2),
    ]


def make_title_groups(count: int, *, start: int = 0) -> None:
    for n in range(start, start + count):
        for _ in range(3):
            source = SourceFactory(title=f"Group {n}", date="2019")
            link = Citation.objects.create(
                profile=Profile.objects.create(
                    name=f"P{source.pk}", slug=f"p{source.pk}"
                ),
                number=1,
                text="x",
            )
            CitationSource.objects.create(citation=link, source=source)


def make_url_group(n: int) -> None:
    url = f"https://example.org/waiting/{n}"
    SourceFactory(url=url)
    waiting = old_style(f"{url}?igsh=1", "")
    Source.objects.filter(pk=waiting.pk).update(
        normalised_url=f"{url} #duplicate-{waiting.pk}"
    )


def test_the_page_costs_the_same_queries_however_many_groups(client, reviewer):
    client.force_login(reviewer)
    make_title_groups(2)
    make_url_group(1)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(DUPLICATES).context["groups"]) == 3
    make_title_groups(6, start=2)
    for n in range(2, 6):
        make_url_group(n)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(DUPLICATES).context["groups"]) == 13
    assert len(many) == len(few)


def test_the_page_is_paginated(client, reviewer, monkeypatch):
    monkeypatch.setattr(source_duplicates, "PER_PAGE", 2)
    make_title_groups(3)
    client.force_login(reviewer)

    second = client.get(DUPLICATES, {"page": 2})

    assert [g.members[0].source.title for g in second.context["groups"]] == ["Group 2"]
    assert second.context["page_obj"].paginator.count == 3


def test_a_group_shows_a_bounded_number_of_sources(client, reviewer, monkeypatch):
    monkeypatch.setattr(duplicates, "MEMBERS_SHOWN", 3)
    for _ in range(5):
        SourceFactory(title="Crowded", date="2019")
    client.force_login(reviewer)

    (group,) = client.get(DUPLICATES).context["groups"]

    assert (group.size, len(group.members)) == (5, 3)


def test_a_reviewer_merges_from_the_page(client, reviewer, two_copies):
    c = two_copies
    client.force_login(reviewer)

    response = client.post(
        DUPLICATES,
        {
            "rule": "title",
            "keep": c.first.pk,
            "merge": [c.first.pk, c.second.pk],
            "page": 1,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{DUPLICATES}?page=1"
    assert not Source.objects.filter(pk=c.second.pk).exists()
    record = SourceMerge.objects.get()
    assert (record.kept, record.by) == (c.first.pk, reviewer)
    assert [m.message for m in get_messages(response.wsgi_request)] == [
        f"Merged 1 source into “{c.first}”: 2 note links moved."
    ]
    assert groups_on(client.get(DUPLICATES)) == []


def test_the_page_refuses_sources_of_no_group(client, reviewer, two_copies):
    c = two_copies
    client.force_login(reviewer)

    response = client.post(
        DUPLICATES, {"rule": "title", "keep": c.first.pk, "merge": [c.other.pk]}
    )

    assert response.status_code == 400
    assert "Sources to merge into it: These sources are not one group" in (
        response.content.decode()
    )
    assert Source.objects.filter(pk=c.other.pk).exists()
    assert SourceMerge.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rule": "title", "merge": ["1"]}, "Source to keep"),
        ({"rule": "title", "keep": "KEEP"}, "Sources to merge into it"),
        (
            {"rule": "title", "keep": "KEEP", "merge": ["KEEP"]},
            "Sources to merge into it",
        ),
        ({"rule": "colour", "keep": "KEEP", "merge": ["OTHER"]}, "Rule"),
        ({"rule": "title", "keep": "999999", "merge": ["OTHER"]}, "Source to keep"),
    ],
)
def test_a_bad_merge_names_its_field(client, reviewer, two_copies, data, field):
    c = two_copies
    swap = {"KEEP": str(c.first.pk), "OTHER": str(c.second.pk)}
    data = {
        key: [swap.get(v, v) for v in value]
        if isinstance(value, list)
        else swap.get(value, value)
        for key, value in data.items()
    }
    client.force_login(reviewer)

    response = client.post(DUPLICATES, data)

    assert response.status_code == 400
    assert f"{field}: " in response.content.decode()
    assert Source.objects.count() == 3
    assert SourceMerge.objects.count() == 0


def test_get_does_not_merge(client, reviewer, two_copies):
    c = two_copies
    client.force_login(reviewer)

    response = client.get(
        DUPLICATES, {"rule": "title", "keep": c.first.pk, "merge": c.second.pk}
    )

    assert response.status_code == 200
    assert Source.objects.filter(pk=c.second.pk).exists()
    assert SourceMerge.objects.count() == 0


def test_anonymous_people_are_sent_to_sign_in(client, two_copies):
    c = two_copies
    assert client.get(DUPLICATES).status_code == 302
    response = client.post(
        DUPLICATES, {"rule": "title", "keep": c.first.pk, "merge": c.second.pk}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Source.objects.filter(pk=c.second.pk).exists()


def test_editors_are_refused(client, editor, two_copies):
    c = two_copies
    client.force_login(editor)
    assert client.get(DUPLICATES).status_code == 403
    response = client.post(
        DUPLICATES, {"rule": "title", "keep": c.first.pk, "merge": c.second.pk}
    )
    assert response.status_code == 403
    assert Source.objects.filter(pk=c.second.pk).exists()
    assert SourceMerge.objects.count() == 0


def test_the_merge_form_needs_its_csrf_token(reviewer, two_copies):
    c = two_copies
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)

    response = client.post(
        DUPLICATES, {"rule": "title", "keep": c.first.pk, "merge": c.second.pk}
    )

    assert response.status_code == 403
    assert Source.objects.filter(pk=c.second.pk).exists()
