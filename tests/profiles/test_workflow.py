import pytest
from django.core.exceptions import ValidationError

from profiles import workflow
from profiles.models import ChangeRequest, Citation, Leader, Profile, ProposedChange
from sources.models import Source
from tests.factories import SourceFactory, profile_values, publish_profile

pytestmark = pytest.mark.django_db


def propose(profile, author, **values):
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary="Update",
        proposals={f: workflow.Proposal(v) for f, v in values.items()},
    )


def test_publish_import_creates_version_one_with_history_stamped():
    profile = publish_profile("Alpha Brigade", leaders=2, notes=2)

    assert profile.version == 1
    assert profile.slug == "alpha-brigade"
    version = profile.versions.get()
    assert version.number == 1
    assert version.snapshot["name"] == "Alpha Brigade"
    assert [c["number"] for c in version.snapshot["citations"]] == [1, 2]
    change_request = version.change_request
    assert change_request.status == ChangeRequest.Status.APPROVED
    assert change_request.published_version == 1
    assert profile.history.get().change_request == change_request
    assert {h.change_request_id for h in Leader.history.all()} == {change_request.pk}
    assert {h.change_request_id for h in Citation.history.all()} == {change_request.pk}
    assert set(change_request.changes.values_list("decision", flat=True)) == {
        ProposedChange.Decision.ACCEPTED
    }


def test_submit_records_only_changed_fields_and_leaves_published_data(editor, profile):
    source = SourceFactory()
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="New estimate",
        proposals={
            "size": workflow.Proposal(["About 900 fighters in 2021"], [source]),
            "name": workflow.Proposal(profile.name),
        },
    )

    change = change_request.changes.get()
    assert change.field == "size"
    assert list(change.sources.all()) == [source]
    assert change_request.base_version == 1
    assert change_request.status == ChangeRequest.Status.PENDING
    profile.refresh_from_db()
    assert profile.size == "About 500 fighters in 2019"
    assert profile.version == 1


def test_submit_refuses_when_nothing_changes(editor, profile):
    with pytest.raises(workflow.NothingToChange):
        propose(profile, editor, size=["About 500 fighters in 2019"])
    assert not ChangeRequest.objects.filter(author=editor).exists()


def test_submit_refuses_footnote_without_note(editor, profile):
    with pytest.raises(ValidationError) as error:
        propose(profile, editor, size=["About 900 fighters⁹"])
    assert error.value.message_dict == {"size": ["Footnote 9 has no note."]}
    assert not ChangeRequest.objects.filter(author=editor).exists()


def test_submit_requires_a_summary(editor, profile):
    with pytest.raises(ValidationError) as error:
        workflow.submit_change_request(
            profile=profile,
            author=editor,
            summary="  ",
            proposals={"size": workflow.Proposal(["More"])},
        )
    assert "summary" in error.value.message_dict


def test_approve_publishes_the_next_version(editor, reviewer, profile):
    change_request = propose(profile, editor, size=["About 900 fighters in 2021"])

    version = workflow.approve(change_request, reviewer=reviewer)

    profile.refresh_from_db()
    assert version.number == profile.version == 2
    assert profile.size == "About 900 fighters in 2021"
    latest = profile.history.latest()
    assert latest.change_request == change_request
    assert latest.history_user == reviewer
    change_request.refresh_from_db()
    assert change_request.reviewer == reviewer
    assert change_request.status == ChangeRequest.Status.APPROVED


def test_approve_refuses_own_change_request(reviewer, profile):
    change_request = propose(profile, reviewer, size=["Bigger"])

    with pytest.raises(workflow.NotAllowed):
        workflow.approve(change_request, reviewer=reviewer)

    profile.refresh_from_db()
    assert profile.version == 1


def test_approve_refuses_a_request_already_approved(editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    workflow.approve(change_request, reviewer=reviewer)

    with pytest.raises(workflow.InvalidTransition):
        workflow.approve(change_request, reviewer=reviewer)


def test_publish_import_refuses_an_editors_request(editor, profile):
    change_request = propose(profile, editor, size=["Bigger"])

    with pytest.raises(workflow.InvalidTransition):
        workflow.publish_import(change_request)


def test_leaders_are_updated_row_by_row(editor, reviewer):
    profile = publish_profile(leaders=3)
    leaders = profile_values(leaders=3)["leaders"]
    leaders[1] = {"name": "New Deputy", "aliases": [], "role": "is the deputy"}
    change_request = propose(profile, editor, leaders=leaders[:2])

    workflow.approve(change_request, reviewer=reviewer)

    assert list(profile.leaders.values_list("name", flat=True)) == [
        "Leader 1",
        "New Deputy",
    ]
    stamped = Leader.history.filter(change_request=change_request)
    assert sorted(stamped.values_list("history_type", "name")) == [
        ("-", "Leader 3"),
        ("~", "New Deputy"),
    ]


def test_notes_share_sources_by_normalised_url(editor, reviewer, profile):
    text = (
        "B. Author, “Same page,” *Example Review*, 2020. "
        "(<http://www.example.org/reports/1/>)"
    )
    change_request = propose(
        profile,
        editor,
        citations=[{"number": 1, "text": text}, {"number": 2, "text": text}],
        background="Text.¹ More.²",
    )

    workflow.approve(change_request, reviewer=reviewer)

    assert Source.objects.count() == 1
    source = Source.objects.get()
    assert source.citations.count() == 2
    assert source.title == "Report 1"  # the first description recorded is kept


def test_removing_a_note_records_its_sources_removal(editor, reviewer):
    profile = publish_profile(notes=2)
    change_request = propose(
        profile,
        editor,
        citations=profile_values(notes=1)["citations"],
        background="A small test group. Fact 1.¹",
    )

    workflow.approve(change_request, reviewer=reviewer)

    assert list(profile.citations.values_list("number", flat=True)) == [1]
    removed = Citation.history.get(change_request=change_request)
    assert (removed.number, removed.history_type) == (2, "-")


def test_new_profile_gets_a_unique_slug():
    publish_profile("Same Name")
    second = publish_profile("Same name")

    assert second.slug == "same-name-2"
    assert Profile.objects.count() == 2
