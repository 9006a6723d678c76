"""The diff of two versions of a profile's values (`profiles.diff`) and its
rendering (`templates/includes/diff.html`). No database: plain values in,
segments and HTML out."""

import itertools
import re
import time

import pytest
from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from profiles import diff
from profiles.claims import parse_prose, render_prose
from profiles.diff import (
    FieldDiff,
    ItemChange,
    RowChange,
    Segment,
    diff_field,
    diff_items,
    diff_rows,
    diff_values,
    diff_words,
    tokenize,
)
from profiles.serializers import FIELDS


def eq(text: str) -> Segment:
    return Segment("equal", text)


def ins(text: str) -> Segment:
    return Segment("insert", text)


def dele(text: str) -> Segment:
    return Segment("delete", text)


def empty_values() -> dict:
    """Values of a profile with nothing filled in, shaped like profile_values."""
    values: dict = {field: [] for field in FIELDS}
    for field in ("name", "english_name", "logo", "flag_text"):
        values[field] = ""
    values["connections_to_irgc"] = ""
    values["background"] = ""
    return values


# Words -----------------------------------------------------------------------


def test_tokens_join_back_to_the_text():
    text = "Liwa al-Baqir¹² (لواء الباقر)  fought,\n\nthen  می‌خواهم."
    assert "".join(tokenize(text)) == text


def test_tokens_keep_arabic_diacritics_and_persian_zwnj_inside_words():
    assert tokenize("مُحَمَّد می‌خواهم") == ["مُحَمَّد", " ", "می\u200cخواهم"]


def test_footnote_marks_are_their_own_tokens():
    assert tokenize("Baqir¹²,³") == ["Baqir", "¹²", ",", "³"]


def test_identical_texts_are_one_equal_segment():
    assert diff_words("same text", "same text") == [eq("same text")]


def test_empty_texts_have_no_segments():
    assert diff_words("", "") == []


def test_insertion():
    assert diff_words("The group fought", "The armed group fought") == [
        eq("The "),
        ins("armed "),
        eq("group fought"),
    ]


def test_deletion():
    assert diff_words("The armed group fought", "The group fought") == [
        eq("The "),
        dele("armed "),
        eq("group fought"),
    ]


def test_replacement_deletes_before_it_inserts():
    assert diff_words("Founded in 2013.", "Founded in 2014.") == [
        eq("Founded in "),
        dele("2013"),
        ins("2014"),
        eq("."),
    ]


def test_a_space_between_replaced_words_does_not_split_the_change():
    assert diff_words("the quick brown fox", "the slow red fox") == [
        eq("the "),
        dele("quick brown"),
        ins("slow red"),
        eq(" fox"),
    ]


def test_whitespace_is_preserved():
    old = "First paragraph.\n\nSecond  paragraph."
    new = "First paragraph.\n\nSecond  paragraph, longer."
    assert diff_words(old, new) == [
        eq("First paragraph.\n\nSecond  paragraph"),
        ins(", longer"),
        eq("."),
    ]


def test_a_changed_paragraph_break_is_a_change():
    assert diff_words("One. Two.", "One.\n\nTwo.") == [
        eq("One."),
        dele(" "),
        ins("\n\n"),
        eq("Two."),
    ]


def test_arabic_text():
    assert diff_words("لواء الباقر في حلب", "لواء الباقر في دير الزور") == [
        eq("لواء الباقر في "),
        dele("حلب"),
        ins("دير الزور"),
    ]


