"""The stored network follows publishing: edges appear, disappear and relink
as profiles are published, renamed and edited, and `rebuild_network` gives
the same rows as the updates made one publish at a time."""

from io import StringIO

import pytest
from django.core.management import call_command

from profiles import workflow
from profiles.models import ChangeRequest, Connection, Profile, ProfileDegree
from profiles.network import indexing
from profiles.network.matching import CONNECTIONS, mentions, name_matcher
from tests.factories import publish_profile

pytestmark = pytest.mark.django_db


def republish(profile: Profile, **values) -> Profile:
    """A recorded import changing `values`, published."""
    change_request = workflow.submit_change_request(
        profile=profile,
        author=workflow.system_user(),
        summary="Test update",
        proposals={name: workflow.Proposal(value) for name, value in values.items()},
        origin=ChangeRequest.Origin.IMPORT,
    )
    return workflow.publish_import(change_request).profile


def edges() -> list[tuple[str, str, int, str, str, int | None]]:
    """Every stored mention: who names whom, in which bullet, as what."""
    return [
        (row.source.name, row.target.name, row.position, row.name, row.text, row.year)
        for row in Connection.objects.select_related("source", "target").order_by(
            "source__name", "position", "start"
        )
    ]


def degrees() -> dict[str, int]:
    return {
        row.profile.name: row.degree
        for row in ProfileDegree.objects.select_related("profile")
    }


def stored_rows() -> list[tuple]:
    return sorted(
        Connection.objects.values_list(
            "source_id", "target_id", "position", "start", "end", "name", "text", "year"
        )
    )


def test_a_new_profile_named_in_another_is_linked_when_it_is_published():
    publish_profile(
        "Alpha Brigade",
        connections_to_other_militias=["Trained by Beta Brigade¹ since 2014"],
    )
    assert edges() == []
    assert degrees() == {"Alpha Brigade": 0}

    publish_profile("Beta Brigade")

    assert edges() == [
        (
            "Alpha Brigade",
            "Beta Brigade",
            0,
            "Beta Brigade",
            "Trained by Beta Brigade since 2014",
            2014,
        )
    ]
    assert degrees() == {"Alpha Brigade": 1, "Beta Brigade": 1}


def test_renaming_a_profile_unlinks_its_old_name_and_links_its_new_one():
    alpha = publish_profile(
        "Alpha Brigade",
        connections_to_other_militias=["Beside Beta Brigade", "Rival of Gamma Group"],
    )
    beta = publish_profile("Beta Brigade")
    assert [(s, t, p) for s, t, p, *_ in edges()] == [
        ("Alpha Brigade", "Beta Brigade", 0)
    ]

    republish(beta, name="Gamma Group")

    assert [(s, t, p, n) for s, t, p, n, *_ in edges()] == [
        ("Alpha Brigade", "Gamma Group", 1, "Gamma Group")
    ]
    assert degrees() == {"Alpha Brigade": 1, "Gamma Group": 1}
    assert Connection.objects.get().target_id == beta.pk
    assert alpha.pk == Connection.objects.get().source_id


def test_an_alternative_name_gained_links_and_a_shared_one_links_nowhere():
    publish_profile("Alpha Brigade", connections_to_other_militias=["With the Quds"])
    first = publish_profile("Liwa al-Quds")
    assert edges() == []

    republish(first, alternative_names=["Quds"])
    assert [(s, t) for s, t, *_ in edges()] == [("Alpha Brigade", "Liwa al-Quds")]

    publish_profile("Saraya al-Quds", alternative_names=["Quds"])

    assert edges() == []
    assert degrees() == {
        "Alpha Brigade": 0,
        "Liwa al-Quds": 0,
        "Saraya al-Quds": 0,
    }


def test_a_longer_name_published_takes_the_words_from_the_shorter_one():
    publish_profile(
        "Alpha Brigade", connections_to_other_militias=["Beside Kata’ib  Hezbollah"]
    )
    publish_profile("Hezbollah")
    assert [(s, t, n) for s, t, _, n, *_ in edges()] == [
        ("Alpha Brigade", "Hezbollah", "Hezbollah")
    ]

    publish_profile("Kata'ib Hezbollah")

    assert [(s, t, n) for s, t, _, n, *_ in edges()] == [
        ("Alpha Brigade", "Kata'ib Hezbollah", "Kata’ib  Hezbollah")
    ]
    assert degrees() == {
        "Alpha Brigade": 1,
        "Hezbollah": 0,
        "Kata'ib Hezbollah": 1,
    }


def test_editing_connections_rewrites_the_profiles_own_edges():
    alpha = publish_profile(
        "Alpha Brigade", connections_to_other_militias=["Beside Beta Brigade"]
    )
    publish_profile("Beta Brigade")
    publish_profile("Gamma Group")

    republish(
        alpha,
        connections_to_other_militias=["Split from Gamma Group in 2016", "Alone"],
    )

    assert edges() == [
        (
            "Alpha Brigade",
            "Gamma Group",
            0,
            "Gamma Group",
            "Split from Gamma Group in 2016",
            2016,
        )
    ]
    assert degrees() == {"Alpha Brigade": 1, "Beta Brigade": 0, "Gamma Group": 1}


def test_a_version_changing_neither_names_nor_connections_rewrites_nothing():
    alpha = publish_profile(
        "Alpha Brigade", connections_to_other_militias=["Beside Beta Brigade"]
    )
    publish_profile("Beta Brigade")
    before = list(Connection.objects.values_list("pk", flat=True))

    republish(alpha, size=["About 900 fighters in 2020"])

    assert list(Connection.objects.values_list("pk", flat=True)) == before
    assert indexing.index_profile(alpha, before=indexing.published_state(alpha)) == 0


