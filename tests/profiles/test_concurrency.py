"""Approvals racing each other on PostgreSQL: the profile row lock makes them
take turns, so no update is lost and no request is half applied. SQLite
serialises all writers on its own, so these run only on PostgreSQL."""

import pytest
from django.db import connection

from profiles import workflow
from profiles.models import ChangeRequest, Profile, Version
from tests.factories import SourceFactory, editor_user, publish_profile, reviewer_user
from tests.threads import race

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are what is tested; SQLite has none (CI runs PostgreSQL)",
    ),
]


def propose(profile, author, **values):
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary="Change",
        proposals={
            f: workflow.Proposal(v, [SourceFactory()]) for f, v in values.items()
        },
    )


def test_two_conflicting_approvals_one_wins_cleanly():
    profile = publish_profile()
    first = propose(profile, editor_user(), size=["About 900"], weapons=["Rifles"])
    second = propose(profile, editor_user(), size=["About 300"], founding=["2013"])
    reviewers = reviewer_user(), reviewer_user()

    results = race(
        lambda: workflow.approve(first, reviewer=reviewers[0]),
        lambda: workflow.approve(second, reviewer=reviewers[1]),
    )

    published = [r for r in results if isinstance(r, Version)]
    refused = [r for r in results if isinstance(r, workflow.Conflict)]
    assert (len(published), len(refused)) == (1, 1), results
    assert refused[0].fields == ["size"]
    profile.refresh_from_db()
    assert profile.version == 2
    winner = published[0].change_request
    loser = second if winner.pk == first.pk else first
    loser.refresh_from_db()
    assert loser.status == ChangeRequest.Status.PENDING
    winner_values = {c.field: c.value for c in winner.changes.all()}
    assert profile.items("size") == winner_values["size"]
    # The loser's other field was not half applied.
    assert profile.founding == ("2013" if "founding" in winner_values else "")
    assert profile.weapons == ("Rifles" if "weapons" in winner_values else "")


def test_two_disjoint_approvals_both_publish_in_turn():
    profile = publish_profile()
    first = propose(profile, editor_user(), size=["About 900"])
    second = propose(profile, editor_user(), weapons=["Rifles"])

    results = race(
        lambda: workflow.approve(first, reviewer=reviewer_user()),
        lambda: workflow.approve(second, reviewer=reviewer_user()),
    )

    assert sorted(r.number for r in results) == [2, 3], results
    profile = Profile.objects.get(pk=profile.pk)
    assert (profile.version, profile.size, profile.weapons) == (
        3,
        "About 900",
        "Rifles",
    )


def test_the_same_request_approved_twice_at_once_publishes_once():
    profile = publish_profile()
    change_request = propose(profile, editor_user(), size=["About 900"])

    results = race(
        lambda: workflow.approve(change_request, reviewer=reviewer_user()),
        lambda: workflow.approve(change_request, reviewer=reviewer_user()),
    )

    assert sum(isinstance(r, Version) for r in results) == 1, results
    assert sum(isinstance(r, workflow.InvalidTransition) for r in results) == 1
    assert Version.objects.filter(profile=profile).count() == 2


def test_two_new_profiles_of_one_name_published_at_once_both_land():
    requests = [
        workflow.submit_change_request(
            profile=None,
            author=editor_user(),
            summary="New",
            proposals={"name": workflow.Proposal("Twin Brigade", [SourceFactory()])},
        )
        for _ in range(2)
    ]

    results = race(
        *(
            lambda cr=cr: workflow.approve(cr, reviewer=reviewer_user())
            for cr in requests
        )
    )

    assert all(isinstance(r, Version) for r in results), results
    assert sorted(Profile.objects.values_list("slug", flat=True)) == [
        "twin-brigade",
        "twin-brigade-2",
    ]
