"""The state machine as one table: every state × every action × every role
is either allowed (and leads to the state the table says) or refused with
`NotAllowed` and the exact reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from profiles import workflow
from profiles.models import ChangeRequest, RequestEvent
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
]
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
}


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
    else:
        workflow.withdraw(change_request, by=user)


def request_in(state: str, *, profile, author, decider) -> ChangeRequest:
    """A request by `author` brought to `state` by the transitions."""
    change_request = workflow.submit_change_request(
        profile=profile,
        author=author,
        summary="Bigger",
        proposals={"size": workflow.Proposal(["Bigger"], [SourceFactory()])},
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
    assert sorted(TRANSITIONS) == sorted(ACTIONS)
    assert len(STATES) * len(ACTIONS) * len(ROLES) == 175


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