def test_each_mention_is_stored_where_it_stands_in_its_bullet():
    publish_profile(
        "Alpha Brigade",
        connections_to_other_militias=[
            "Beta Brigade, then Beta Brigade¹ again",
            "Long " + "word " * 150 + "Beta Brigade",
        ],
    )
    publish_profile("Beta Brigade")

    rows = list(
        Connection.objects.order_by("position", "start").values_list(
            "position", "start", "end", "name", "text"
        )
    )
    assert [row[:4] for row in rows] == [
        (0, 0, 12, "Beta Brigade"),
        (0, 19, 31, "Beta Brigade"),
        (1, 755, 767, "Beta Brigade"),
    ]
    assert rows[0][4] == "Beta Brigade, then Beta Brigade again"
    assert len(rows[2][4]) <= Connection.TEXT_LENGTH
    assert rows[2][4].endswith("…")


def scenario() -> None:
    """Publishes, renames and edits in an order that exercises every rule."""
    alpha = publish_profile(
        "Alpha Brigade",
        connections_to_other_militias=[
            "Trained by Kata'ib Hezbollah since 2013",
            "Beside Hizballah and the Quds in Syria",
            "Rival of KH and of kh",
        ],
    )
    publish_profile(
        "Hezbollah",
        alternative_names=["Hizballah", "حزب الله"],
        connections_to_other_militias=["Trains Alpha Brigade", "Backs كتائب حزب الله"],
    )
    kataib = publish_profile(
        "Kata'ib Hezbollah",
        alternative_names=["KH", "كتائب حزب الله"],
        connections_to_other_militias=["Beside Hezbollah since 2006"],
    )
    publish_profile("Liwa al-Quds", alternative_names=["Quds"])
    republish(kataib, english_name="Hezbollah Brigades")
    republish(alpha, connections_to_other_militias=["Close to Hezbollah Brigades"])
    publish_profile(
        "Saraya al-Quds",
        alternative_names=["Quds"],
        connections_to_other_militias=["Named by Alpha Brigade"],
    )


def test_rebuild_gives_the_rows_of_the_updates_made_at_each_publish():
    scenario()
    incremental, incremental_degrees = stored_rows(), degrees()

    Connection.objects.all().delete()
    ProfileDegree.objects.all().delete()
    assert indexing.rebuild() == (len(incremental), 5)

    assert stored_rows() == incremental
    assert degrees() == incremental_degrees
    assert [(source, target) for source, target, *_ in edges()] == [
        ("Alpha Brigade", "Kata'ib Hezbollah"),
        ("Hezbollah", "Alpha Brigade"),
        ("Hezbollah", "Kata'ib Hezbollah"),
        ("Kata'ib Hezbollah", "Hezbollah"),
        ("Saraya al-Quds", "Alpha Brigade"),
    ]
    assert incremental_degrees == {
        "Alpha Brigade": 3,
        "Hezbollah": 2,
        "Kata'ib Hezbollah": 2,
        "Liwa al-Quds": 0,
        "Saraya al-Quds": 1,
    }


def test_stored_rows_are_what_a_matcher_of_every_profile_finds():
    scenario()
    everyone = list(Profile.objects.published())
    matcher = name_matcher(everyone)

    expected = sorted(
        (source.pk, found.profile.pk, position, found.start, found.end)
        for source in everyone
        for position, bullet in enumerate(source.items(CONNECTIONS))
        for found in mentions(bullet, matcher, exclude=source)
    )

    assert [row[:5] for row in stored_rows()] == expected
    assert len(expected) == 5


def test_rebuild_network_command_reports_and_dry_run_rolls_back():
    scenario()
    rows = stored_rows()
    Connection.objects.all().delete()
    out = StringIO()

    call_command("rebuild_network", "--dry-run", stdout=out)

    assert out.getvalue() == (
        f"Would write {len(rows)} connections among 5 published profiles "
        "(there were 0).\n"
    )
    assert stored_rows() == []

    out = StringIO()
    call_command("rebuild_network", stdout=out)

    assert out.getvalue() == (
        f"Wrote {len(rows)} connections among 5 published profiles (there were 0).\n"
    )
    assert stored_rows() == rows
    quiet = StringIO()
    call_command("rebuild_network", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""
    loud = StringIO()
    call_command("rebuild_network", verbosity=2, stdout=loud)
    assert loud.getvalue().splitlines()[1:] == [
        "Most connected:",
        "     3  Alpha Brigade",
        "     2  Hezbollah",
        "     2  Kata'ib Hezbollah",
        "     1  Saraya al-Quds",
        "     0  Liwa al-Quds",
    ]


def test_a_batch_rewrites_the_edges_once_at_its_end():
    with indexing.batch():
        publish_profile("Alpha Brigade", connections_to_other_militias=["Beside Beta"])
        publish_profile("Beta", connections_to_other_militias=["Beside Alpha Brigade"])
        with indexing.batch():
            publish_profile("Gamma", connections_to_other_militias=["Named Beta"])
        assert edges() == []

    assert [(source, target) for source, target, *_ in edges()] == [
        ("Alpha Brigade", "Beta"),
        ("Beta", "Alpha Brigade"),
        ("Gamma", "Beta"),
    ]
    assert degrees() == {"Alpha Brigade": 1, "Beta": 2, "Gamma": 1}
    rows = stored_rows()
    indexing.rebuild()
    assert stored_rows() == rows
