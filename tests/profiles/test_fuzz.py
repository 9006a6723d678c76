"""Hostile input, generated: the document parser, the word diff, the edit and
review forms and every public page that reads a query parameter.

Properties: the parser raises nothing but its own `DocumentError`; a diff reads
back as both texts; a page never answers 500; a form that refuses its input
writes nothing (rows counted before and after). Inputs that broke these once
are kept as `@example`s. Example counts keep the module well under a minute;
Hypothesis keeps no example database, and its cache goes to a temporary
folder, not the repository.
"""

import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from profiles import workflow
from profiles.diff import diff_field, diff_words
from profiles.document import DocumentError, parse
from profiles.models import (
    ChangeRequest,
    Citation,
    EditDraft,
    Leader,
    Profile,
    ProposedChange,
    Version,
)
from sources.models import Source
from tests.config.test_middleware import public_urls
from tests.factories import SourceFactory, editor_user, reviewer_user
from tests.profiles.test_editing import form_data

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "profiles-hypothesis")

FUZZ = settings(
    database=None,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Pieces that broke, or could break, something: control characters, marks
#: and numbers past every bound, right-to-left text and overrides, document
#: syntax, SQL and HTML specials, long runs that backtracking patterns choke on.
PIECES = [
    "\x00",
    "\x01",
    "\x0b",
    "\x1b",
    "\x7f",
    "\x85",
    "\t",
    "\r\n",
    "\n\n",
    "\u202e",
    "\u200c",
    "\ufeff",
    "لواء الباقر",
    "می‌خواهم",
    "¹",
    "¹²³",
    "⁹" * 30,
    "¹" * 5000,
    str(2**31),
    "9" * 5000,
    "-1",
    "0",
    "NOTES",
    "KEY LEADERS",
    "BACKGROUND AND ANALYSIS",
    "- ",
    "1. ",
    "Logo: ",
    " (aka ",
    "(",
    ")",
    " " * 3000,
    "a(" * 2000,
    "<script>alert(1)</script>",
    "&amp;",
    "%",
    "_",
    "\\",
    "'",
    '"',
    "#1; #999999999999",
    "https://example.org/x",
]

hostile = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.text(st.characters(codec="utf-8"), max_size=12),
    ),
    max_size=6,
).map("".join)

ROW_MODELS = (
    ChangeRequest,
    ProposedChange,
    Profile,
    Leader,
    Citation,
    Source,
    Version,
    EditDraft,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ROW_MODELS}


# The document parser ------------------------------------------------------------

document_lines = st.lists(
    st.one_of(
        hostile,
        st.sampled_from(
            [
                "",
                "SIZE",
                "KEY LEADERS",
                "BACKGROUND AND ANALYSIS",
                "NOTES",
                "- A bullet¹",
                "- Abu Test (aka Abu, Test) is the leader²",
                "1. A note.",
                "2. Another, (<https://example.org/a>)",
                "Tags: iraq, syria",
                "Alternative names: A; B",
            ]
        ),
    ),
    max_size=30,
).map("\n".join)


@settings(FUZZ, max_examples=300)
@given(text=document_lines)
@example(text="Name\n\nNOTES\n\n" + "9" * 5000 + ". A note.")
@example(text="Name\n\nSIZE\n\n- About 500" + "¹" * 5000)
@example(text="a(" * 20_000)
@example(text="Name\n\nKEY LEADERS\n\n- Abu (aka" + " " * 20_000 + "(")
@example(text="Name\x01")
def test_the_parser_raises_only_its_own_error(text):
    error = parse_error(text)

    if error is not None:
        assert error.message
        assert 0 <= error.line <= text.count("\n") + text.count("\r") + 1


def parse_error(text: str) -> DocumentError | None:
    """The parser's refusal of `text`, or None; any other exception fails."""
    try:
        parse(text)
    except DocumentError as error:
        return error
    return None


# The word diff ---------------------------------------------------------------------


@settings(FUZZ, max_examples=150)
@given(old=hostile, new=hostile)
@example(old="a b " * 5000, new="b a " * 5000)
def test_a_word_diff_reads_back_as_both_texts(old, new):
    segments = diff_field("flag_text", old, new).segments

    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new
    assert segments == diff_words(old, new) or old == new


# The edit form ---------------------------------------------------------------------

EDIT_KEYS = [
    "name",
    "english_name",
    "alternative_names",
    "tags",
    "logo",
    "size-0-text",
    "size-0-citations",
    "size-0-locators",
    "size-0-status",
    "size-0-as_of",
    "size-0-review_by",
    "size-0-written",
    "size-0-ORDER",
    "size-1-text",
    "size-TOTAL_FORMS",
    "background-0-text",
    "background-0-written",
    "background-0-lead",
    "background-1-text",
    "background-1-paragraph",
    "leaders-0-name",
    "leaders-0-aliases",
    "leaders-0-role",
    "leaders-0-ORDER",
    "leaders-TOTAL_FORMS",
    "citations-0-number",
    "citations-0-text",
    "citations-1-number",
    "citations-1-text",
    "citations-1-work",
    "citations-TOTAL_FORMS",
    "base_version",
    "summary",
    "action",
    "cite-size-sources",
    "cite-size-url",
    "cite-size-title",
]


