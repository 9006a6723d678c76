"""The state machine as one table: every state × every action × every role
is either allowed (and leads to the state the table says) or refused with
`NotAllowed` and the exact reason. `approve` decides field by field, so the
table also has its outcomes as actions of their own: every field sent back,
and one field accepted with the other sent back."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from profiles import workflow
from profiles.models import (
    ChangeRequest,
    Notification,
    Profile,
    ProposedChange,
    RequestEvent,
)
from profiles.workflow.states import TRANSITIONS
from tests.factories import SourceFactory, UserFactory, editor_user, reviewer_user

pytestmark = pytest.mark.django_db

Status = ChangeRequest.Status
Kind = RequestEvent.Kind

STATES = ["pending", "changes_requested", "approved", "rejected", "withdrawn"]
ACTIONS = [
    "approve",
    "reject",
    "request_changes",
    "revise",
    "withdraw",
    "claim",
    "release",
    "send_back",
    "approve_and_send_back",
]
#: Outcomes of `approve` in the table: action -> the transition it goes through.
APPROVE_OUTCOMES = {"send_back": "approve", "approve_and_send_back": "approve"}
ROLES = ["author", "another_editor", "reviewer", "author_reviewer", "staff"]

OWN = "Nobody reviews their own change request."
NOT_REVIEWER = "Only reviewers can decide on change requests."
NOT_AUTHOR_REVISE = "Only the author can change this request."
NOT_AUTHOR_WITHDRAW = "Only the author can withdraw this request."

#: Who may decide a request may claim it and release their claim.
MAY_DECIDE = {
    "author": OWN,
    "another_editor": NOT_REVIEWER,
    "reviewer": None,
    "author_reviewer": OWN,
    "staff": None,
}

#: action -> role -> the reason it is refused whatever the state (None: may act)
WHO = {
    "approve": {
        "author": OWN,
        "another_editor": NOT_REVIEWER,
        "reviewer": None,
        "author_reviewer": OWN,
        "staff": None,
    },
    "reject": {
        "author": OWN,
        "another_editor": NOT_REVIEWER,
        "reviewer": None,
        "author_reviewer": OWN,
        "staff": None,
    },
    "request_changes": {
        "author": OWN,
        "another_editor": NOT_REVIEWER,
        "reviewer": None,
        "author_reviewer": OWN,
        "staff": None,
    },
    "revise": {
        "author": None,
        "another_editor": NOT_AUTHOR_REVISE,
        "reviewer": NOT_AUTHOR_REVISE,
        "author_reviewer": None,
        "staff": NOT_AUTHOR_REVISE,
    },
    "withdraw": {
        "author": None,
        "another_editor": NOT_AUTHOR_WITHDRAW,
        "reviewer": NOT_AUTHOR_WITHDRAW,
        "author_reviewer": None,
        "staff": NOT_AUTHOR_WITHDRAW,
    },
    "claim": MAY_DECIDE,
    "release": MAY_DECIDE,
    "send_back": MAY_DECIDE,
    "approve_and_send_back": MAY_DECIDE,
}

#: action -> state -> the state it leads to, or the reason it is refused
#: (for someone who may take the action at all)
WHEN = {
    "approve": {
        "pending": "approved",
        "changes_requested": "Cannot approve a request that is changes requested.",
        "approved": "Cannot approve a request that is approved.",
        "rejected": "Cannot approve a request that is rejected.",
        "withdrawn": "Cannot approve a request that is withdrawn.",
    },
    "reject": {
        "pending": "rejected",
        "changes_requested": "Cannot reject a request that is changes requested.",
        "approved": "Cannot reject a request that is approved.",
        "rejected": "Cannot reject a request that is rejected.",
        "withdrawn": "Cannot reject a request that is withdrawn.",
    },
    "request_changes": {
        "pending": "changes_requested",
        "changes_requested": (
            "Cannot request changes a request that is changes requested."
        ),
        "approved": "Cannot request changes a request that is approved.",
        "rejected": "Cannot request changes a request that is rejected.",
        "withdrawn": "Cannot request changes a request that is withdrawn.",
    },
    "revise": {
        "pending": "pending",
        "changes_requested": "pending",
        "approved": "Cannot revise a request that is approved.",
        "rejected": "Cannot revise a request that is rejected.",
        "withdrawn": "Cannot revise a request that is withdrawn.",
    },
    "withdraw": {
        "pending": "withdrawn",
        "changes_requested": "withdrawn",
        "approved": "Cannot withdraw a request that is approved.",
        "rejected": "Cannot withdraw a request that is rejected.",
        "withdrawn": "Cannot withdraw a request that is withdrawn.",
    },
    "claim": {
        "pending": "pending",
        "changes_requested": "Cannot claim a request that is changes requested.",
        "approved": "Cannot claim a request that is approved.",
        "rejected": "Cannot claim a request that is rejected.",
        "withdrawn": "Cannot claim a request that is withdrawn.",
    },
    "release": {
        "pending": "pending",
        "changes_requested": "Cannot release a request that is changes requested.",
        "approved": "Cannot release a request that is approved.",
        "rejected": "Cannot release a request that is rejected.",
        "withdrawn": "Cannot release a request that is withdrawn.",
    },
    "send_back": {
        "pending": "changes_requested",
        "changes_requested": "Cannot approve a request that is changes requested.",
        "approved": "Cannot approve a request that is approved.",
        "rejected": "Cannot approve a request that is rejected.",
        "withdrawn": "Cannot approve a request that is withdrawn.",
    },
    "approve_and_send_back": {
        "pending": "approved",
        "changes_requested": "Cannot approve a request that is changes requested.",
        "approved": "Cannot approve a request that is approved.",
        "rejected": "Cannot approve a request that is rejected.",
        "withdrawn": "Cannot approve a request that is withdrawn.",
    },
}

#: action -> the event an allowed action appends last
EVENT = {
    "approve": Kind.PUBLISHED,
    "reject": Kind.REJECTED,
    "request_changes": Kind.CHANGES_REQUESTED,
    "revise": Kind.REVISED,
    "withdraw": Kind.WITHDRAWN,
    "claim": Kind.CLAIMED,
    "release": Kind.RELEASED,
    "send_back": Kind.CHANGES_REQUESTED,
    "approve_and_send_back": Kind.SENT_BACK,
}

SEND_BACK = workflow.FieldDecision(False, "Which year?", send_back=True)


def expected(state: str, action: str, role: str) -> tuple[bool, str]:
    """(allowed, next state) or (refused, reason): who first, then when."""
    reason = WHO[action][role]
    if reason:
        return False, reason
    outcome = WHEN[action][state]
    return outcome in STATES, outcome


def act(action: str, change_request: ChangeRequest, user) -> None:
    if action == "approve":
        workflow.approve(change_request, reviewer=user)
    elif action == "reject":
        workflow.reject(change_request, reviewer=user, reason="Not sourced well.")
    elif action == "request_changes":
        workflow.request_changes(change_request, reviewer=user, comment="Which year?")
    elif action == "revise":
        workflow.revise_change_request(
            change_request,
            by=user,
            summary="Size in 2021",
            proposals={
                "size": workflow.Proposal(["Bigger in 2021"], [SourceFactory()])
            },
        )
    elif action == "claim":
        workflow.claim(change_request, by=user)
    elif action == "release":
        workflow.release(change_request, by=user)
    elif action == "send_back":
        workflow.approve(
            change_request,
            reviewer=user,
            decisions={"size": SEND_BACK, "weapons": SEND_BACK},
        )
    elif action == "approve_and_send_back":
        workflow.approve(
            change_request,
            reviewer=user,
            decisions={
                "size": workflow.FieldDecision(accept=True),
                "weapons": SEND_BACK,
            },
        )
    else:
        workflow.withdraw(change_request, by=user)


def request_in(state: str, *, profile, author, decider) -> ChangeRequest:
    """A request by `author` on two fields brought to `state` by the
    transitions."""
    change_request = workflow.submit_change_request(
        profile=profile,
        author=author,
        summary="Bigger",
        proposals={
            "size": workflow.Proposal(["Bigger"], [SourceFactory()]),
            "weapons": workflow.Proposal(["Rifles"], [SourceFactory()]),
        },
    )
    if state == "changes_requested":
        workflow.request_changes(change_request, reviewer=decider, comment="Year?")
    elif state == "approved":
        workflow.approve(change_request, reviewer=decider)
    elif state == "rejected":
        workflow.reject(change_request, reviewer=decider, reason="No.")
    elif state == "withdrawn":
        workflow.withdraw(change_request, by=author)
    change_request.refresh_from_db()
    assert change_request.status == state
    return change_request


def actor_and_author(role: str):
    """The person acting in `role` and the author of the request they act on."""
    author = editor_user(username="author")
    if role == "author":
        return author, author
    if role == "another_editor":
        return editor_user(username="other-editor"), author
    if role == "reviewer":
        return reviewer_user(username="reviewer"), author
    if role == "author_reviewer":
        both = reviewer_user(username="author-reviewer")
        return both, both
    return UserFactory(username="staff", is_staff=True, is_superuser=True), author


def test_the_table_covers_every_state_action_and_role():
    assert sorted(WHEN) == sorted(ACTIONS) == sorted(WHO)
    assert all(sorted(WHEN[action]) == sorted(STATES) for action in ACTIONS)
    assert all(sorted(WHO[action]) == sorted(ROLES) for action in ACTIONS)
    assert sorted(STATES) == sorted(Status.values)
    assert sorted(TRANSITIONS) == sorted(set(ACTIONS) - set(APPROVE_OUTCOMES))
    assert len(STATES) * len(ACTIONS) * len(ROLES) == 225


def claimant_before(state: str, action: str, role: str, *, actor, decider):
    """Who has claimed the request before `action`: on a pending request, the
    actor before they release (or the decider, when the actor may not hold a
    claim), nobody before a claim, the decider before anything else (so the
    table also shows that a decision clears a claim and a revision keeps it).
    A request that is not pending has no claim."""
    if state != "pending" or action == "claim":
        return None
    if action == "release" and MAY_DECIDE[role] is None:
        return actor
    return decider


def claimant_after(action: str, *, actor, before):
    """Who has claimed the request after an allowed `action`."""
    if action == "claim":
        return actor
    if action == "revise":
        return before
    return None


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_transition(state, action, role, profile):
    actor, author = actor_and_author(role)
    decider = reviewer_user(username="decider")
    change_request = request_in(state, profile=profile, author=author, decider=decider)
    claimant = claimant_before(state, action, role, actor=actor, decider=decider)
    if claimant:
        workflow.claim(change_request, by=claimant)
    events_before = change_request.events.count()
    allowed, outcome = expected(state, action, role)

    if allowed:
        act(action, change_request, actor)
        change_request.refresh_from_db()
        assert change_request.status == outcome
        assert change_request.events.last().kind == EVENT[action]
        assert change_request.events.last().actor == actor
        assert change_request.claimed_by == claimant_after(
            action, actor=actor, before=claimant
        )
        assert (change_request.claimed_at is None) == (
            change_request.claimed_by is None
        )
    else:
        with pytest.raises(workflow.NotAllowed) as refused:
            act(action, change_request, actor)
        assert refused.value.reason == outcome
        assert str(refused.value) == outcome
        change_request.refresh_from_db()
        assert change_request.status == state
        assert change_request.claimed_by == claimant
        assert change_request.events.count() == events_before


def test_not_allowed_is_a_permission_denied_with_its_reason(editor, reviewer, profile):
    change_request = request_in(
        "approved", profile=profile, author=editor, decider=reviewer
    )

    with pytest.raises(PermissionDenied) as refused:
        workflow.withdraw(change_request, by=editor)

    assert isinstance(refused.value, workflow.NotAllowed)
    assert isinstance(refused.value, workflow.InvalidTransition)
    assert refused.value.reason == "Cannot withdraw a request that is approved."


def test_a_refused_decision_changes_nothing_and_logs_nothing(editor, reviewer, profile):
    change_request = request_in(
        "pending", profile=profile, author=editor, decider=reviewer
    )

    with pytest.raises(ValidationError):
        workflow.reject(change_request, reviewer=reviewer, reason="  ")

    change_request.refresh_from_db()
    assert change_request.status == Status.PENDING
    assert list(change_request.events.values_list("kind", flat=True)) == ["submitted"]
    assert set(change_request.changes.values_list("decision", flat=True)) == {"pending"}


def test_partial_approval_is_logged_as_partly_approved(editor, reviewer, profile):
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="Two fields",
        proposals={
            "size": workflow.Proposal(["Bigger"], [SourceFactory()]),
            "weapons": workflow.Proposal(["Rifles"], [SourceFactory()]),
        },
    )

    version = workflow.approve(
        change_request,
        reviewer=reviewer,
        decisions={"weapons": workflow.FieldDecision(accept=False, reason="Unclear")},
        note="Size only.",
    )

    assert [
        (event.kind, event.actor, event.text, event.version)
        for event in change_request.events.all()
    ] == [
        ("submitted", editor, "", None),
        ("partly_approved", reviewer, "Size only.", None),
        ("published", reviewer, "", version.number),
    ]


def test_comments_come_from_the_author_and_reviewers_only(editor, reviewer, profile):
    change_request = request_in(
        "approved", profile=profile, author=editor, decider=reviewer
    )

    workflow.comment(change_request, by=editor, text="Thanks.")
    workflow.comment(change_request, by=reviewer, text="You are welcome.")
    with pytest.raises(workflow.NotAllowed) as refused:
        workflow.comment(change_request, by=editor_user(), text="Me too.")

    assert refused.value.reason == "Only its author and reviewers comment on a request."
    assert list(
        change_request.events.filter(kind="commented").values_list("actor", "text")
    ) == [(editor.pk, "Thanks."), (reviewer.pk, "You are welcome.")]


def test_an_import_published_at_once_is_logged_submitted_approved_published():
    from tests.factories import publish_profile

    profile = publish_profile()
    change_request = profile.change_requests.get()

    assert list(change_request.events.values_list("kind", "actor__username")) == [
        ("submitted", "importer"),
        ("approved", "importer"),
        ("published", "importer"),
    ]


# Claims -------------------------------------------------------------------------


def test_a_claim_is_logged_and_released_by_its_holder(editor, reviewer, profile):
    change_request = request_in(
        "pending", profile=profile, author=editor, decider=reviewer
    )

    workflow.claim(change_request, by=reviewer)
    change_request.refresh_from_db()
    claimed_at = change_request.claimed_at
    workflow.release(change_request, by=reviewer)

    change_request.refresh_from_db()
    assert (change_request.claimed_by, change_request.claimed_at) == (None, None)
    assert [
        (event.kind, event.actor, event.text) for event in change_request.events.all()
    ] == [
        ("submitted", editor, ""),
        ("claimed", reviewer, ""),
        ("released", reviewer, ""),
    ]
    assert change_request.events.get(kind="claimed").at == claimed_at


def test_someone_elses_claim_is_taken_over_only_explicitly(editor, reviewer, profile):
    change_request = request_in(
        "pending", profile=profile, author=editor, decider=reviewer
    )
    second = reviewer_user(username="second")
    workflow.claim(change_request, by=reviewer)

    with pytest.raises(workflow.InvalidTransition) as refused:
        workflow.claim(change_request, by=second)
    assert refused.value.reason == (
        "reviewer has already claimed this request; take it over to claim it yourself."
    )
    change_request.refresh_from_db()
    assert change_request.claimed_by == reviewer

    workflow.claim(change_request, by=second, take_over=True)

    change_request.refresh_from_db()
    assert change_request.claimed_by == second
    assert list(
        change_request.events.filter(kind="claimed").values_list(
            "actor__username", "text"
        )
    ) == [("reviewer", ""), ("second", "Took over from reviewer.")]


def test_claiming_twice_is_refused(editor, reviewer, profile):
    change_request = request_in(
        "pending", profile=profile, author=editor, decider=reviewer
    )
    workflow.claim(change_request, by=reviewer)

    with pytest.raises(workflow.InvalidTransition) as refused:
        workflow.claim(change_request, by=reviewer, take_over=True)

    assert refused.value.reason == "You have already claimed this request."
    assert change_request.events.filter(kind="claimed").count() == 1


def test_only_the_holder_releases_a_claim(editor, reviewer, profile):
    change_request = request_in(
        "pending", profile=profile, author=editor, decider=reviewer
    )
    second = reviewer_user(username="second")

    with pytest.raises(workflow.InvalidTransition) as unclaimed:
        workflow.release(change_request, by=reviewer)
    workflow.claim(change_request, by=reviewer)
    with pytest.raises(workflow.InvalidTransition) as not_theirs:
        workflow.release(change_request, by=second)

    assert unclaimed.value.reason == "Nobody has claimed this request."
    assert not_theirs.value.reason == (
        "reviewer has claimed this request; only they can release it."
    )
    change_request.refresh_from_db()
    assert change_request.claimed_by == reviewer
    assert list(change_request.events.values_list("kind", flat=True)) == [
        "submitted",
        "claimed",
    ]


def test_the_database_refuses_a_claim_on_a_decided_request(editor, reviewer, profile):
    change_request = request_in(
        "rejected", profile=profile, author=editor, decider=reviewer
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.filter(pk=change_request.pk).update(
            claimed_by=reviewer, claimed_at=timezone.now()
        )


# Sending fields back -------------------------------------------------------------


@pytest.fixture
def two_fields(editor, reviewer, profile):
    """A pending request on size and weapons, each with its own source."""
    return request_in("pending", profile=profile, author=editor, decider=reviewer)


def send_back(reason: str) -> workflow.FieldDecision:
    return workflow.FieldDecision(False, reason, send_back=True)


def test_a_field_sent_back_goes_on_in_a_new_request_for_its_author(
    two_fields, editor, reviewer, profile, django_capture_on_commit_callbacks
):
    weapons_sources = list(two_fields.changes.get(field="weapons").sources.all())

    with django_capture_on_commit_callbacks(execute=True):
        version = workflow.approve(
            two_fields,
            reviewer=reviewer,
            decisions={
                "size": workflow.FieldDecision(accept=True),
                "weapons": send_back("Which rifles?"),
            },
            note="Size is clear.",
        )

    two_fields.refresh_from_db()
    follow_up = ChangeRequest.objects.exclude(pk=two_fields.pk).get(
        profile=profile, status=Status.CHANGES_REQUESTED
    )
    profile.refresh_from_db()
    assert (profile.version, profile.size, profile.weapons) == (2, "Bigger", "")
    assert (two_fields.status, two_fields.published_version) == ("approved", 2)
    assert list(two_fields.changes.values_list("field", "decision", "reason")) == [
        ("size", "accepted", ""),
        ("weapons", "sent_back", "Which rifles?"),
    ]
    assert [
        (e.kind, e.actor, e.text, e.version, e.proposal)
        for e in two_fields.events.all()
    ][1:] == [
        ("partly_approved", reviewer, "Size is clear.", None, None),
        ("published", reviewer, "", 2, None),
        (
            "sent_back",
            reviewer,
            f"Sent back to editor as change request #{follow_up.pk}:\n"
            "Weapons (sent back): Which rifles?",
            None,
            {
                "follow_up": follow_up.pk,
                "changes": {
                    "weapons": {
                        "value": ["Rifles"],
                        "sources": [s.pk for s in weapons_sources],
                    }
                },
            },
        ),
    ]
    assert version.number == 2

    assert (
        follow_up.author,
        follow_up.summary,
        follow_up.origin,
        follow_up.base_version,
        follow_up.reviewer,
        follow_up.decision_note,
        follow_up.published_version,
        follow_up.claimed_by,
    ) == (
        editor,
        "Bigger",
        "edit",
        2,
        reviewer,
        "Weapons (sent back): Which rifles?",
        None,
        None,
    )
    change = follow_up.changes.get()
    assert (change.field, change.value, change.decision, change.reason) == (
        "weapons",
        ["Rifles"],
        "sent_back",
        "Which rifles?",
    )
    assert list(change.sources.all()) == weapons_sources
    assert [
        (e.kind, e.actor, e.text, e.proposal, e.at) for e in follow_up.events.all()
    ] == [
        (
            "submitted",
            editor,
            f"Fields sent back from change request #{two_fields.pk}.",
            {
                "summary": "Bigger",
                "base_version": 2,
                "changes": {
                    "weapons": {
                        "value": ["Rifles"],
                        "sources": [s.pk for s in weapons_sources],
                    }
                },
                "sent_back_from": two_fields.pk,
            },
            version.published_at,
        ),
        (
            "changes_requested",
            reviewer,
            "Weapons (sent back): Which rifles?",
            None,
            version.published_at,
        ),
    ]
    assert [
        (n.kind, n.change_request_id, n.message)
        for n in editor.notifications.order_by("pk")
    ] == [
        (
            Notification.Kind.PARTLY_APPROVED,
            two_fields.pk,
            "reviewer partly approved your change to Test Brigade. “Size is clear.”",
        ),
        (
            Notification.Kind.CHANGES_REQUESTED,
            follow_up.pk,
            "reviewer asked for changes to your change to Test Brigade. "
            "“Weapons (sent back): Which rifles?”",
        ),
    ]


def test_the_author_revises_a_follow_up_and_it_is_pending_again(
    two_fields, editor, reviewer, profile
):
    workflow.approve(
        two_fields,
        reviewer=reviewer,
        decisions={
            "size": workflow.FieldDecision(accept=True),
            "weapons": send_back("Which rifles?"),
        },
    )
    follow_up = ChangeRequest.objects.get(status=Status.CHANGES_REQUESTED)

    workflow.revise_change_request(
        follow_up,
        by=editor,
        summary="Weapons named",
        proposals={"weapons": workflow.Proposal(["AK-47 rifles"], [SourceFactory()])},
    )
    workflow.approve(follow_up, reviewer=reviewer)

    profile.refresh_from_db()
    assert (profile.version, profile.size, profile.weapons) == (
        3,
        "Bigger",
        "AK-47 rifles",
    )
    assert list(follow_up.events.values_list("kind", flat=True)) == [
        "submitted",
        "changes_requested",
        "revised",
        "approved",
        "published",
    ]


def test_nothing_accepted_and_a_field_sent_back_returns_the_request(
    two_fields, editor, reviewer, profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = workflow.approve(
            two_fields,
            reviewer=reviewer,
            decisions={
                "size": send_back("Which year?"),
                "weapons": workflow.FieldDecision(False, "Rumour."),
            },
            note="Nearly there.",
        )

    assert version is None
    two_fields.refresh_from_db()
    profile.refresh_from_db()
    assert profile.version == 1
    note = "Nearly there.\n\nSize (sent back): Which year?\nWeapons (rejected): Rumour."
    assert (two_fields.status, two_fields.reviewer, two_fields.decision_note) == (
        "changes_requested",
        reviewer,
        note,
    )
    assert list(two_fields.changes.values_list("field", "decision", "reason")) == [
        ("size", "sent_back", "Which year?"),
        ("weapons", "rejected", "Rumour."),
    ]
    assert list(two_fields.events.values_list("kind", "actor", "text")) == [
        ("submitted", editor.pk, ""),
        ("changes_requested", reviewer.pk, note),
    ]
    assert ChangeRequest.objects.count() == 2  # the profile's import and this one
    assert list(editor.notifications.values_list("kind", "change_request")) == [
        (Notification.Kind.CHANGES_REQUESTED, two_fields.pk)
    ]


def test_a_returned_request_revised_has_its_decisions_reset_and_keeps_its_log(
    two_fields, editor, reviewer
):
    workflow.approve(
        two_fields,
        reviewer=reviewer,
        decisions={"size": send_back("Which year?"), "weapons": send_back("Which?")},
    )

    workflow.revise_change_request(
        two_fields,
        by=editor,
        summary="Size and weapons, dated",
        proposals={
            "size": workflow.Proposal(["Bigger in 2021"], [SourceFactory()]),
            "weapons": workflow.Proposal(["Rifles in 2021"], [SourceFactory()]),
        },
    )

    two_fields.refresh_from_db()
    assert two_fields.status == Status.PENDING
    assert set(two_fields.changes.values_list("decision", "reason")) == {
        ("pending", "")
    }
    assert list(two_fields.events.values_list("kind", "text")) == [
        ("submitted", ""),
        (
            "changes_requested",
            "Size (sent back): Which year?\nWeapons (sent back): Which?",
        ),
        ("revised", ""),
    ]
    first = two_fields.events.first().proposal["changes"]
    assert (first["size"]["value"], first["weapons"]["value"]) == (
        ["Bigger"],
        ["Rifles"],
    )


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (
            workflow.FieldDecision(False, "  ", send_back=True),
            "Say what the author should change before sending it back.",
        ),
        (workflow.FieldDecision(False, ""), "Give a reason for rejecting this change."),
    ],
)
def test_sending_back_or_rejecting_a_field_needs_a_reason(
    two_fields, reviewer, profile, decision, message
):
    with pytest.raises(ValidationError) as refused:
        workflow.approve(
            two_fields,
            reviewer=reviewer,
            decisions={
                "size": workflow.FieldDecision(accept=True),
                "weapons": decision,
            },
        )

    assert refused.value.message_dict == {"weapons": [message]}
    two_fields.refresh_from_db()
    profile.refresh_from_db()
    assert (two_fields.status, profile.version) == ("pending", 1)
    assert set(two_fields.changes.values_list("decision", flat=True)) == {"pending"}
    assert ChangeRequest.objects.filter(status=Status.CHANGES_REQUESTED).count() == 0
    assert list(two_fields.events.values_list("kind", flat=True)) == ["submitted"]


def test_a_field_is_not_both_accepted_and_sent_back():
    with pytest.raises(ValueError, match="accepted or sent back, not both"):
        workflow.FieldDecision(True, "", send_back=True)


def test_the_database_refuses_a_field_sent_back_without_a_reason(two_fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposedChange.objects.filter(change_request=two_fields).update(
            decision=ProposedChange.Decision.SENT_BACK, reason=""
        )


@pytest.mark.parametrize(
    "name_decision",
    [workflow.FieldDecision(False, "Spelling?"), send_back("Spelling?")],
)
def test_a_new_profile_is_not_published_without_its_name(
    editor, reviewer, name_decision
):
    change_request = workflow.submit_change_request(
        profile=None,
        author=editor,
        summary="A new group",
        proposals={
            "name": workflow.Proposal("Fresh Brigade", [SourceFactory()]),
            "size": workflow.Proposal(["About 200"], [SourceFactory()]),
        },
    )

    with pytest.raises(ValidationError) as refused:
        workflow.approve(
            change_request, reviewer=reviewer, decisions={"name": name_decision}
        )

    assert refused.value.message_dict == {
        "name": [
            "A new profile is published with its name: accept the name too, "
            "or reject or send back every field."
        ]
    }
    change_request.refresh_from_db()
    assert (change_request.status, change_request.profile) == ("pending", None)
    assert not Profile.objects.filter(name="").exists()
    assert ChangeRequest.objects.count() == 1


def _imported(profile) -> ChangeRequest:
    return workflow.submit_change_request(
        profile=profile,
        author=workflow.system_user(),
        summary="Imported",
        proposals={
            "size": workflow.Proposal(["Bigger"]),
            "weapons": workflow.Proposal(["Rifles"]),
        },
        origin=ChangeRequest.Origin.IMPORT,
    )


def _by_a_closed_account(profile) -> ChangeRequest:
    change_request = request_in(
        "pending", profile=profile, author=editor_user(), decider=None
    )
    change_request.author.is_active = False
    change_request.author.save()
    return change_request


def _by_a_former_editor(profile) -> ChangeRequest:
    change_request = request_in(
        "pending", profile=profile, author=editor_user(), decider=None
    )
    change_request.author.groups.clear()
    return change_request


@pytest.mark.parametrize(
    "make_request",
    [_imported, _by_a_closed_account, _by_a_former_editor],
    ids=["an import", "a closed account", "no longer an editor"],
)
def test_nothing_is_sent_back_to_an_author_who_cannot_rework_it(
    reviewer, profile, make_request
):
    change_request = make_request(profile)

    with pytest.raises(ValidationError) as refused:
        workflow.approve(
            change_request,
            reviewer=reviewer,
            decisions={
                "size": workflow.FieldDecision(accept=True),
                "weapons": send_back("Which rifles?"),
            },
        )

    assert refused.value.message_dict == {
        "weapons": [workflow.permissions.NOBODY_TO_SEND_BACK]
    }
    change_request.refresh_from_db()
    assert change_request.status == "pending"
    assert not ChangeRequest.objects.filter(status=Status.CHANGES_REQUESTED).exists()
    assert list(change_request.events.values_list("kind", flat=True)) == ["submitted"]