def test_footnote_marks():
    assert diff_words("It grew in Aleppo¹.", "It grew in Aleppo¹².") == [
        eq("It grew in Aleppo"),
        dele("¹"),
        ins("¹²"),
        eq("."),
    ]
    assert diff_words("Founded in 2012.", "Founded in 2012.³") == [
        eq("Founded in 2012."),
        ins("³"),
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", "new text"),
        ("old text", ""),
        ("a b c d e", "a x c y e z"),
        ("لواء الباقر¹ في حلب.", "لواء الباقر² في دير الزور."),
        ("One.\n\nTwo  three.", "One two.\n\nThree."),
        ("The group fought", "The  armed group  fought"),
        ("a b c", "a b b c c"),
    ],
)
def test_segments_give_back_both_texts(old, new):
    segments = diff_words(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new
    # Adjacent segments never share an op; none is empty.
    assert all(a.op != b.op for a, b in itertools.pairwise(segments))
    assert all(s.text for s in segments)


def test_segments_are_frozen():
    with pytest.raises(AttributeError):
        eq("x").text = "y"  # type: ignore[misc]


# Items -----------------------------------------------------------------------


def test_items_unchanged():
    assert diff_items(["A", "B"], ["A", "B"]) == [
        ItemChange("equal", "A", "A"),
        ItemChange("equal", "B", "B"),
    ]


def test_item_added():
    assert diff_items(["A", "C"], ["A", "B", "C"]) == [
        ItemChange("equal", "A", "A"),
        ItemChange("insert", None, "B"),
        ItemChange("equal", "C", "C"),
    ]


def test_item_removed():
    assert diff_items(["A", "B", "C"], ["A", "C"]) == [
        ItemChange("equal", "A", "A"),
        ItemChange("delete", "B", None),
        ItemChange("equal", "C", "C"),
    ]


def test_item_changed_carries_its_word_diff():
    old = ["Founded in 2013 in Aleppo", "Sunni tribal fighters"]
    new = ["Founded in 2014 in Aleppo", "Sunni tribal fighters"]
    assert diff_items(old, new) == [
        ItemChange(
            "change",
            old[0],
            new[0],
            [eq("Founded in "), dele("2013"), ins("2014"), eq(" in Aleppo")],
        ),
        ItemChange("equal", old[1], new[1]),
    ]


def test_none_placeholder_becomes_a_real_item():
    assert diff_items(["None"], ["Designated by the US in 2019"]) == [
        ItemChange(
            "change",
            "None",
            "Designated by the US in 2019",
            [dele("None"), ins("Designated by the US in 2019")],
        )
    ]


def test_a_new_bullet_above_an_edited_one_does_not_pair_with_it():
    old = ["Kornet missiles", "Mortars"]
    new = ["Drones", "Kornet anti-tank missiles", "Mortars"]
    assert [(c.op, c.old, c.new) for c in diff_items(old, new)] == [
        ("insert", None, "Drones"),
        ("change", "Kornet missiles", "Kornet anti-tank missiles"),
        ("equal", "Mortars", "Mortars"),
    ]


def test_extra_items_in_a_replaced_block_are_added_or_removed():
    assert [(c.op, c.old, c.new) for c in diff_items(["A", "B"], ["X"])] == [
        ("change", "A", "X"),
        ("delete", "B", None),
    ]
    assert [(c.op, c.old, c.new) for c in diff_items([], ["X", "Y"])] == [
        ("insert", None, "X"),
        ("insert", None, "Y"),
    ]


# Rows ------------------------------------------------------------------------

KHALID = {"name": "Khalid al-Hamad", "aliases": ["Abu Ali"], "role": "Commander"}
SAMI = {"name": "Sami", "aliases": [], "role": "Spokesman"}


def test_leader_renamed():
    renamed = {**KHALID, "name": "Khalid al-Hammad"}
    assert diff_rows([KHALID, SAMI], [renamed, SAMI]) == [
        RowChange(
            "change",
            KHALID,
            renamed,
            {"name": [eq("Khalid al-"), dele("Hamad"), ins("Hammad")]},
            ("name", "aliases", "role"),
        ),
        RowChange("equal", SAMI, SAMI, {}, ("name", "aliases", "role")),
    ]


def test_alias_added_is_diffed_as_a_comma_separated_list():
    more = {**KHALID, "aliases": ["Abu Ali", "al-Hajji"]}
    [row] = diff_rows([KHALID], [more])
    assert row.op == "change"
    assert row.fields == {"aliases": [eq("Abu Ali"), ins(", al-Hajji")]}


def test_leader_removed():
    changes = diff_rows([KHALID, SAMI], [SAMI])
    assert [(row.op, row.old, row.new) for row in changes] == [
        ("delete", KHALID, None),
        ("equal", SAMI, SAMI),
    ]
    # Every non-empty column of a removed row is shown deleted.
    assert changes[0].fields == {
        "name": [dele("Khalid al-Hamad")],
        "aliases": [dele("Abu Ali")],
        "role": [dele("Commander")],
    }


def test_leader_added_at_the_end():
    changes = diff_rows([KHALID], [KHALID, SAMI])
    assert [row.op for row in changes] == ["equal", "insert"]
    assert changes[1].fields == {"name": [ins("Sami")], "role": [ins("Spokesman")]}


def test_row_cells_fill_unchanged_columns_with_their_text():
    renamed = {**KHALID, "name": "Khalid al-Hammad"}
    [row] = diff_rows([KHALID], [renamed])
    assert row.cells == [
        ("name", [eq("Khalid al-"), dele("Hamad"), ins("Hammad")]),
        ("aliases", [eq("Abu Ali")]),
        ("role", [eq("Commander")]),
    ]
    assert row.op_label == "changed"


def test_citations_are_matched_by_number():
    old = [{"number": 1, "text": "Reuters, 2014."}, {"number": 2, "text": "AP."}]
    new = [
        {"number": 2, "text": "AP, 2015."},
        {"number": 1, "text": "Reuters, 2014."},
        {"number": 3, "text": "BBC."},
    ]
    changes = diff_rows(old, new, key="number")
    assert [(row.op, (row.new or row.old)["number"]) for row in changes] == [
        ("equal", 1),
        ("change", 2),
        ("insert", 3),
    ]
    assert changes[1].fields == {"text": [eq("AP"), ins(", 2015"), eq(".")]}


def test_citation_removed_by_number():
    old = [{"number": 1, "text": "A."}, {"number": 2, "text": "B."}]
    changes = diff_rows(old, old[:1], key="number")
    assert [row.op for row in changes] == ["equal", "delete"]


def test_snapshot_extras_on_notes_are_ignored():
    # A version snapshot's notes also carry urls and sources read from the text.
    old = [{"number": 1, "text": "A.", "urls": [], "sources": []}]
    new = [{"number": 1, "text": "A.", "urls": ["https://x"], "sources": [{}]}]
    diff = diff_field("citations", old, new)
    assert not diff.changed
    assert diff.columns == ("number", "text")


# Fields ----------------------------------------------------------------------


def test_diff_field_kinds_and_labels():
    assert diff_field("name", "A", "B").kind == "text"
    assert diff_field("background", "", "").label == "Background and analysis"
    assert diff_field("weapons", [], ["Drones"]).kind == "list"
    assert diff_field("tags", ["iraq"], ["iraq"]).kind == "list"
    assert diff_field("leaders", [], []).kind == "rows"
    assert diff_field("citations", [], []).label == "Notes"


def test_diff_field_rejects_unknown_fields():
    with pytest.raises(ValueError, match="slug"):
        diff_field("slug", "a", "b")


def test_diff_values_follows_field_order_and_flags_changes():
    old = empty_values()
    new = {
        **old,
        "name": "لواء الباقر",
        "weapons": ["Drones"],
        "citations": [{"number": 1, "text": "A."}],
    }
    diffs = diff_values(old, new)
    assert [d.field for d in diffs] == list(FIELDS)
    changed = {d.field for d in diffs if d.changed}
    assert changed == {"name", "weapons", "citations"}
    name = diffs[0]
    assert name == FieldDiff(
        "name", "Name", "text", True, segments=[ins("لواء الباقر")]
    )


def test_diff_values_only_fields_present_and_missing_as_empty():
    # Keys outside FIELDS (a snapshot's slug, version) are not fields.
    diffs = diff_values({"version": 1, "background": "Text."}, {"tags": ["syria"]})
    assert [(d.field, d.changed) for d in diffs] == [
        ("tags", True),
        ("background", True),
    ]
    assert [(item.op, item.old) for item in diffs[1].items] == [("delete", "Text.")]


def test_diff_values_with_given_fields():
    diffs = diff_values({"name": "A"}, {"name": "A"}, fields=["leaders", "name"])
    assert [(d.field, d.changed) for d in diffs] == [
        ("leaders", False),
        ("name", False),
    ]


def test_none_counts_as_empty():
    assert not diff_field("logo", None, "").changed
    assert not diff_field("founding", None, []).changed
    assert not diff_field("leaders", None, []).changed


# Rendering -------------------------------------------------------------------


def render(diff: FieldDiff) -> str:
    return render_to_string("includes/diff.html", {"diff": diff})


def test_unchanged_field_renders_unchanged():
    html = render(diff_field("name", "Same", "Same"))
    assert '<p class="diff-unchanged">Unchanged</p>' in html
    assert "<ins" not in html


def test_text_diff_renders_ins_and_del_with_hidden_labels():
    html = render(diff_field("name", "Liwa al-Baqir", "Liwa al-Baqir Brigade"))
    assert re.search(r'<div class="diff-text" dir="auto">Liwa al-Baqir<ins>', html)
    assert (
        '<ins><span class="visually-hidden" dir="ltr">inserted: </span>'
        " Brigade</ins></div>"
    ) in html
    html = render(diff_field("name", "Old name", "New name"))
    assert (
        '<del><span class="visually-hidden" dir="ltr">deleted: </span>Old</del>'
    ) in html


def test_prose_is_compared_claim_by_claim():
    html = render(diff_field("background", "One.\n\nTwo.", "One.\n\nTwo, three."))
    assert '<li class="diff-equal" dir="auto">One.</li>' in html
    assert (
        '<li class="diff-change diff-text" dir="auto">'
        '<span class="visually-hidden" dir="ltr">changed: </span>Two'
        '<ins><span class="visually-hidden" dir="ltr">inserted: </span>, three</ins>'
        ".</li>"
    ) in html


def test_list_diff_marks_each_item():
    html = render(
        diff_field("weapons", ["Mortars", "Kornet", "Rockets"], ["Mortars", "Drones"])
    )
    assert '<ul class="diff-list">' in html
    assert '<li class="diff-equal" dir="auto">Mortars</li>' in html
    assert (
        '<li class="diff-change diff-text" dir="auto">'
        '<span class="visually-hidden" dir="ltr">changed: </span>'
        '<del><span class="visually-hidden" dir="ltr">deleted: </span>Kornet</del>'
        '<ins><span class="visually-hidden" dir="ltr">inserted: </span>Drones</ins>'
        "</li>"
    ) in html
    assert (
        '<li class="diff-delete" dir="auto"><del>'
        '<span class="visually-hidden" dir="ltr">deleted: </span>Rockets</del></li>'
    ) in html


def test_list_insert_renders_ins():
    html = render(diff_field("tags", [], ["iraq"]))
    assert (
        '<li class="diff-insert" dir="auto"><ins>'
        '<span class="visually-hidden" dir="ltr">inserted: </span>iraq</ins></li>'
    ) in html


def test_rows_diff_says_each_change_in_words():
    old = [KHALID, SAMI]
    new = [{**KHALID, "role": "Secretary-general"}, {"name": "Ali", "role": ""}]
    html = render(diff_field("leaders", old, [*new, {"name": "Zaid", "role": ""}]))
    assert '<table class="diff-rows">' in html
    assert '<th scope="col">Aliases</th>' in html
    assert '<td class="diff-op">Changed</td>' in html
    assert '<td class="diff-op">Added</td>' in html
    assert (
        '<td class="diff-text" dir="auto"><del>'
        '<span class="visually-hidden" dir="ltr">deleted: </span>Commander</del>'
        '<ins><span class="visually-hidden" dir="ltr">inserted: </span>'
        "Secretary-general</ins></td>"
    ) in html
    html = render(diff_field("leaders", old, [SAMI]))
    assert '<td class="diff-op">Removed</td>' in html
    assert '<td class="diff-op">Unchanged</td>' in html


def test_notes_render_by_number():
    old = [{"number": 1, "text": "Reuters."}]
    new = [{"number": 1, "text": "Reuters."}, {"number": 2, "text": "AP."}]
    html = render(diff_field("citations", old, new))
    assert '<th scope="col">Number</th>' in html
    assert "inserted: </span>2</ins>" in html
    assert "inserted: </span>AP.</ins>" in html


@pytest.mark.parametrize(
    ("field", "old", "new"),
    [
        ("name", "Safe", "<script>alert(1)</script>"),
        ("weapons", [], ["<script>alert(1)</script>"]),
        ("weapons", ["<script>x</script>"], []),
        ("weapons", ["<b>x</b>"], ["<script>alert(1)</script>"]),
        ("background", "<b>x</b>", "<script>alert(1)</script> <b>x</b>"),
        ("leaders", [], [{"name": "<script>alert(1)</script>", "role": ""}]),
        ("citations", [], [{"number": 1, "text": "<script>alert(1)</script>"}]),
    ],
)
def test_user_text_is_escaped(field, old, new):
    html = render(diff_field(field, old, new))
    assert "<script" not in html
    assert "<b>" not in html
    assert "&lt;" in html


# Bounded work ------------------------------------------------------------------


def reads_back(segments: list[Segment], old: str, new: str) -> bool:
    return "".join(s.text for s in segments if s.op != "insert") == old and (
        "".join(s.text for s in segments if s.op != "delete") == new
    )


def test_a_text_too_large_for_words_is_compared_by_lines():
    line = "The group fought near Aleppo in 2016 and again in 2017.\n"
    old = line * 4000  # 224,000 characters: past MAX_WORD_DIFF_CHARS
    new = line * 2000 + "A new line.\n" + line * 2000
    assert len(old) > diff.MAX_WORD_DIFF_CHARS

    result = diff_field("flag_text", old, new)

    assert result.notice == diff.BY_LINES
    assert result.segments == [eq(line * 2000), ins("A new line.\n"), eq(line * 2000)]


def test_a_text_too_large_for_lines_is_shown_whole():
    old = "a\n" * (diff.MAX_LINE_DIFF_CHARS // 2 + 1)
    new = old + "b"

    result = diff_field("flag_text", old, new)

    assert result.notice == diff.WHOLE
    assert result.segments == [dele(old), ins(new)]


def test_past_the_deadline_a_change_is_shown_whole():
    result = diff_field(
        "flag_text", "The group fought", "The armed group fought", deadline=0
    )

    assert result.notice == diff.ROUGH
    assert result.segments == [dele("The group fought"), ins("The armed group fought")]
    assert diff_words("same", "same", deadline=0) == [eq("same")]


def test_the_deadline_is_shared_by_every_row_and_item():
    rows = diff_rows(
        [KHALID], [{**KHALID, "role": "Deputy"}], key=None, deadline=time.time() - 1
    )
    assert rows[0].fields == {"role": [dele("Commander"), ins("Deputy")]}
    items = diff_items(["Kornet missiles"], ["Kornet anti-tank missiles"], deadline=0)
    assert items[0].words == [
        dele("Kornet missiles"),
        ins("Kornet anti-tank missiles"),
    ]


def test_a_diff_cut_short_still_gives_back_both_texts():
    # Unrelated texts: Myers' algorithm has the most to do, and stops when the
    # time is up wherever it is.
    old = " ".join(f"w{n}" for n in range(3000))
    new = " ".join(f"v{n}" for n in range(3000))
    for seconds in (0.0, 0.001, 0.01):
        segments = diff_words(old, new, deadline=time.time() + seconds)
        assert reads_back(segments, old, new)


def test_an_unchanged_field_has_no_notice_even_when_large():
    text = "x" * (diff.MAX_LINE_DIFF_CHARS + 1)

    result = diff_field("flag_text", text, text)

    assert (result.changed, result.notice, result.segments) == (False, "", [eq(text)])


def test_the_notice_is_shown_above_a_coarse_diff():
    html = render(diff_field("flag_text", "Old text", "New text", deadline=0))

    assert re.search(
        rf'<p class="diff-notice">{diff.ROUGH}</p>\s*<div class="diff-text" '
        'dir="auto"><del><span class="visually-hidden" dir="ltr">deleted: </span>'
        "Old text</del>",
        html,
    )
    assert "diff-notice" not in render(diff_field("flag_text", "Old", "New"))


def test_long_repetitive_items_are_still_paired_by_likeness():
    # Similarity reads the first few hundred characters of each item, by
    # pairs of characters: difflib's ratio took a third of a second on each
    # pair of such items.
    old = ["r " * 5000, "s " * 5000]
    new = ["r " * 4999 + "x", "t " * 10, "s " * 5000 + "y"]

    changes = diff_items(old, new)

    assert [(c.op, c.old, c.new) for c in changes] == [
        ("change", old[0], new[0]),
        ("insert", None, new[1]),
        ("change", old[1], new[2]),
    ]


# Markup, moves -----------------------------------------------------------------

INS = '<ins><span class="visually-hidden" dir="ltr">inserted: </span>'
DEL = '<del><span class="visually-hidden" dir="ltr">deleted: </span>'
REL = 'rel="nofollow noopener noreferrer"'


def note_diff(old: str, new: str) -> str:
    return render(
        diff_field(
            "citations", [{"number": 1, "text": old}], [{"number": 1, "text": new}]
        )
    )


def test_a_change_inside_italics_keeps_them_on_both_sides():
    html = note_diff("See *Foo Bar* now", "See *Foo Baz* now")

    assert (
        f"See <em>Foo </em>{DEL}<em>Bar</em></del>{INS}<em>Baz</em></ins> now"
    ) in html
    assert "*" not in html


def test_a_change_inside_a_link_links_each_side_to_its_own_address():
    html = render(
        diff_field(
            "background", "See <https://a.example/x>.", "See <https://b.example/x>."
        )
    )

    assert (
        f'See <a href="https://b.example/x" {REL}>https://</a>'
        f'{DEL}<a href="https://a.example/x" {REL}>a</a></del>'
        f'{INS}<a href="https://b.example/x" {REL}>b</a></ins>'
        f'<a href="https://b.example/x" {REL}>.example/x</a>.'
    ) in html
    assert "&lt;https" not in html


def test_italics_are_rendered_only_where_the_profile_page_renders_them():
    # The profile page shows a note's *Publication* in italics, prose as written.
    assert "<em>" not in render(diff_field("background", "*a* b", "*a* c"))
    assert "<em>a</em>" in note_diff("*a* b", "*a* c")


def test_adding_italics_shows_the_added_marks():
    assert note_diff("word", "*word*") == note_diff("word", "*word*")
    html = note_diff("a word", "a *word*")

    assert f"{INS}*</ins><em>word</em>{INS}*</ins>" in html


def test_hostile_markup_in_a_diff_is_escaped():
    html = note_diff(
        "<script>alert(1)</script> *open",
        "<script>alert(2)</script> *open <javascript:alert(1)> javascript:x "
        '<img src=x onerror=alert(1)> https://x.org/a"onmouseover="b',
    )

    assert "<script" not in html
    assert "&lt;script&gt;alert(" in html
    assert "<img" not in html
    assert "javascript:" in html  # shown as text
    assert 'href="javascript' not in html
    assert not re.search(r"<[^>]*\s(onmouseover|onerror)=", html)
    assert 'href="https://x.org/a"' in html
    assert "*open" in html  # an unbalanced star stays text
    # Balanced: every inline element opened is closed.
    for tag in ("ins", "del", "em", "a", "span"):
        assert html.count(f"<{tag}") == html.count(f"</{tag}>"), tag


def test_items_and_rows_render_their_markup():
    items = render(
        diff_field("size", ["See <https://a.org/>"], ["Big", "See <https://a.org/>"])
    )
    rows = note_diff("old", "*New Review*, <https://b.org/r>")

    assert (
        f'<li class="diff-equal" dir="auto">See <a href="https://a.org/" {REL}>'
        in items
    )
    assert f"{INS}Big</ins>" in items
    assert f"{INS}<em>New Review</em>, " in rows
    assert f'<a href="https://b.org/r" {REL}>https://b.org/r</a>' in rows


def test_an_item_moved_is_a_move_with_both_positions():
    changes = diff_items(["a", "b", "c", "d"], ["b", "c", "a", "e"])

    assert ItemChange("move", "a", "a", [], 1, 3) in changes
    assert [c.op for c in changes] == ["equal", "equal", "delete", "move", "insert"]
    assert not any(c.op == "delete" and c.old == "a" for c in changes)


def test_two_items_swapped_are_one_kept_and_one_moved():
    changes = diff_items(["a", "b"], ["b", "a"])

    assert [(c.op, c.new, c.old_position, c.new_position) for c in changes] == [
        ("equal", "b", None, None),
        ("move", "a", 1, 2),
    ]


def test_a_reordering_only_says_so():
    field_diff = diff_field("size", ["a", "b", "c"], ["c", "a", "b"])
    html = render(field_diff)

    assert field_diff.reordered_only
    assert "Only the order changed" in html
    assert (
        '<li class="diff-move" dir="auto"><span class="diff-moved" dir="ltr">'
        "Moved from 3 to 1:</span> c</li>"
    ) in html
    assert "<del>" not in html
    assert "<ins>" not in html


def test_an_edit_is_not_a_reordering():
    field_diff = diff_field("size", ["a", "b"], ["b", "a", "c"])

    assert not field_diff.reordered_only
    assert "Only the order changed" not in render(field_diff)


# Claims --------------------------------------------------------------------------


def test_a_sentence_added_to_prose_is_one_claim_added():
    old = "The group formed in 2013.¹ It fights in Aleppo.²"
    new = "The group formed in 2013.¹ It grew fast.³ It fights in Aleppo.²"

    field_diff = diff_field("background", old, new)

    assert field_diff.kind == "list"
    assert [(item.op, item.old, item.new) for item in field_diff.items] == [
        ("equal", "The group formed in 2013.¹", "The group formed in 2013.¹"),
        ("insert", None, "It grew fast.³"),
        ("equal", "It fights in Aleppo.²", "It fights in Aleppo.²"),
    ]
    assert [item.op for item in field_diff.item_changes] == ["insert"]


def test_a_claims_annotation_changes_part_by_part():
    old = "Roughly 3,000 fighters.⁶ [reported; as of 2017-01/2017-04]"
    new = "Roughly 3,000 fighters.⁶ [disputed; as of 2018]"

    [item] = diff_field("size", [old], [new]).items

    assert item.words == [
        eq("Roughly 3,000 fighters.⁶ ["),
        dele("reported"),
        ins("disputed"),
        eq("; "),
        dele("as of 2017-01/2017-04"),
        ins("as of 2018"),
        eq("]"),
    ]
    assert [str(change) for change in item.claim_changes] == [
        "status: reported → disputed",
        "as of: early 2017 → 2018",
    ]


def test_a_status_given_and_a_note_added_are_said_in_words():
    [item] = diff_items(
        ["Founded in 2013.¹"], ["Founded in 2013.¹ ² [claimed by the group]"]
    )

    assert item.words == [eq("Founded in 2013.¹"), ins(" ² [claimed by the group]")]
    assert [str(change) for change in item.claim_changes] == [
        "status: confirmed → claimed by the group",
        "notes: 1 → 1, 2",
    ]


def test_a_locator_and_a_review_date_are_said_in_words():
    [item] = diff_items(
        ["Drones.⁴"], ["Drones.⁴ [review by 2027-06-01; note 4, p. 12]"]
    )

    assert [str(change) for change in item.claim_changes] == [
        "review by: none → 1 June 2027",
        "notes: 4 → 4 (p. 12)",
    ]


def test_tags_are_not_claims():
    [item] = diff_field("tags", ["iraq [reported]"], ["iraq [disputed]"]).items
    assert item.claim_changes == ()
    assert item.words == [eq("iraq ["), dele("reported"), ins("disputed"), eq("]")]


def test_a_leaders_status_is_said_in_words():
    old = {"name": "Abu Ali", "aliases": [], "role": "spokesman.³"}
    new = {"name": "Abu Ali", "aliases": [], "role": "spokesman.³ [disputed]"}

    [row] = diff_field("leaders", [old], [new]).rows

    assert row.fields == {"role": [eq("spokesman.³"), ins(" [disputed]")]}
    assert [str(change) for change in row.claim_changes] == [
        "status: confirmed → disputed"
    ]


def test_only_the_paragraphs_of_prose_changed_says_so():
    field_diff = diff_field("background", "One.¹ Two.²", "One.¹\n\nTwo.²")

    assert field_diff.changed
    assert field_diff.item_changes == []
    assert field_diff.notice == diff.LAYOUT
    assert diff.LAYOUT in render(field_diff)


def test_a_prose_claim_too_large_for_words_is_compared_by_lines():
    line = "The group fought near Aleppo in 2016 and again in 2017.\n"
    old = line * 4000
    new = line * 2000 + "A new line.\n" + line * 2000

    field_diff = diff_field("background", old, new)

    assert field_diff.notice == diff.BY_LINES
    [item] = field_diff.items
    # A prose field is read stripped: its last line ends without its break.
    rest = line * 1999 + line.strip()
    assert item.words == [eq(line * 2000), ins("A new line.\n"), eq(rest)]


def test_item_keys_name_the_change_and_its_places():
    first = diff_items(["a", "b"], ["a", "c", "b"])
    again = diff_items(["a", "b"], ["a", "c", "b"])
    other = diff_items(["a", "b"], ["a", "d", "b"])

    assert [c.key for c in first] == [c.key for c in again]
    assert first[1].key.startswith("n2x")
    assert first[1].key != other[1].key
    assert diff_items(["a", "b"], ["b"])[0].key.startswith("o1x")
    assert diff_items(["a"], ["b"])[0].key.startswith("o1n1x")


prose_text = st.lists(
    st.sampled_from(
        [
            "Fact",
            " ",
            "  ",
            ".",
            "¹",
            "²³",
            " ¹",
            "\n",
            "\n\n",
            "\n \n",
            "[reported]",
            " [as of 2017; note 1, p. 2]",
            "[sic]",
            "x",
            "ب",
            "\t",
        ]
    ),
    max_size=30,
).map("".join)


@settings(deadline=None, max_examples=300, derandomize=True)
@given(text=prose_text)
def test_prose_read_paragraph_by_paragraph_renders_back(text):
    claims = diff.prose_claims(text)

    assert render_prose(claims) == text.strip()


def test_prose_read_paragraph_by_paragraph_is_read_as_a_whole_is():
    text = (
        "The group formed in 2013.¹ ² It fought in Aleppo.³ [reported]\n\n"
        "  It grew [sic] in 2015.⁴ [as of 2015; note 4, p. 2]\n \nNo mark here."
    )
    assert [(c.text, c.citations, c.status) for c in diff.prose_claims(text)] == [
        (c.text, c.citations, c.status) for c in parse_prose(text)
    ]


def test_prose_is_read_in_time_proportional_to_its_length():
    # Paragraphs without marks: each one read once, not the rest of the
    # text once per paragraph.
    text = "\n\n".join("Words without any mark at all " * 10 for _ in range(3000))
    start = time.perf_counter()
    items = diff.prose_items(text)
    assert len(items) == 3000
    assert time.perf_counter() - start < 1.0
