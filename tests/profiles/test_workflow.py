import pytest
from django.core.exceptions import ValidationError

from profiles import workflow
from profiles.models import (
    ChangeRequest,
    Citation,
    Leader,
    Notification,
    Profile,
    ProposedChange,
)
from profiles.workflow import publishing
from sources.citations import SourceEntry
from sources.models import Source
from tests.factories import (
    SourceFactory,
    UserFactory,
    editor_user,
    profile_values,
    publish_profile,
)

pytestmark = pytest.mark.django_db


def propose(profile, author, **values):
    """An edit-form request citing a fresh source for every field; notes are
    supported by the works they cite."""
    source = SourceFactory()
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary="Update",
        proposals={
            f: workflow.Proposal(v, [] if f == "citations" else [source])
            for f, v in values.items()
        },
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

    source = Source.objects.get(normalised_url="https://example.org/reports/1")
    assert source.citations.count() == 2
    assert source.title == "Report 1"  # the first description recorded is kept


def test_removing_a_note_records_its_sources_removal(editor, reviewer):
    profile = publish_profile(notes=2)
    first_note_source = profile.citations.get(number=1).sources.get()
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="Drop note 2",
        proposals={
            "citations": workflow.Proposal(profile_values(notes=1)["citations"]),
            "background": workflow.Proposal(
                "A small test group. Fact 1.¹", [first_note_source]
            ),
        },
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


def test_a_slug_taken_between_look_up_and_insert_is_retried(monkeypatch):
    """Another approval can publish a profile of the same name between our
    look-up of a free slug and our insert: the next free one is taken."""
    publish_profile("Same Name")
    look_up = publishing._unique_slug
    answers = iter(["same-name"])  # the first look-up misses the new row
    monkeypatch.setattr(
        publishing, "_unique_slug", lambda name: next(answers, None) or look_up(name)
    )

    second = publish_profile("Same name")

    assert second.slug == "same-name-2"
    assert second.history.get().slug == "same-name-2"


def test_a_long_name_gets_a_slug_that_fits():
    published = publish_profile("Brigade " + "x" * 190)

    assert len(published.slug) <= 200
    assert published.slug.startswith("brigade-xxx")


def test_submit_refuses_a_change_without_a_source(editor, profile):
    with pytest.raises(ValidationError) as error:
        workflow.submit_change_request(
            profile=profile,
            author=editor,
            summary="Unsourced",
            proposals={
                "size": workflow.Proposal(["Bigger"]),
                "weapons": workflow.Proposal(["Rifles"], [SourceFactory()]),
            },
        )
    assert error.value.message_dict == {
        "size": ["Cite at least one source for this change."]
    }
    assert not ChangeRequest.objects.filter(author=editor).exists()


def test_submit_adds_a_new_source_inline_to_the_bibliography(editor, profile):
    entry = SourceEntry(
        title="Fresh report", publication="Monitor", url="https://x.org/a"
    )

    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="New figure",
        proposals={"size": workflow.Proposal(["Bigger"], [entry])},
    )

    source = change_request.changes.get().sources.get()
    assert (source.title, source.url) == ("Fresh report", "https://x.org/a")


def test_changed_notes_are_supported_by_the_works_they_cite(editor, profile):
    citations = [
        *profile_values()["citations"],
        {"number": 2, "text": "C. Author, “New,” *Daily*, 2022. (<https://new.org/x>)"},
    ]

    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="Add a note",
        proposals={"citations": workflow.Proposal(citations)},
    )

    change = change_request.changes.get()
    assert sorted(s.url for s in change.sources.all()) == [
        "https://example.org/reports/1",
        "https://new.org/x",
    ]


def test_submit_refuses_someone_without_the_editor_role(profile):
    reader = UserFactory()

    with pytest.raises(workflow.NotAllowed):
        propose(profile, reader, size=["Bigger"])


def test_reject_needs_a_reason_and_records_it(editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])

    with pytest.raises(ValidationError):
        workflow.reject(change_request, reviewer=reviewer, reason=" ")
    workflow.reject(change_request, reviewer=reviewer, reason="Source is a rumour.")

    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.REJECTED
    assert change_request.decision_note == "Source is a rumour."
    assert change_request.changes.get().decision == ProposedChange.Decision.REJECTED
    profile.refresh_from_db()
    assert profile.version == 1


def test_nobody_rejects_their_own_request(admin_user, profile):
    change_request = propose(profile, admin_user, size=["Bigger"])

    with pytest.raises(workflow.NotAllowed):
        workflow.reject(change_request, reviewer=admin_user, reason="Oops")