@pytest.fixture
def edit_page(client, profile):
    """The edit page's URL and what it sends back untouched, for a signed-in
    editor; the size cites a source, so that a request can go through."""
    client.force_login(editor_user(username="fuzz-editor"))
    url = reverse("profiles:edit", args=[profile.slug])
    data = form_data(client.get(url))
    data.update(summary="Fuzz", **{"cite-size-sources": f"#{SourceFactory().pk}"})
    return url, data


@pytest.mark.django_db
@settings(FUZZ, max_examples=30)
@given(changes=st.dictionaries(st.sampled_from(EDIT_KEYS), hostile, max_size=5))
@example(changes={"background-0-text": "Text\x00"})
@example(changes={"background-0-text": "A fact." + "¹" * 5000})
@example(changes={"background-0-written": "A fact." + "¹" * 5000})
@example(changes={"size-0-written": "More [reported]", "size-0-text": "More"})
@example(changes={"size-0-as_of": "2017/", "size-0-locators": "1: p. [4]"})
@example(changes={"citations-1-number": str(2**31), "citations-1-text": "A note."})
@example(changes={"base_version": str(2**31), "size-0-text": "More"})
@example(changes={"leaders-TOTAL_FORMS": "10000"})
@example(changes={"name": "N" * 201, "size-0-text": "More"})
@example(changes={"action": "preview", "background-1-text": "¹"})
@example(changes={"action": "save_draft", "size-0-text": "\x00"})
def test_the_edit_form_never_fails_and_a_refusal_writes_nothing(
    client, edit_page, changes
):
    url, data = edit_page
    before = row_counts()

    response = client.post(url, {**data, **changes})

    assert response.status_code in (200, 302)
    after = row_counts()
    if response.status_code == 200:
        assert after == before
    elif changes.get("action") in ("save_draft", "discard_draft"):
        # The editor's draft is kept or dropped; nothing else is written.
        assert {k: v for k, v in after.items() if k != "EditDraft"} == {
            k: v for k, v in before.items() if k != "EditDraft"
        }
        assert after["EditDraft"] == (changes["action"] == "save_draft")
    else:
        assert after["ChangeRequest"] == before["ChangeRequest"] + 1
        assert after["Version"] == before["Version"]


# The review form -------------------------------------------------------------------

REVIEW_KEYS = [
    "comment",
    "size-decision",
    "size-reason",
    "size-resolution",
    "size-edited",
    "name-decision",
    "name-reason",
]


@pytest.mark.django_db
@settings(FUZZ, max_examples=15)
@given(
    action=st.sampled_from(["approve", "reject", "request_changes"]),
    fields=st.dictionaries(st.sampled_from(REVIEW_KEYS), hostile, max_size=4),
    resolution=st.sampled_from(["keep", "proposed", "edited"]),
)
@example(
    action="approve",
    fields={"size-edited": "About 500" + "¹" * 5000},
    resolution="edited",
)
@example(action="approve", fields={"size-edited": "Ab\x00out"}, resolution="edited")
@example(action="reject", fields={"comment": "No\x00"}, resolution="keep")
def test_the_review_form_never_fails_and_a_refusal_publishes_nothing(
    client, profile, action, fields, resolution
):
    reviewer = reviewer_user(username="fuzz-reviewer")
    first = workflow.submit_change_request(
        profile=profile,
        author=editor_user(username="fuzz-first"),
        summary="First",
        # Each example publishes a size of its own, so there is a change.
        proposals={
            "size": workflow.Proposal([f"Bigger {first_count()}"], [SourceFactory()])
        },
    )
    second = workflow.submit_change_request(
        profile=profile,
        author=editor_user(username="fuzz-second"),
        summary="Second",
        proposals={
            "size": workflow.Proposal(["Smaller"], [SourceFactory()]),
            "name": workflow.Proposal("Renamed", [SourceFactory()]),
        },
    )
    workflow.approve(first, reviewer=reviewer)
    client.force_login(reviewer)
    before = row_counts()

    response = client.post(
        reverse("review:decide", args=[second.pk]),
        {
            "action": action,
            "size-decision": "accept",
            "name-decision": "accept",
            "size-resolution": resolution,
            "comment": "Fuzz",
            **fields,
        },
    )

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert row_counts() == before
        second.refresh_from_db()
        assert second.status == ChangeRequest.Status.PENDING


def first_count() -> int:
    return ChangeRequest.objects.count()


# Public pages -----------------------------------------------------------------------


@pytest.mark.django_db
@settings(FUZZ, max_examples=60)
@given(which=st.integers(min_value=0), value=hostile, in_path=st.booleans())
@example(which=0, value="\x00", in_path=False)
@example(which=11, value=str(2**31), in_path=False)
@example(which=12, value="9" * 5000, in_path=False)
@example(which=0, value="%", in_path=True)
def test_public_pages_never_fail_on_any_parameter(
    client, profile, which, value, in_path
):
    urls = public_urls(profile)
    path, parameter = urls[which % len(urls)]
    if in_path:
        response = client.get(f"/profiles/{quote(value, safe='')}/")
    else:
        response = client.get(path, {parameter: value})

    assert response.status_code in (200, 301, 400, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("parameter", ["from", "to"])
def test_compare_answers_a_version_past_any_integer_without_failing(
    client, profile, parameter
):
    client.raise_request_exception = False
    url = reverse("profiles:compare", args=[profile.slug])

    response = client.get(url, {parameter: str(2**63)})

    assert response.status_code == 404
