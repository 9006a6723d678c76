"""The migration that creates the stored network builds it for the profiles
already published, so a deployed database is right after `migrate`."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from profiles.models import Connection, ProfileDegree

BEFORE = [("profiles", "0007_field_provenance")]
NETWORK = [("profiles", "0008_network_connections")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_builds_the_edges_of_published_profiles():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("profiles", "Profile")
    now = timezone.now()
    alpha = old.objects.create(
        name="Alpha Brigade",
        slug="alpha-brigade",
        version=1,
        published_at=now,
        connections_to_other_militias="Beside Beta Brigade¹ since 2012",
    )
    beta = old.objects.create(
        name="Beta Brigade", slug="beta-brigade", version=2, published_at=now
    )
    old.objects.create(
        name="Draft", slug="draft", connections_to_other_militias="Beside Alpha Brigade"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(NETWORK)

    assert list(
        Connection.objects.values_list(
            "source_id", "target_id", "position", "start", "end", "name", "text", "year"
        )
    ) == [
        (
            alpha.pk,
            beta.pk,
            0,
            7,
            19,
            "Beta Brigade",
            "Beside Beta Brigade since 2012",
            2012,
        )
    ]
    assert dict(ProfileDegree.objects.values_list("profile_id", "degree")) == {
        alpha.pk: 1,
        beta.pk: 1,
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
