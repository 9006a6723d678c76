"""Query words of the models' querysets."""

import pytest

from profiles import workflow
from profiles.models import ChangeRequest
from tests.factories import SourceFactory, editor_user, reviewer_user

pytestmark = pytest.mark.django_db


def propose(profile, author, size):
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary=size,
        proposals={"size": workflow.Proposal([size], [SourceFactory()])},
    )


def test_change_request_query_words(editor, reviewer, profile):
    pending = propose(profile, editor, "Pending")
    own = propose(profile, reviewer, "The reviewer's own")
    approved = propose(profile, editor, "Approved")
    workflow.approve(approved, reviewer=reviewer)
    rejected = propose(profile, editor, "Rejected")
    workflow.reject(rejected, reviewer=reviewer, reason="No.")
    withdrawn = propose(profile, editor, "Withdrawn")
    workflow.withdraw(withdrawn, by=editor)
    requests = ChangeRequest.objects.exclude(
        pk__in=profile.change_requests.filter(origin="import")
    )

    assert list(requests.pending()) == [pending, own]
    assert list(requests.decided()) == [approved, rejected]
    assert list(requests.by(reviewer)) == [own]
    assert list(requests.for_reviewer(reviewer)) == [pending]
    assert list(requests.for_reviewer(reviewer_user())) == [pending, own]
    assert list(requests.for_reviewer(editor_user())) == []


def test_claim_query_words(editor, reviewer, profile):
    mine = propose(profile, editor, "Mine")
    theirs = propose(profile, editor, "Theirs")
    unclaimed = propose(profile, editor, "Unclaimed")
    workflow.claim(mine, by=reviewer)
    workflow.claim(theirs, by=reviewer_user())
    requests = ChangeRequest.objects.pending()

    assert list(requests.claimed_by(reviewer)) == [mine]
    assert list(requests.unclaimed()) == [unclaimed]
