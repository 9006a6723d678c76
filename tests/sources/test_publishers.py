"""Publishers: the model's rules, the migration that gives public works
theirs, and a work's publisher found or recorded when it is published."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from sources import bibliography, grading
from sources.bibliography import publish_source, source_for, sources_for
from sources.citations import SourceEntry
from sources.models import (
    GradeProposalLogError,
    Publisher,
    PublisherGradeProposal,
    Source,
    publisher_key,
)
from tests.factories import SourceFactory, editor_user, reviewer_user

pytestmark = pytest.mark.django_db

fill_publishers = importlib.import_module(
    "sources.migrations.0006_publishers"
).fill_publishers


def entry(n: int, publication: str = "Example Review", url: str | None = None):
    return SourceEntry(
        authors="A. Writer",
        title=f"Report {n}",
        publication=publication,
        date="March 2019",
        url=f"https://example.org/r/{n}" if url is None else url,
    )


# The model --------------------------------------------------------------------


def test_publisher_key_ignores_case_and_spaces():
    assert publisher_key("  The  Long War\tJournal ") == "the long war journal"
    assert publisher_key("ÉCHO") == publisher_key("écho")


def test_publisher_names_are_unique_whatever_their_case():
    Publisher.objects.create(name="Reuters")
    with pytest.raises(IntegrityError), transaction.atomic():
        Publisher.objects.create(name="REUTERS ")


def test_a_graded_publisher_must_give_its_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        Publisher.objects.create(name="Reuters", grade="B")
    Publisher.objects.create(name="Reuters", grade="B", reason="Checks its facts.")


def test_a_publisher_grade_is_a_to_f():
    with pytest.raises(IntegrityError), transaction.atomic():
        Publisher.objects.create(name="Reuters", grade="G", reason="No such grade.")


def test_a_publisher_change_is_kept_in_its_history():
    publisher = Publisher.objects.create(name="Reuters")
    publisher.grade, publisher.reason = "B", "Checks its facts."
    publisher.save()
    assert [row.grade for row in publisher.history.all()] == ["B", ""]


def test_one_pending_grade_proposal_per_publisher():
    publisher = Publisher.objects.create(name="Reuters")
    editor = editor_user()
    PublisherGradeProposal.objects.create(
        publisher=publisher,
        grade="B",
        kind="news_agency",
        reason="x",
        proposed_by=editor,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PublisherGradeProposal.objects.create(
            publisher=publisher,
            grade="C",
            kind="outlet",
            reason="y",
            proposed_by=editor,
        )


def test_a_grade_proposal_is_never_decided_by_its_proposer():
    editor = editor_user()
    proposal = PublisherGradeProposal.objects.create(
        publisher=Publisher.objects.create(name="Reuters"),
        grade="B",
        kind="news_agency",
        reason="x",
        proposed_by=editor,
    )
    proposal.status, proposal.decided_by = "approved", editor
    proposal.decided_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal.save(update_fields=["status", "decided_by", "decided_at"])


def test_a_grade_proposal_keeps_what_it_proposed_and_is_never_deleted():
    proposal = PublisherGradeProposal.objects.create(
        publisher=Publisher.objects.create(name="Reuters"),
        grade="B",
        kind="news_agency",
        reason="x",
        proposed_by=editor_user(),
    )
    proposal.grade = "A"
    with pytest.raises(GradeProposalLogError):
        proposal.save()
    with pytest.raises(GradeProposalLogError):
        proposal.save(update_fields=["grade"])
    with pytest.raises(GradeProposalLogError):
        proposal.delete()
    with pytest.raises(GradeProposalLogError):
        PublisherGradeProposal.objects.all().delete()
    assert PublisherGradeProposal.objects.get().grade == "B"


def test_a_rejection_says_why():
    proposal = PublisherGradeProposal.objects.create(
        publisher=Publisher.objects.create(name="Reuters"),
        grade="B",
        kind="news_agency",
        reason="x",
        proposed_by=editor_user(),
    )
    proposal.status, proposal.decided_by = "rejected", reviewer_user()
    proposal.decided_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal.save(update_fields=["status", "decided_by", "decided_at"])


def test_sources_filter_and_sort_by_their_publishers_grade():
    graded = {
        letter: Publisher.objects.create(name=letter, grade=letter, reason="r")
        for letter in "ACF"
    }
    ungraded = Publisher.objects.create(name="Nobody yet")
    works = {
        name: SourceFactory(title=name, publisher=publisher)
        for name, publisher in [
            ("c", graded["C"]),
            ("f", graded["F"]),
            ("none", None),
            ("a", graded["A"]),
            ("blank", ungraded),
        ]
    }
    assert list(Source.objects.from_publisher_graded("A")) == [works["a"]]
    assert set(Source.objects.from_publisher_graded("")) == {
        works["none"],
        works["blank"],
    }
    ordered = [s.title for s in Source.objects.by_publisher_grade("title")]
    assert ordered == ["a", "c", "f", "blank", "none"]


# Grading words ----------------------------------------------------------------


def test_grade_labels_in_plain_words():
    assert grading.label("B", 2) == grading.GradeLabel(
        "B2", "B2: usually reliable source; probably true"
    )
    assert grading.label("B", None) == grading.GradeLabel(
        "B", "B: usually reliable source"
    )
    assert grading.label("", 3) == grading.GradeLabel(
        "3", "3: possibly true; publisher not graded"
    )
    assert grading.label("", None) is None


def test_a_threshold_lets_through_its_grade_and_better_only():
    b2 = grading.threshold("b2")
    assert str(b2) == "B2"
    passed = [
        f"{letter}{number}"
        for letter in "ABCDEF"
        for number in range(1, 7)
        if b2.met_by(letter, number)
    ]
    assert passed == ["A1", "A2", "B1", "B2"]
    assert not b2.met_by("", 1)
    assert not b2.met_by("A", None)
    assert grading.threshold("F6") is None
    assert grading.threshold("B2; drop") is None


def test_the_best_letter_leaves_out_the_unjudged():
    assert grading.best_letter(["D", "", "B", "F"]) == "B"
    assert grading.best_letter(["F", ""]) == ""


# The migration ----------------------------------------------------------------


def test_the_migration_gives_each_public_work_its_publisher():
    now = timezone.now()
    first = SourceFactory(publication="The Long War Journal")
    second = SourceFactory(publication="the long  war journal")
    other = SourceFactory(publication="Reuters")
    private = SourceFactory(publication="Secret Weekly", published_at=None)
    nameless = SourceFactory(publication="", title="Untitled")
    kept = Publisher.objects.create(name="REUTERS", grade="B", reason="r")
    Source.objects.filter(pk__in=[first.pk, second.pk, other.pk]).update(publisher=None)

    fill_publishers(apps, None)

    works = {s.pk: s.publisher for s in Source.objects.select_related("publisher")}
    assert works[first.pk].name == "The Long War Journal"
    assert works[second.pk] == works[first.pk]
    assert works[other.pk] == kept
    assert works[private.pk] is None
    assert works[nameless.pk] is None
    assert sorted(Publisher.objects.values_list("name", "grade")) == [
        ("REUTERS", "B"),
        ("The Long War Journal", ""),
    ]
    created = works[first.pk].history.get()
    assert (created.history_type, created.history_date >= now) == ("+", True)
    # Run again, it changes nothing.
    fill_publishers(apps, None)
    assert Publisher.objects.count() == 2


# Publishing ---------------------------------------------------------------------


def test_a_private_work_has_no_publisher_until_published():
    source = source_for(entry(1, "Example Review"))
    assert source.published_at is None
    assert source.publisher is None
    assert not Publisher.objects.exists()

    publish_source(source, at=timezone.now())

    source.refresh_from_db()
    assert source.publisher.name == "Example Review"
    assert source.history.first().publisher_id == source.publisher_id


def test_publishing_finds_the_publisher_of_the_same_name():
    known = Publisher.objects.create(name="example review", grade="C", reason="r")
    source = source_for(entry(1, "Example  REVIEW"))
    publish_source(source, at=timezone.now())
    assert Source.objects.get(pk=source.pk).publisher == known
    assert Publisher.objects.count() == 1


def test_a_note_describing_a_private_work_names_its_publisher():
    source = source_for(entry(1, "Draft Name"))
    publish_source(source, at=timezone.now(), described_as=entry(1, "Approved Name"))
    assert Source.objects.get(pk=source.pk).publisher.name == "Approved Name"
    assert list(Publisher.objects.values_list("name", flat=True)) == ["Approved Name"]


def test_a_work_without_a_publication_gets_no_publisher():
    source = source_for(entry(1, ""))
    publish_source(source, at=timezone.now())
    assert Source.objects.get(pk=source.pk).publisher is None


def test_publishing_a_public_work_again_looks_nothing_up(django_assert_num_queries):
    source = SourceFactory()
    with django_assert_num_queries(0):
        publish_source(source, at=timezone.now())


def test_works_created_public_get_their_publishers_in_one_lookup(
    django_assert_num_queries,
):
    Publisher.objects.create(name="Example Review")
    entries = [entry(n, "Example Review" if n % 2 else "Other Paper") for n in range(6)]
    # The works' URLs, the publishers' names (one query for both), the new
    # publisher (savepoint, insert, release), its history, the works
    # (savepoint, insert, release), their history.
    with django_assert_num_queries(10):
        found = sources_for(entries, published_at=timezone.now())
    assert [s.publisher.name for s in found] == [
        "Other Paper",
        "Example Review",
    ] * 3
    assert Source.objects.filter(publisher__isnull=False).count() == 6
    other = Publisher.objects.get(name="Other Paper")
    assert other.history.get().history_type == "+"
    assert {row.publisher_id for row in Source.history.all()} == {
        other.pk,
        Publisher.objects.get(name="Example Review").pk,
    }


def test_works_created_private_get_no_publisher():
    found = sources_for([entry(1), entry(2)])
    assert [s.publisher for s in found] == [None, None]
    assert not Publisher.objects.exists()


def test_a_work_without_url_created_public_gets_its_publisher():
    found = sources_for(
        [entry(1, "Example Review", url=""), entry(2, "example review", url="")],
        published_at=timezone.now(),
    )
    assert found[0].publisher == found[1].publisher
    assert found[0].publisher.name == "Example Review"


def test_works_created_public_keep_their_publishers_history_with_theirs():
    kept = []
    sources_for(
        [entry(1, "New Paper")],
        published_at=timezone.now(),
        keep=lambda write, rows: kept.append((write.__name__, rows)),
    )
    assert [name for name, _ in kept] == ["write_publisher_history", "write_history"]
    assert not Publisher.history.exists()
    for write_name, rows in kept:
        getattr(bibliography, write_name)(rows)
    assert Publisher.history.get().name == "New Paper"
