"""`profiles.redaction`: the notice in each value's shape, and an edit of a
redacted value with the hidden parts put back."""

from datetime import UTC, datetime

import pytest

from profiles.redaction import Hidden, placeholder, value_key

AT = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
NOTICE = "Hidden by a reviewer on 4 May 2026."
NOTES = [
    {"number": 1, "text": "Kept note"},
    {"number": 2, "text": "A private address"},
]
LEADERS = [{"name": "A Person", "aliases": ["Abu X"], "role": "cousin"}]


def hiding(field, value) -> Hidden:
    return Hidden({field: {value_key(field, value): AT}})


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("background", "A libel.", NOTICE),
        ("atrocities", ["One", "Two"], [NOTICE]),
        ("leaders", LEADERS, [{"name": NOTICE, "aliases": [], "role": ""}]),
        (
            "citations",
            [{**NOTES[1], "urls": ["https://x.example"], "sources": [{}]}],
            [{"number": 2, "text": NOTICE, "urls": [], "sources": []}],
        ),
    ],
)
def test_the_notice_takes_the_shape_of_the_value(field, value, shown):
    assert placeholder(field, value, AT) == shown


def test_a_value_is_recognised_whatever_was_derived_from_it():
    hidden = hiding("citations", NOTES)
    snapshot = [{**note, "urls": [], "sources": []} for note in NOTES]

    assert hidden.when("citations", snapshot) == AT
    assert hidden.when("citations", NOTES[:1]) is None
    assert hidden.values({"citations": NOTES, "size": ["x"]})["size"] == ["x"]


def test_a_version_hides_what_its_change_proposed():
    hidden = Hidden({}, versions={("citations", 4): AT})

    assert hidden.value("citations", NOTES, 4)[1]["text"] == NOTICE
    assert hidden.value("citations", NOTES, 3) == NOTES


@pytest.mark.parametrize(
    ("field", "real", "proposed", "restored"),
    [
        ("background", "A libel.", NOTICE, "A libel."),
        ("background", "A libel.", "Rewritten.", "Rewritten."),
        ("atrocities", ["One", "Two"], [NOTICE, "Three"], ["One", "Two", "Three"]),
        ("atrocities", ["One", "Two"], ["Only this"], ["Only this"]),
        (
            "leaders",
            LEADERS,
            [{"name": NOTICE, "aliases": [], "role": ""}, {**LEADERS[0], "name": "B"}],
            [*LEADERS, {**LEADERS[0], "name": "B"}],
        ),
        (
            "citations",
            NOTES,
            [{"number": 1, "text": NOTICE}, {"number": 2, "text": "Edited"}],
            [{"number": 1, "text": "Kept note"}, {"number": 2, "text": "Edited"}],
        ),
    ],
)
def test_an_edit_keeps_the_hidden_parts_it_left_alone(field, real, proposed, restored):
    assert hiding(field, real).restore(field, proposed, real) == restored


def test_nothing_is_restored_for_a_value_that_is_not_hidden():
    assert Hidden({}).restore("background", NOTICE, "A libel.") == NOTICE
