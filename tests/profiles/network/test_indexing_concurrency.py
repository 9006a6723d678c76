"""Publishes racing each other on PostgreSQL while both rewrite the same
profile's edges: the row locks make them take turns, so the stored network
ends as a rebuild would make it, and neither publish fails. SQLite serialises
all writers on its own, so these run only on PostgreSQL."""

import pytest
from django.db import connection

from profiles import workflow
from profiles.models import ChangeRequest, Connection, Profile, ProfileDegree, Version
from profiles.network import indexing
from tests.factories import publish_profile
from tests.threads import race

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are what is tested; SQLite has none (CI runs PostgreSQL)",
    ),
]


def republish(profile: Profile, **values):
    change_request = workflow.submit_change_request(
        profile=profile,
        author=workflow.system_user(),
        summary="Test update",
        proposals={name: workflow.Proposal(value) for name, value in values.items()},
        origin=ChangeRequest.Origin.IMPORT,
    )
    return lambda: workflow.publish_import(change_request)


def network() -> tuple[list, dict]:
    return (
        sorted(
            Connection.objects.values_list(
                "source__name", "target__name", "position", "text"
            )
        ),
        dict(ProfileDegree.objects.values_list("profile__name", "degree")),
    )


def test_a_rename_and_an_edit_of_a_profile_naming_it_both_land():
    alpha = publish_profile(
        "Alpha Brigade", connections_to_other_militias=["Beside Gamma Group"]
    )
    beta = publish_profile("Beta Brigade")
    rename = republish(beta, name="Gamma Group")
    edit = republish(
        alpha, connections_to_other_militias=["Beside Gamma Group since 2015"]
    )

    results = race(rename, edit)

    assert all(isinstance(result, Version) for result in results), results
    stored = network()
    assert stored == (
        [("Alpha Brigade", "Gamma Group", 0, "Beside Gamma Group since 2015")],
        {"Alpha Brigade": 1, "Gamma Group": 1},
    )
    indexing.rebuild()
    assert network() == stored
