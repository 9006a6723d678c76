"""The bounds of `profiles.limits`: what `limit_errors` says about values past
them, the form validator for control characters and the parser's bounds as
configured. No database."""

import pytest
from django.core.exceptions import ValidationError

from profiles.document import DocumentLimits
from profiles.limits import (
    control_character,
    document_limits,
    limit_errors,
    refuse_control_characters,
)


def leader(name: str = "Abu Test", role: str = "leads", *aliases: str) -> dict:
    return {"name": name, "aliases": list(aliases), "role": role}


def test_values_within_the_limits_have_no_errors():
    assert (
        limit_errors(
            {
                "name": "لواء الباقر",
                "background": "Tabs\tand\r\nline breaks are text.¹",
                "size": ["About 3,000"],
                "leaders": [leader()],
                "citations": [{"number": 1, "text": "Note², with its own digits."}],
            }
        )
        == {}
    )


def test_a_control_character_is_refused_in_every_kind_of_value():
    assert limit_errors(
        {
            "name": "Liwa\x00",
            "size": ["About", "3,000\x85"],
            "leaders": [leader(role="le\x1bads")],
            "citations": [{"number": 1, "text": "Note\x7f"}],
        }
    ) == {
        "name": ["Remove the control character U+0000: text cannot hold it."],
        "size": ["Remove the control character U+0085: text cannot hold it."],
        "leaders": ["Remove the control character U+001B: text cannot hold it."],
        "citations": ["Remove the control character U+007F: text cannot hold it."],
    }


def test_names_are_bounded_by_their_columns():
    assert limit_errors(
        {
            "name": "N" * 201,
            "english_name": "E" * 200,
            "leaders": [leader(), leader("L" * 301)],
        }
    ) == {
        "name": ["This name is 201 characters long; the most is 200."],
        "leaders": ["Leader 2's name is 301 characters long; the most is 300."],
    }


def test_footnote_marks_past_the_note_numbers_are_refused():
    assert limit_errors(
        {
            "background": "A.¹⁰⁰⁰⁰⁰ B.¹⁰⁰⁰⁰¹ C.²¹⁴⁷⁴⁸³⁶⁴⁸ D.²¹⁴⁷⁴⁸³⁶⁴⁸",
            "size": ["About 3,000" + "¹" * 5000],
            "leaders": [leader(role="leads⁹⁹⁹⁹⁹⁹")],
        }
    ) == {
        "background": [
            "Footnote 100001 is out of range: notes are numbered 1 to 100,000.",
            "Footnote 2147483648 is out of range: notes are numbered 1 to 100,000.",
        ],
        "size": [
            "Footnote 11111111111111111111… (5,000 digits) is out of range: notes "
            "are numbered 1 to 100,000."
        ],
        "leaders": [
            "Footnote 999999 is out of range: notes are numbered 1 to 100,000."
        ],
    }


def test_the_bounds_follow_settings(settings):
    settings.PROFILE_LIMITS = {"note_number": 5, "leaders": 1, "list_items": 1}

    assert limit_errors(
        {
            "background": "A.⁶",
            "weapons": ["Rifles", "Drones"],
            "leaders": [leader(), leader()],
            "citations": [{"number": 6, "text": "A note."}],
        }
    ) == {
        "background": ["Footnote 6 is out of range: notes are numbered 1 to 5."],
        "weapons": ["2 items; the most is 1."],
        "leaders": ["2 leaders; the most is 1."],
        "citations": ["Note number 6 is out of range (1 to 5)."],
    }
    assert document_limits() == DocumentLimits(leaders=1, list_items=1, note_number=5)


def test_control_character_names_the_first_one():
    assert control_character("a\tb\nc\rd") is None
    assert control_character("a\x01b\x00") == "U+0001"
    assert control_character("\u200c\u200d\u202e") is None


def test_the_form_validator_takes_text_or_a_list_of_texts():
    refuse_control_characters("Fine\ttext")
    refuse_control_characters(["Fine", "too"])
    for value in ("Bad\x00", ["Fine", "Bad\x9f"]):
        with pytest.raises(ValidationError) as caught:
            refuse_control_characters(value)
        assert caught.value.code == "control_character"
