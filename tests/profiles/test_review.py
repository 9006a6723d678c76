import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles import workflow
from profiles.models import ChangeRequest, ProposedChange
from tests.factories import SourceFactory, UserFactory, editor_user, publish_profile
from tests.pages import html_of, text_of

pytestmark = pytest.mark.django_db

CONFLICT_MESSAGE = (
    "Changed since this request was written: Size. "
    "Choose or edit the value to publish for each."
)


def propose(profile, author, summary="Update", **values):
    """An edit-form request citing a fresh source for every field."""
    source = SourceFactory()
    return workflow.submit_change_request(
        profile=profile,
        author=author,
        summary=summary,
        proposals={f: workflow.Proposal(v, [source]) for f, v in values.items()},
    )


def decide(client, change_request, action="approve", **data):
    """Posts the decision form: every field accepted unless `data` says
    otherwise."""
    form = {
        f"{change.field}-decision": "accept" for change in change_request.changes.all()
    }
    form.update(data, action=action)
    return client.post(reverse("review:decide", args=[change_request.pk]), form)


def request_links(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/review/(\d+)/"', html)]


def section_html(html: str, field: str) -> str:
    match = re.search(
        rf'<section[^>]* id="change-{field}"[^>]*>(.*?)</section>', html, re.S
    )
    assert match, f"no section for {field}"
    return match[1]


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def detail_url(change_request) -> str:
    return reverse("review:detail", args=[change_request.pk])


# The queue ----------------------------------------------------------------------


def test_queue_lists_pending_requests_oldest_first(client, editor, reviewer, profile):
    first = propose(profile, editor, "First", size=["Bigger"])
    second = propose(profile, editor, "Second", weapons=["Rifles"])
    decided = propose(profile, editor, "Decided", founding=["2014"])
    workflow.reject(decided, reviewer=reviewer, reason="No.")
    client.force_login(reviewer)

    html = html_of(client.get(reverse("review:queue")))

    assert request_links(html) == [first.pk, second.pk]
    row = re.search(r"<tr>\s*<th scope=\"row\"[^>]*>.*?</tr>", html, re.S)[0]
    assert text_of(row) == "First Test Brigade editor 0 minutes Size Version 1"
    assert "2 requests waiting for review, oldest first." in html


def test_queue_names_a_new_profile(client, editor, reviewer):
    workflow.submit_change_request(
        profile=None,
        author=editor,
        summary="Add a group",
        proposals={"name": workflow.Proposal("Fresh Brigade", [SourceFactory()])},
    )
    client.force_login(reviewer)

    html = html_of(client.get(reverse("review:queue")))

    assert '<td data-label="Profile" dir="auto">New profile: Fresh Brigade</td>' in html
    assert '<td data-label="Based on">New profile</td>' in html


def test_queue_filters_by_profile_and_author(client, editor, reviewer, profile):
    other_profile = publish_profile("Other Brigade")
    other_editor = editor_user(username="other")
    mine_here = propose(profile, editor, size=["Bigger"])
    mine_there = propose(other_profile, editor, size=["Bigger"])
    theirs_here = propose(profile, other_editor, weapons=["Rifles"])
    client.force_login(reviewer)
    url = reverse("review:queue")

    by_profile = html_of(client.get(url, {"profile": "test-brigade"}))
    by_author = html_of(client.get(url, {"author": "other"}))
    by_both = html_of(client.get(url, {"profile": "other-brigade", "author": "editor"}))

    assert request_links(by_profile) == [mine_here.pk, theirs_here.pk]
    assert request_links(by_author) == [theirs_here.pk]
    assert request_links(by_both) == [mine_there.pk]
    assert '<label for="queue-profile">Profile</label>' in by_profile
    assert '<label for="queue-author">Author</label>' in by_profile
    assert '<option value="test-brigade" selected>Test Brigade</option>' in by_profile
    assert '<option value="other" selected>other</option>' in by_author


def test_queue_refuses_editors(client, editor):
    client.force_login(editor)

    assert client.get(reverse("review:queue")).status_code == 403


def test_queue_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("review:queue"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/review/"


def test_queue_query_count_does_not_grow_with_requests(client, reviewer, profile):
    client.force_login(reviewer)
    url = reverse("review:queue")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            html_of(client.get(url))
        return len(queries)

    propose(profile, editor_user(), size=["Bigger"])
    one = count()
    for i in range(9):
        propose(profile, editor_user(), weapons=[f"Rifles {i}"], founding=["2014"])
    assert count() == one


# My requests --------------------------------------------------------------------


def test_my_requests_lists_own_requests_with_the_reviewers_note(
    client, editor, reviewer, profile
):
    sent_back = propose(profile, editor, "Sent back", size=["Bigger"])
    workflow.request_changes(sent_back, reviewer=reviewer, comment="Which year?")
    pending = propose(profile, editor, "Pending", weapons=["Rifles"])
    propose(profile, editor_user(), "Someone else's", founding=["2014"])
    client.force_login(editor)

    html = html_of(client.get(reverse("review:mine")))

    assert request_links(html) == [pending.pk, sent_back.pk]
    rows = [text_of(row) for row in re.findall(r"<tbody>(.*?)</tbody>", html, re.S)]
    assert "Sent back Test Brigade" in rows[0]
    assert "Changes requested reviewer Which year? Edit request" in rows[0]
    assert f'href="/review/{pending.pk}/edit/"' in html
    assert f'<form method="post" action="/review/{sent_back.pk}/withdraw/"' in html


def test_my_requests_needs_the_editor_role(client):
    client.force_login(UserFactory())

    assert client.get(reverse("review:mine")).status_code == 403


# The request page ---------------------------------------------------------------


def test_request_page_shows_the_word_diff_and_sources(
    client, editor, reviewer, profile
):
    source = SourceFactory(
        title="Fighters counted", publication="Monitor", date="May 2021"
    )
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="New estimate",
        proposals={"size": workflow.Proposal(["About 900 fighters in 2021"], [source])},
    )
    client.force_login(reviewer)

    html = html_of(client.get(detail_url(change_request)))

    size = section_html(html, "size")
    assert '<h2 id="change-size-heading">Size</h2>' in size
    assert "<h3>Compared with version 1</h3>" in size
    assert (
        '<del><span class="visually-hidden" dir="ltr">deleted: </span>500</del>'
        '<ins><span class="visually-hidden" dir="ltr">inserted: </span>900</ins>'
    ) in size
    assert (
        f'<a href="{source.url}" rel="nofollow noopener noreferrer">'
        "<cite>Fighters counted</cite></a>, <i>Monitor</i>, May 2021"
    ) in size
    assert "Accept or reject the change to Size" in size
    assert 'name="size-decision" value="accept"' in size
    assert '<h1 dir="auto">New estimate</h1>' in html
    assert "Pending review" in html


def test_request_page_links_only_web_sources(client, editor, reviewer, profile):
    source = SourceFactory(title="Old file", url="ftp://example.org/file")
    change_request = workflow.submit_change_request(
        profile=profile,
        author=editor,
        summary="Update",
        proposals={"size": workflow.Proposal(["Bigger"], [source])},
    )
    client.force_login(reviewer)

    size = section_html(html_of(client.get(detail_url(change_request))), "size")

    assert "<cite>Old file</cite>" in size
    assert "ftp://" not in size


def test_request_page_for_a_new_profile_compares_with_nothing(client, editor, reviewer):
    change_request = workflow.submit_change_request(
        profile=None,
        author=editor,
        summary="Add a group",
        proposals={"name": workflow.Proposal("Fresh Brigade", [SourceFactory()])},
    )
    client.force_login(reviewer)

    html = html_of(client.get(detail_url(change_request)))

    assert "<h3>Proposed value for a new profile</h3>" in html
    assert (
        '<ins><span class="visually-hidden" dir="ltr">inserted: </span>'
        "Fresh Brigade</ins>"
    ) in html
    assert "No published version: a new profile" in html


def test_request_page_is_for_its_author_and_reviewers(client, editor, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    client.force_login(editor_user())

    assert client.get(detail_url(change_request)).status_code == 403
    client.force_login(editor)
    html = html_of(client.get(detail_url(change_request)))
    assert f'href="/review/{change_request.pk}/edit/"' in html
    assert f'<form method="post" action="/review/{change_request.pk}/withdraw/"' in html
    assert 'name="action"' not in html


def test_unknown_request_is_not_found(client, reviewer):
    client.force_login(reviewer)

    assert client.get(reverse("review:detail", args=[999])).status_code == 404


def test_request_page_query_count_does_not_grow_with_changes(
    client, editor, reviewer, profile
):
    one_field = propose(profile, editor, size=["Bigger"])
    ten_fields = propose(
        profile,
        editor,
        size=["Bigger"],
        weapons=["Rifles"],
        founding=["2014"],
        political_wing=["A party"],
        atrocities=["A massacre"],
        areas_of_operation=["Aleppo"],
        social_media=["@brigade"],
        current_designations=["None"],
        english_name="Test gloss",
        background="A small test group. Fact 1.¹ More.",
    )
    client.force_login(reviewer)

    def count(change_request) -> int:
        with CaptureQueriesContext(connection) as queries:
            html_of(client.get(detail_url(change_request)))
        return len(queries)

    assert ten_fields.changes.count() == 10
    assert count(ten_fields) == count(one_field)


# Deciding -----------------------------------------------------------------------


def test_approving_everything_publishes_the_next_version(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["About 900 fighters in 2021"])
    client.force_login(reviewer)

    response = decide(client, change_request, comment="Well sourced.")

    assert response.status_code == 302
    assert response["Location"] == detail_url(change_request)
    profile.refresh_from_db()
    assert profile.version == 2
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.APPROVED
    assert change_request.decision_note == "Well sourced."
    page = client.get(response["Location"])
    assert page_messages(page) == ["Published as version 2."]
    published = html_of(client.get(profile.get_absolute_url()))
    assert "About 900 fighters in 2021" in published


def test_approving_some_fields_publishes_only_those(client, editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    client.force_login(reviewer)

    response = decide(
        client,
        change_request,
        **{
            "size-decision": "accept",
            "weapons-decision": "reject",
            "weapons-reason": "No source says so",
        },
    )

    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.version, profile.size, profile.weapons) == (2, "Bigger", "")
    decisions = dict(change_request.changes.values_list("field", "decision"))
    assert decisions == {"size": "accepted", "weapons": "rejected"}
    assert change_request.changes.get(field="weapons").reason == "No source says so"


def test_rejecting_a_field_without_reason_shows_the_error(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    client.force_login(reviewer)

    response = decide(client, change_request, **{"weapons-decision": "reject"})

    html = html_of(response)
    weapons = section_html(html, "weapons")
    assert (
        '<ul class="errorlist" id="id_weapons-reason_error">'
        "<li>Give a reason for rejecting this change.</li></ul>"
    ) in weapons
    assert 'aria-invalid="true"' in weapons
    assert (
        '<a href="#id_weapons-reason">Weapons: Give a reason for rejecting this '
        "change.</a>"
    ) in html
    assert 'value="reject" id="id_weapons-decision_1" checked' in weapons
    profile.refresh_from_db()
    assert profile.version == 1
    assert set(change_request.changes.values_list("decision", flat=True)) == {
        ProposedChange.Decision.PENDING
    }


def test_rejecting_the_request_needs_a_comment(client, editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    client.force_login(reviewer)

    refused = decide(client, change_request, "reject", comment=" ")

    assert "Say why the request is rejected." in html_of(refused)
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.PENDING

    response = decide(client, change_request, "reject", comment="A rumour.")

    assert response.status_code == 302
    assert page_messages(client.get(response["Location"])) == ["Rejected."]
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.REJECTED
    assert change_request.decision_note == "A rumour."
    profile.refresh_from_db()
    assert profile.version == 1


def test_requesting_changes_sends_the_request_back(client, editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    client.force_login(reviewer)

    response = decide(client, change_request, "request_changes", comment="Which year?")

    assert response.status_code == 302
    assert page_messages(client.get(response["Location"])) == [
        "Sent back to the author."
    ]
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.CHANGES_REQUESTED
    assert change_request.decision_note == "Which year?"
    assert change_request.reviewer == reviewer


def test_reviewers_cannot_approve_their_own_request(client, reviewer, profile):
    change_request = propose(profile, reviewer, size=["Bigger"])
    client.force_login(reviewer)

    page = html_of(client.get(detail_url(change_request)))
    response = decide(client, change_request)

    assert 'name="action"' not in page
    assert "You wrote this request, so another reviewer decides on it." in page
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.version == 1


def test_superusers_cannot_approve_their_own_request(client, admin_user, profile):
    change_request = propose(profile, admin_user, size=["Bigger"])
    client.force_login(admin_user)

    response = decide(client, change_request)

    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.version == 1
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.PENDING


def test_editors_cannot_decide(client, editor, profile):
    change_request = propose(profile, editor_user(), size=["Bigger"])
    client.force_login(editor)

    assert decide(client, change_request).status_code == 403


def test_deciding_twice_says_the_request_is_decided(client, editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    workflow.reject(change_request, reviewer=reviewer, reason="No.")
    client.force_login(reviewer)

    response = decide(client, change_request)

    assert response.status_code == 302
    assert page_messages(client.get(response["Location"])) == [
        "Cannot approve a request that is rejected."
    ]


def test_decide_answers_only_post(client, editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    client.force_login(reviewer)

    url = reverse("review:decide", args=[change_request.pk])
    assert client.get(url).status_code == 405


def test_a_decided_request_shows_its_decision_and_no_form(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    workflow.approve(
        change_request,
        reviewer=reviewer,
        decisions={"weapons": workflow.FieldDecision(False, reason="Too vague")},
        note="Size only.",
    )
    client.force_login(reviewer)

    html = html_of(client.get(detail_url(change_request)))

    assert 'name="action"' not in html
    assert '<form method="post" action="/review/' not in html
    assert text_of(section_html(html, "weapons")).endswith(
        "Decision: Rejected. Reason: Too vague"
    )
    assert text_of(section_html(html, "size")).endswith("Decision: Accepted")
    # Compared with the version it replaced, not with itself.
    assert "<h3>Compared with version 1</h3>" in section_html(html, "size")
    assert "Unchanged" not in section_html(html, "size")
    facts = text_of(re.search(r'<dl class="request-facts">(.*?)</dl>', html, re.S)[1])
    assert "Status Approved" in facts
    assert "Reviewer’s note Size only." in facts
    assert "Published as Version 2" in facts


# Conflicts ----------------------------------------------------------------------


@pytest.fixture
def conflicting(editor, reviewer, profile):
    """A request for the size, based on version 1, after another change to the
    size was published as version 2."""
    first = propose(profile, editor_user(), size=["Bigger"])
    second = propose(profile, editor, size=["Smaller"], weapons=["Rifles"])
    workflow.approve(first, reviewer=reviewer)
    return second


def test_a_conflict_shows_base_published_and_proposed_values(
    client, reviewer, conflicting
):
    client.force_login(reviewer)

    html = html_of(client.get(detail_url(conflicting)))

    size = section_html(html, "size")
    assert (
        '<h3 id="conflict-size-heading">Changed since this request was written</h3>'
        in size
    )
    rows = re.findall(r"<tr>(.*?)</tr>", size.split("</table>")[0], re.S)
    assert [text_of(row) for row in rows] == [
        "In version 1, when this request was written About 500 fighters in 2019",
        "Published now, version 2 Bigger",
        "Proposed in this request Smaller",
    ]
    assert "Value to publish for Size" in size
    assert (
        '<textarea name="size-edited" cols="40" rows="5" dir="auto" '
        'aria-describedby="id_size-edited_helptext" id="id_size-edited">\nSmaller'
        "</textarea>"
    ) in size
    assert "Changed since" not in section_html(html, "weapons")


def test_approving_a_conflict_without_resolving_it_is_refused(
    client, reviewer, profile, conflicting
):
    client.force_login(reviewer)

    response = decide(client, conflicting)

    html = html_of(response)
    assert f"<li>{CONFLICT_MESSAGE}</li>" in html
    assert "<li>Choose the value to publish.</li>" in section_html(html, "size")
    profile.refresh_from_db()
    assert (profile.version, profile.size, profile.weapons) == (2, "Bigger", "")


def test_a_conflict_resolved_with_an_edited_value_publishes_it(
    client, reviewer, profile, conflicting
):
    client.force_login(reviewer)

    response = decide(
        client,
        conflicting,
        **{
            "size-resolution": "edited",
            "size-edited": "Between 400 and 900\r\n\r\nIn 2021\r\n",
        },
    )

    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.version, profile.items("size"), profile.weapons) == (
        3,
        ["Between 400 and 900", "In 2021"],
        "Rifles",
    )
    change = conflicting.changes.get(field="size")
    assert change.published_value == ["Between 400 and 900", "In 2021"]
    html = html_of(client.get(detail_url(conflicting)))
    assert "<h3>Published instead of the proposed value</h3>" in html


def test_a_conflict_resolved_with_the_proposed_value_publishes_it(
    client, reviewer, profile, conflicting
):
    client.force_login(reviewer)

    decide(client, conflicting, **{"size-resolution": "proposed"})

    profile.refresh_from_db()
    assert (profile.version, profile.size) == (3, "Smaller")


def test_keeping_the_published_value_rejects_the_field(
    client, reviewer, profile, conflicting
):
    client.force_login(reviewer)

    response = decide(client, conflicting, **{"size-resolution": "keep"})

    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.version, profile.size, profile.weapons) == (3, "Bigger", "Rifles")
    size = conflicting.changes.get(field="size")
    assert (size.decision, size.reason) == ("rejected", "Kept the published value.")


def test_conflicting_notes_cannot_be_edited_by_hand(client, editor, reviewer, profile):
    citations = [{"number": 1, "text": "Other note. (<https://example.org/a>)"}]
    first = propose(profile, editor_user(), citations=citations)
    second = propose(
        profile,
        editor,
        citations=[{"number": 1, "text": "Mine. (<https://example.org/b>)"}],
    )
    workflow.approve(first, reviewer=reviewer)
    client.force_login(reviewer)

    notes = section_html(html_of(client.get(detail_url(second))), "citations")

    assert "Use the proposed value" in notes
    assert "Keep the published value" in notes
    assert "edited" not in notes
    assert "1. Other note. (&lt;https://example.org/a&gt;)" in notes


# Bounds (profiles.limits) --------------------------------------------------------


def form_errors(response) -> dict[str, list[str]]:
    return {
        name: list(errors) for name, errors in response.context["form"].errors.items()
    }


def test_an_edited_value_with_a_huge_footnote_mark_is_refused_beside_it(
    client, reviewer, profile, conflicting
):
    client.force_login(reviewer)

    response = decide(
        client,
        conflicting,
        **{"size-resolution": "edited", "size-edited": "About 500" + "¹" * 5000},
    )

    assert form_errors(response) == {
        "size-edited": [
            "Footnote 11111111111111111111… (5,000 digits) is out of range: notes "
            "are numbered 1 to 100,000."
        ]
    }
    profile.refresh_from_db()
    assert (profile.version, profile.size) == (2, "Bigger")


def test_an_edited_name_over_200_characters_is_refused_beside_it(
    client, editor, reviewer, profile
):
    first = propose(profile, editor_user(), name="Renamed Brigade")
    second = propose(profile, editor, name="Other Brigade")
    workflow.approve(first, reviewer=reviewer)
    client.force_login(reviewer)

    response = decide(
        client, second, **{"name-resolution": "edited", "name-edited": "N" * 201}
    )

    assert form_errors(response) == {
        "name-edited": ["This name is 201 characters long; the most is 200."]
    }
    profile.refresh_from_db()
    assert (profile.version, profile.name) == (2, "Renamed Brigade")


@pytest.mark.parametrize(
    ("character", "code"), [("\x00", "U+0000"), ("\x01", "U+0001")]
)
def test_a_control_character_in_the_decision_form_is_refused_beside_it(
    client, reviewer, profile, conflicting, character, code
):
    client.force_login(reviewer)

    response = decide(
        client,
        conflicting,
        comment=f"Fi{character}ne",
        **{"size-resolution": "edited", "size-edited": f"Ab{character}out 500"},
    )

    message = f"Remove the control character {code}: text cannot hold it."
    assert form_errors(response) == {"comment": [message], "size-edited": [message]}
    profile.refresh_from_db()
    assert profile.version == 2


def test_a_reason_over_the_size_limit_is_refused_beside_it(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Smaller"])
    client.force_login(reviewer)

    response = decide(
        client,
        change_request,
        **{"size-decision": "reject", "size-reason": "x" * 100_001},
    )

    assert form_errors(response) == {
        "size-reason": ["This field is 100,001 characters long; the most is 100,000."]
    }
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.PENDING


def test_the_decision_form_carries_the_size_limit_as_maxlength(
    client, reviewer, conflicting
):
    client.force_login(reviewer)

    html = html_of(client.get(detail_url(conflicting)))

    assert re.search(r'<textarea name="comment"[^>]* maxlength="100000"', html)
    assert re.search(
        r'<input type="text" name="size-reason"[^>]* maxlength="100000"', html
    )
    # An edited list is bounded by its items, not by a length of its text.
    assert not re.search(r'<textarea name="size-edited"[^>]* maxlength', html)