def test_an_editor_cannot_decide(editor, profile):
    other = editor_user()
    change_request = propose(profile, other, size=["Bigger"])

    with pytest.raises(workflow.NotAllowed):
        workflow.approve(change_request, reviewer=editor)


def test_request_changes_then_revise_makes_it_pending_again(editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    workflow.request_changes(change_request, reviewer=reviewer, comment="Which year?")
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.CHANGES_REQUESTED

    workflow.revise_change_request(
        change_request,
        by=editor,
        summary="Size in 2021",
        proposals={"size": workflow.Proposal(["Bigger in 2021"], [SourceFactory()])},
    )

    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.PENDING
    assert change_request.summary == "Size in 2021"
    assert change_request.changes.get().value == ["Bigger in 2021"]


def test_only_the_author_revises_or_withdraws(editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])

    with pytest.raises(workflow.NotAllowed):
        workflow.withdraw(change_request, by=reviewer)
    with pytest.raises(workflow.NotAllowed):
        workflow.revise_change_request(
            change_request, by=reviewer, summary="Mine now", proposals={}
        )


def test_withdrawn_request_cannot_be_approved(editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    workflow.withdraw(change_request, by=editor)

    with pytest.raises(workflow.InvalidTransition):
        workflow.approve(change_request, reviewer=reviewer)


def test_approve_publishes_only_accepted_fields(editor, reviewer, profile):
    change_request = propose(
        profile, editor, size=["Bigger"], weapons=["Rifles"], founding=["2014"]
    )

    workflow.approve(
        change_request,
        reviewer=reviewer,
        decisions={
            "size": workflow.FieldDecision(accept=True),
            "weapons": workflow.FieldDecision(accept=False, reason="No source says so"),
        },
    )

    profile.refresh_from_db()
    assert (profile.size, profile.weapons, profile.founding) == ("Bigger", "", "2014")
    decisions = dict(change_request.changes.values_list("field", "decision"))
    assert decisions == {
        "founding": "accepted",
        "size": "accepted",
        "weapons": "rejected",
    }
    assert change_request.changes.get(field="weapons").reason == "No source says so"
    assert profile.versions.get(number=2).snapshot["weapons"] == []


def test_rejecting_a_field_needs_a_reason(editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])

    with pytest.raises(ValidationError) as error:
        workflow.approve(
            change_request,
            reviewer=reviewer,
            decisions={"size": workflow.FieldDecision(accept=False)},
        )
    assert "size" in error.value.message_dict


def test_rejecting_every_field_rejects_the_request(editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])

    version = workflow.approve(
        change_request,
        reviewer=reviewer,
        decisions={"size": workflow.FieldDecision(accept=False, reason="Old figure")},
    )

    assert version is None
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.REJECTED
    assert change_request.decision_note == "Size: Old figure"


def test_accepting_prose_whose_note_was_rejected_is_refused(editor, reviewer, profile):
    citations = [
        *profile_values()["citations"],
        {"number": 2, "text": "C. Author, *Daily*, 2022. (<https://new.org/x>)"},
    ]
    change_request = propose(
        profile, editor, background="New claim.²", citations=citations
    )

    with pytest.raises(ValidationError) as error:
        workflow.approve(
            change_request,
            reviewer=reviewer,
            decisions={"citations": workflow.FieldDecision(False, "Weak source")},
        )
    assert error.value.message_dict == {"background": ["Footnote 2 has no note."]}


def test_disjoint_changes_since_the_base_version_merge(editor, reviewer, profile):
    first = propose(profile, editor, size=["Bigger"])
    second = propose(profile, editor_user(), weapons=["Rifles"])
    workflow.approve(first, reviewer=reviewer)

    assert workflow.conflicts(second) == []
    workflow.approve(second, reviewer=reviewer)

    profile.refresh_from_db()
    assert (profile.version, profile.size, profile.weapons) == (3, "Bigger", "Rifles")


def test_same_field_changed_on_both_sides_is_a_conflict(editor, reviewer, profile):
    first = propose(profile, editor, size=["Bigger"])
    second = propose(profile, editor_user(), size=["Smaller"], weapons=["Rifles"])
    workflow.approve(first, reviewer=reviewer)

    assert workflow.conflicts(second) == ["size"]
    with pytest.raises(workflow.Conflict) as error:
        workflow.approve(second, reviewer=reviewer)
    assert error.value.fields == ["size"]
    profile.refresh_from_db()
    assert (profile.version, profile.size) == (2, "Bigger")

    workflow.approve(
        second,
        reviewer=reviewer,
        decisions={"size": workflow.FieldDecision(True, value=["Between 400 and 900"])},
    )
    profile.refresh_from_db()
    assert (profile.version, profile.size) == (3, "Between 400 and 900")
    change = second.changes.get(field="size")
    assert (change.value, change.published_value) == (
        ["Smaller"],
        ["Between 400 and 900"],
    )


def test_a_stale_base_with_the_same_new_value_is_no_conflict(editor, reviewer, profile):
    first = propose(profile, editor, size=["Bigger"])
    second = propose(profile, editor_user(), size=["Bigger"])
    workflow.approve(first, reviewer=reviewer)

    assert workflow.conflicts(second) == []


def test_notifications_go_out_after_commit(
    editor, reviewer, profile, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change_request = propose(profile, editor, size=["Bigger"])
    assert [n.recipient for n in Notification.objects.all()] == [reviewer]
    assert mailoutbox[-1].to == [reviewer.email]

    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(change_request, reviewer=reviewer, comment="Year?")

    note = editor.notifications.get()
    assert note.kind == Notification.Kind.CHANGES_REQUESTED
    assert note.message == (
        "reviewer asked for changes to your change to Test Brigade. “Year?”"
    )
    assert mailoutbox[-1].to == [editor.email]


def test_no_notification_when_the_transaction_rolls_back(
    editor, reviewer, profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        propose(profile, editor, size=["Bigger"])
    assert len(callbacks) == 1  # queued, not yet run: nothing sent before commit
    assert not Notification.objects.exists()


def test_revert_proposes_an_earlier_version_with_its_sources(editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    workflow.approve(change_request, reviewer=reviewer)
    original_sources = list(
        ProposedChange.objects.get(
            change_request__published_version=1, field="citations"
        ).sources.all()
    )

    revert = workflow.propose_revert(profile, version_number=1, by=editor_user())

    assert revert.origin == ChangeRequest.Origin.REVERT
    assert revert.summary == "Restore all fields from version 1"
    assert dict(revert.changes.values_list("field", "value")) == {
        "size": ["About 500 fighters in 2019"],
        "weapons": [],
        "citations": profile_values()["citations"],  # without v2's added note
    }
    size_sources = list(revert.changes.get(field="size").sources.all())
    assert size_sources == []  # the import cited nothing for the size
    workflow.approve(revert, reviewer=reviewer)
    profile.refresh_from_db()
    assert (profile.version, profile.size) == (3, "About 500 fighters in 2019")
    assert original_sources


def test_revert_of_one_field_carries_the_sources_it_had(editor, reviewer, profile):
    source = SourceFactory()
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="Bigger",
        proposals={"size": workflow.Proposal(["Bigger"], [source])},
    )
    workflow.approve(change_request, reviewer=reviewer)
    change_request = propose(profile, editor, size=["Smaller"])
    workflow.approve(change_request, reviewer=reviewer)

    revert = workflow.propose_revert(
        profile, version_number=2, by=editor, fields=["size"]
    )

    assert revert.summary == "Restore size from version 2"
    change = revert.changes.get()
    assert (change.field, change.value) == ("size", ["Bigger"])
    assert list(change.sources.all()) == [source]


def test_approval_gives_a_new_source_its_own_note(editor, reviewer, profile):
    source = SourceFactory(title="Fresh count", url="https://count.org/2024")
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="New count",
        proposals={"size": workflow.Proposal(["About 900"], [source])},
    )

    workflow.approve(change_request, reviewer=reviewer)

    note = profile.citations.get(number=2)
    assert note.text == (
        "A. Writer, “Fresh count,” *Example Review*, March 2019. "
        "(<https://count.org/2024>)"
    )
    assert list(note.sources.all()) == [source]
    assert Citation.history.filter(change_request=change_request).count() == 1


def test_a_late_request_does_not_undo_fields_it_left_alone(editor, reviewer, profile):
    first = propose(profile, editor, weapons=["Rifles"])
    workflow.approve(first, reviewer=reviewer)
    started_from_v1 = {
        **profile_values(),
        "size": ["About 600 fighters"],
    }  # weapons as they were in version 1

    late = workflow.submit_change_request(
        profile=profile,
        author=editor_user(),
        summary="Size",
        proposals={
            f: workflow.Proposal(v, [SourceFactory()])
            for f, v in started_from_v1.items()
        },
        base_version=1,
    )

    assert late.base_version == 1
    assert list(late.changes.values_list("field", flat=True)) == ["size"]
    workflow.approve(late, reviewer=reviewer)
    profile.refresh_from_db()
    assert (profile.size, profile.weapons) == ("About 600 fighters", "Rifles")
