import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from profiles import workflow
from profiles.models import ChangeRequest, ProposedChange
from profiles.review_forms import ReviewForm
from profiles.sections import FIELDS
from sources.models import Source
from tests.factories import (
    SourceFactory,
    UserFactory,
    editor_user,
    profile_values,
    publish_change,
    publish_profile,
    reviewer_user,
)
from tests.pages import html_of, text_of

pytestmark = pytest.mark.django_db

#: The queries of the queue page, however many requests it lists: the session,
#: the user and their permissions (2), the filter's editors, the count, the
#: page and its changes, the reviewer's own pending requests, and the
#: header's counts of pending requests and unread notifications.
QUEUE_QUERIES = 11

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
    assert text_of(row) == (
        f"First Test Brigade editor 0 minutes Size Version 1 Unclaimed "
        f"Claim request {first.pk}"
    )
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


def test_queue_filters_by_profile_and_editor(client, editor, reviewer, profile):
    other_profile = publish_profile("Other Brigade")
    other_editor = editor_user(username="other")
    mine_here = propose(profile, editor, size=["Bigger"])
    mine_there = propose(other_profile, editor, size=["Bigger"])
    theirs_here = propose(profile, other_editor, weapons=["Rifles"])
    client.force_login(reviewer)
    url = reverse("review:queue")

    by_slug = html_of(client.get(url, {"profile": "test-brigade"}))
    by_text = html_of(client.get(url, {"profile": "other brig"}))
    by_editor = html_of(client.get(url, {"editor": "other"}))
    by_both = html_of(client.get(url, {"profile": "other-brigade", "editor": "editor"}))

    assert request_links(by_slug) == [mine_here.pk, theirs_here.pk]
    assert request_links(by_text) == [mine_there.pk]
    assert request_links(by_editor) == [theirs_here.pk]
    assert request_links(by_both) == [mine_there.pk]
    assert '<label for="id_profile">Profile:</label>' in by_slug
    assert '<label for="id_editor">Editor:</label>' in by_slug
    assert 'value="test-brigade"' in by_slug
    assert '<option value="other" selected>other</option>' in by_editor


def aged(change_request, days: int):
    """`change_request` as if submitted `days` ago."""
    ChangeRequest.objects.filter(pk=change_request.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    return change_request


def test_queue_leaves_out_the_reviewers_own_requests(client, editor, reviewer, profile):
    theirs = propose(profile, editor, "Theirs", size=["Bigger"])
    propose(profile, reviewer, "Mine", weapons=["Rifles"])
    propose(profile, reviewer, "Mine too", founding=["2014"])
    client.force_login(reviewer)

    html = html_of(client.get(reverse("review:queue")))

    assert request_links(html) == [theirs.pk]
    assert "1 request waiting for review, oldest first." in html
    notice = re.search(r'<p class="notice">(.*?)</p>', html, re.S)[1]
    assert text_of(notice) == (
        "Your own 2 pending requests are left out: another reviewer decides them. "
        "See My changes."
    )
    assert '<a href="/review/mine/">My changes</a>' in notice


def test_queue_has_no_notice_without_own_requests(client, editor, reviewer, profile):
    propose(profile, editor, size=["Bigger"])
    client.force_login(reviewer)

    assert 'class="notice"' not in html_of(client.get(reverse("review:queue")))


def test_queue_filters_by_age(client, editor, reviewer, profile):
    old = aged(propose(profile, editor, "Old", size=["Bigger"]), 10)
    week = aged(propose(profile, editor, "A week", weapons=["Rifles"]), 7)
    new = propose(profile, editor, "New", founding=["2014"])
    client.force_login(reviewer)
    url = reverse("review:queue")

    older = html_of(client.get(url, {"older_than": "7"}))
    newer = html_of(client.get(url, {"newer_than": "7"}))
    between = html_of(client.get(url, {"older_than": "5", "newer_than": "8"}))

    assert request_links(older) == [old.pk, week.pk]
    assert request_links(newer) == [new.pk]
    assert request_links(between) == [week.pk]
    assert '<label for="id_older_than">Waiting at least (days):</label>' in older
    assert '<label for="id_newer_than">Waiting less than (days):</label>' in older


def test_queue_filters_by_size(client, editor, reviewer, profile):
    small = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    medium = propose(
        profile, editor, size=["Bigger"], weapons=["Rifles"], founding=["2014"]
    )
    large = propose(
        profile,
        editor,
        size=["Bigger"],
        weapons=["Rifles"],
        founding=["2014"],
        political_wing=["A party"],
        atrocities=["A massacre"],
        areas_of_operation=["Aleppo"],
    )
    client.force_login(reviewer)
    url = reverse("review:queue")

    assert request_links(html_of(client.get(url, {"size": "small"}))) == [small.pk]
    assert request_links(html_of(client.get(url, {"size": "medium"}))) == [medium.pk]
    assert request_links(html_of(client.get(url, {"size": "large"}))) == [large.pk]
    assert request_links(html_of(client.get(url, {"size": ""}))) == [
        small.pk,
        medium.pk,
        large.pk,
    ]


def test_queue_filters_by_claim(client, editor, reviewer, profile):
    mine = propose(profile, editor, "Mine", size=["Bigger"])
    theirs = propose(profile, editor, "Theirs", weapons=["Rifles"])
    nobodys = propose(profile, editor, "Nobody's", founding=["2014"])
    workflow.claim(mine, by=reviewer)
    workflow.claim(theirs, by=reviewer_user(username="second"))
    client.force_login(reviewer)
    url = reverse("review:queue")

    by_me = html_of(client.get(url, {"claimed": "mine"}))
    unclaimed = html_of(client.get(url, {"claimed": "unclaimed"}))
    everything = html_of(client.get(url))

    assert request_links(by_me) == [mine.pk]
    assert request_links(unclaimed) == [nobodys.pk]
    cells = [
        text_of(cell)
        for cell in re.findall(
            r"<td data-label=\"Claimed\"[^>]*>(.*?)</td>", everything, re.S
        )
    ]
    assert [cell.split(", since")[0] for cell in cells] == [
        "You",
        "Claimed by second",
        f"Unclaimed Claim request {nobodys.pk}",
    ]
    assert '<label for="id_claimed">Claimed:</label>' in everything


def test_queue_filters_by_the_name_of_a_new_profile(client, editor, reviewer, profile):
    new = workflow.submit_change_request(
        profile=None,
        author=editor,
        summary="Add a group",
        proposals={"name": workflow.Proposal("Fresh Brigade", [SourceFactory()])},
    )
    propose(profile, editor, size=["Bigger"])
    client.force_login(reviewer)

    html = html_of(client.get(reverse("review:queue"), {"profile": "fresh"}))

    assert request_links(html) == [new.pk]


def test_queue_filters_combine_and_keep_paging(client, editor, reviewer, profile):
    other = editor_user(username="other")
    wanted = [
        aged(propose(profile, other, f"Wanted {i}", size=[f"Bigger {i}"]), 10).pk
        for i in range(27)
    ]
    aged(propose(profile, editor, "Not this editor", size=["Bigger"]), 10)
    propose(profile, other, "Too new", size=["Bigger"])
    aged(
        propose(profile, other, "Too big", size=["B"], weapons=["R"], founding=["1"]),
        10,
    )
    client.force_login(reviewer)
    query = {
        "editor": "other",
        "older_than": "3",
        "size": "small",
        "claimed": "unclaimed",
    }
    url = reverse("review:queue")

    first = html_of(client.get(url, query))
    second = html_of(client.get(url, {**query, "page": "2"}))

    assert "27 requests waiting for review, oldest first." in first
    assert request_links(first) + request_links(second) == wanted
    assert (
        '<a rel="next" href="?editor=other&amp;older_than=3&amp;size=small'
        '&amp;claimed=unclaimed&amp;page=2">Next</a>'
    ) in first
    assert '<a href="/review/">Show all</a>' in first


def test_queue_ignores_an_invalid_filter_and_says_why(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"])
    client.force_login(reviewer)

    html = html_of(
        client.get(reverse("review:queue"), {"older_than": "-3", "size": "huge"})
    )

    assert request_links(html) == [change_request.pk]
    assert "Ensure this value is greater than or equal to 0." in html
    assert "Select a valid choice. huge is not one of the available choices." in html


def test_queue_query_count_is_constant_with_filters(
    client, reviewer, profile, django_assert_max_num_queries
):
    editors = [editor_user(username=f"editor{i}") for i in range(3)]
    for i in range(30):
        change_request = propose(
            profile, editors[i % 3], f"Request {i}", size=[f"Bigger {i}"]
        )
        aged(change_request, 5)
        if i % 2:
            workflow.claim(change_request, by=reviewer_user())
    client.force_login(reviewer)
    url = reverse("review:queue")

    with django_assert_max_num_queries(QUEUE_QUERIES):
        everything = html_of(client.get(url))
    with django_assert_max_num_queries(QUEUE_QUERIES):
        filtered = html_of(
            client.get(
                url,
                {
                    "profile": "brigade",
                    "editor": "editor1",
                    "older_than": "1",
                    "newer_than": "30",
                    "size": "small",
                    "claimed": "unclaimed",
                },
            )
        )
    with django_assert_max_num_queries(QUEUE_QUERIES):
        html_of(client.get(url, {"page": "2"}))

    assert len(request_links(everything)) == 25
    assert len(request_links(filtered)) == 5


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
    assert "Accept, reject or send back the change to Size" in size
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


# Claiming -----------------------------------------------------------------------


def claim_url(change_request, verb="claim") -> str:
    return reverse(f"review:{verb}", args=[change_request.pk])


def test_claim_and_release_answer_only_post(client, editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    client.force_login(reviewer)

    assert client.get(claim_url(change_request)).status_code == 405
    assert client.get(claim_url(change_request, "release")).status_code == 405
    change_request.refresh_from_db()
    assert change_request.claimed_by is None
    assert list(change_request.events.values_list("kind", flat=True)) == ["submitted"]


def test_a_reviewer_claims_a_request_and_others_see_it(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"])
    client.force_login(reviewer)
    own_page = html_of(client.get(detail_url(change_request)))
    assert "Claim: I’m on it</button>" in own_page

    response = client.post(claim_url(change_request))

    assert response.status_code == 302
    assert response["Location"] == detail_url(change_request)
    change_request.refresh_from_db()
    assert change_request.claimed_by == reviewer
    event = change_request.events.last()
    assert (event.kind, event.actor, event.at) == (
        "claimed",
        reviewer,
        change_request.claimed_at,
    )
    mine = html_of(client.get(detail_url(change_request)))
    assert "You are on this request: others see it claimed." in mine
    assert "Release: I’m no longer on it</button>" in mine
    since = re.search(r'<dd class="claim">(.*?)</dd>', mine, re.S)[1]
    assert text_of(since).startswith("You, since ")

    client.force_login(reviewer_user(username="second"))
    theirs = html_of(client.get(detail_url(change_request)))
    queue = html_of(client.get(reverse("review:queue")))
    holder = text_of(re.search(r'<dd class="claim">(.*?)</dd>', theirs, re.S)[1])
    assert holder.startswith("Claimed by reviewer, since ")
    assert "<summary>Take over…</summary>" in theirs
    assert "Claim: I’m on it" not in theirs
    assert "reviewer · Claimed ·" in text_of(theirs)
    assert "Claimed by reviewer, since" in text_of(queue)

    client.force_login(editor)
    authors = html_of(client.get(detail_url(change_request)))
    assert "Claimed by reviewer, since" in text_of(authors)
    assert claim_url(change_request) not in authors
    assert claim_url(change_request, "release") not in authors


def test_taking_over_a_claim_needs_the_confirmation(client, editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    workflow.claim(change_request, by=reviewer)
    client.force_login(reviewer_user(username="second"))

    refused = client.post(claim_url(change_request), follow=True)
    change_request.refresh_from_db()
    assert change_request.claimed_by == reviewer
    assert page_messages(refused) == [
        "reviewer has already claimed this request; take it over to claim it yourself."
    ]

    client.post(claim_url(change_request), {"take_over": "1"})

    change_request.refresh_from_db()
    assert change_request.claimed_by.username == "second"
    assert change_request.events.last().text == "Took over from reviewer."


def test_a_reviewer_releases_their_claim(client, editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    workflow.claim(change_request, by=reviewer)
    client.force_login(reviewer)

    response = client.post(claim_url(change_request, "release"), follow=True)

    change_request.refresh_from_db()
    assert (change_request.claimed_by, change_request.claimed_at) == (None, None)
    assert change_request.events.last().kind == "released"
    assert page_messages(response) == ["Released: another reviewer can claim it."]
    assert "Claim: I’m on it</button>" in html_of(response)


def test_only_the_holder_releases_from_the_page(client, editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"])
    workflow.claim(change_request, by=reviewer)
    client.force_login(reviewer_user(username="second"))

    response = client.post(claim_url(change_request, "release"), follow=True)

    assert page_messages(response) == [
        "reviewer has claimed this request; only they can release it."
    ]
    change_request.refresh_from_db()
    assert change_request.claimed_by == reviewer


def test_nobody_claims_their_own_request(client, reviewer, editor, profile):
    own = propose(profile, reviewer, size=["Bigger"])
    client.force_login(reviewer)

    assert client.post(claim_url(own)).status_code == 403
    client.force_login(editor)
    assert client.post(claim_url(own)).status_code == 403
    own.refresh_from_db()
    assert own.claimed_by is None


def queue_claim_cells(html: str) -> list[str]:
    return re.findall(r'<td data-label="Claimed" class="claim">(.*?)</td>', html, re.S)


def test_queue_rows_offer_claim_or_release_and_name_another_holder(
    client, editor, reviewer, profile
):
    unclaimed = propose(profile, editor, "Unclaimed", size=["Bigger"])
    mine = propose(profile, editor, "Mine", size=["Smaller"])
    theirs = propose(profile, editor, "Theirs", size=["Same"])
    workflow.claim(mine, by=reviewer)
    workflow.claim(theirs, by=reviewer_user(username="second"))
    client.force_login(reviewer)

    cells = queue_claim_cells(html_of(client.get(reverse("review:queue"))))

    assert [text_of(cell).split(",")[0] for cell in cells] == [
        f"Unclaimed Claim request {unclaimed.pk}",
        "You",
        "Claimed by second",
    ]
    assert f'action="{claim_url(unclaimed)}"' in cells[0]
    assert text_of(cells[1]).endswith(f"Release request {mine.pk}")
    assert f'action="{claim_url(mine, "release")}"' in cells[1]
    assert "<form" not in cells[2]
    assert "<button" not in cells[2]


def test_claiming_from_the_queue_returns_to_the_same_filtered_queue(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"])
    client.force_login(reviewer)
    filtered = reverse("review:queue") + "?editor=editor&claimed=&size=small"
    cell = queue_claim_cells(html_of(client.get(filtered)))[0]
    back = html.unescape(re.search(r'name="next" value="([^"]*)"', cell)[1])
    assert back == filtered

    claimed = client.post(claim_url(change_request), {"next": back})

    assert (claimed.status_code, claimed["Location"]) == (302, filtered)
    change_request.refresh_from_db()
    assert change_request.claimed_by == reviewer
    cell = queue_claim_cells(html_of(client.get(filtered)))[0]
    assert f'action="{claim_url(change_request, "release")}"' in cell

    released = client.post(claim_url(change_request, "release"), {"next": back})

    assert (released.status_code, released["Location"]) == (302, filtered)
    change_request.refresh_from_db()
    assert change_request.claimed_by is None


@pytest.mark.parametrize(
    "unsafe", ["https://elsewhere.example/review/", "//elsewhere.example/", ""]
)
def test_claim_and_release_go_to_the_request_without_a_safe_next(
    client, editor, reviewer, profile, unsafe
):
    change_request = propose(profile, editor, size=["Bigger"])
    client.force_login(reviewer)

    claimed = client.post(claim_url(change_request), {"next": unsafe})
    released = client.post(claim_url(change_request, "release"), {"next": unsafe})

    assert claimed["Location"] == detail_url(change_request)
    assert released["Location"] == detail_url(change_request)


def test_a_decision_clears_the_claim_and_the_page_stops_showing_it(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"])
    workflow.claim(change_request, by=reviewer)
    client.force_login(reviewer)

    decide(client, change_request)

    change_request.refresh_from_db()
    assert change_request.claimed_by is None
    html = html_of(client.get(detail_url(change_request)))
    assert '<dd class="claim">' not in html
    assert claim_url(change_request) not in html


# Deciding -----------------------------------------------------------------------


def undecided_count(html: str) -> str:
    return text_of(
        re.search(r'<p class="undecided-count"[^>]*>(.*?)</p>', html, re.S)[1]
    )


def test_the_review_form_starts_with_nothing_chosen(client, editor, reviewer, profile):
    change_request = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    client.force_login(reviewer)

    html = html_of(client.get(detail_url(change_request)))

    radios = re.findall(r'<input type="radio" name="([a-z_]+)-decision"[^>]*>', html)
    choices = re.findall(
        r'<input type="radio" name="[a-z_]+-decision" value="(\w+)"[^>]*> '
        r"<span>([^<]+)</span>",
        html,
    )
    assert radios == ["size"] * 3 + ["weapons"] * 3
    assert (
        choices
        == [
            ("accept", "Accept"),
            ("reject", "Reject"),
            ("send_back", "Send back"),
        ]
        * 2
    )
    assert "checked" not in "".join(
        re.findall(r'<input type="radio" name="[a-z_]+-decision"[^>]*>', html)
    )
    assert undecided_count(html) == "2 of 2 fields still undecided: Size, Weapons."


def test_approving_with_an_undecided_field_is_refused(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    client.force_login(reviewer)

    response = client.post(
        reverse("review:decide", args=[change_request.pk]),
        {"action": "approve", "size-decision": "accept"},
    )

    html = html_of(response)
    assert (
        "<li>1 field is still undecided: Weapons. "
        "Accept, reject or send back each before approving.</li>"
    ) in html
    assert "Weapons: Accept, reject or send back this change." in text_of(html)
    assert "<li>Accept, reject or send back this change.</li>" in section_html(
        html, "weapons"
    )
    assert "Accept, reject or send back this change." not in section_html(html, "size")
    assert 'value="accept" id="id_size-decision_0" checked' in html
    assert undecided_count(html) == "1 of 2 fields still undecided: Weapons."
    profile.refresh_from_db()
    assert (profile.version, profile.size, profile.weapons) == (
        1,
        "About 500 fighters in 2019",
        "",
    )
    change_request.refresh_from_db()
    assert change_request.status == "pending"
    assert set(change_request.changes.values_list("decision", flat=True)) == {"pending"}
    assert list(change_request.events.values_list("kind", flat=True)) == ["submitted"]


def test_approving_with_every_field_undecided_names_them_all(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    client.force_login(reviewer)

    html = html_of(
        client.post(
            reverse("review:decide", args=[change_request.pk]), {"action": "approve"}
        )
    )

    assert "2 fields are still undecided: Size, Weapons." in html
    profile.refresh_from_db()
    assert profile.version == 1


def test_rejecting_or_sending_back_needs_no_field_decisions(
    client, editor, reviewer, profile
):
    rejected = propose(profile, editor, size=["Bigger"])
    sent_back = propose(profile, editor, weapons=["Rifles"])
    client.force_login(reviewer)
    url = "review:decide"

    client.post(
        reverse(url, args=[rejected.pk]), {"action": "reject", "comment": "Rumour."}
    )
    client.post(
        reverse(url, args=[sent_back.pk]),
        {"action": "request_changes", "comment": "Which year?"},
    )

    rejected.refresh_from_db()
    sent_back.refresh_from_db()
    assert (rejected.status, sent_back.status) == ("rejected", "changes_requested")


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
    # Only the comment form: a request takes comments in any state.
    assert re.findall(r'<form method="post" action="(/review/[^"]*)"', html) == [
        reverse("review:comment", args=[change_request.pk])
    ]
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


# Sending fields back ------------------------------------------------------------


def facts_of(html: str) -> str:
    return text_of(re.search(r'<dl class="request-facts">(.*?)</dl>', html, re.S)[1])


def event_html(html: str, kind: str) -> str:
    match = re.search(
        rf'<li class="request-event event-{kind}"[^>]*>(.*?)</li>', html, re.S
    )
    assert match, f"no {kind} event"
    return match[1]


def test_review_form_offers_three_choices_and_counts_the_undecided(editor, profile):
    change_request = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    changes = list(change_request.changes.all())

    fresh = ReviewForm(changes=changes)
    posted = ReviewForm(
        {"size-decision": "send_back", "weapons-decision": "maybe"},
        changes=changes,
        action="approve",
    )

    assert fresh.fields["size-decision"].choices == [
        ("accept", "Accept"),
        ("reject", "Reject"),
        ("send_back", "Send back"),
    ]
    assert fresh.fields["size-decision"].label == (
        "Accept, reject or send back the change to Size"
    )
    assert fresh.undecided() == ["Size", "Weapons"]
    assert posted.undecided() == ["Weapons"]
    assert not posted.is_valid()
    assert posted.errors == {
        "__all__": [
            "1 field is still undecided: Weapons. "
            "Accept, reject or send back each before approving."
        ],
        "size-reason": ["Say what the author should change before sending it back."],
        "weapons-decision": [
            "Select a valid choice. maybe is not one of the available choices.",
            "Accept, reject or send back this change.",
        ],
    }


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("reject", "Give a reason for rejecting this change."),
        ("send_back", "Say what the author should change before sending it back."),
    ],
)
def test_review_form_needs_a_reason_to_reject_or_send_back_a_field(
    editor, profile, choice, message
):
    change_request = propose(profile, editor, size=["Bigger"])
    changes = list(change_request.changes.all())
    data = {"size-decision": choice, "size-reason": "  "}

    approving = ReviewForm(data, changes=changes, action="approve")
    rejecting = ReviewForm(data, changes=changes, action="reject")
    with_reason = ReviewForm(
        {**data, "size-reason": "Which year?"}, changes=changes, action="approve"
    )

    assert approving.errors == {"size-reason": [message]}
    assert rejecting.is_valid()  # the request's comment says why, not the field
    assert with_reason.is_valid()
    assert with_reason.decisions() == {
        "size": workflow.FieldDecision(
            False, "Which year?", send_back=choice == "send_back"
        )
    }


def test_a_reviewer_accepts_one_field_and_sends_another_back(
    client, editor, reviewer, profile
):
    change_request = propose(
        profile, editor, "Size and weapons", size=["Bigger"], weapons=["Rifles"]
    )
    client.force_login(reviewer)

    response = decide(
        client,
        change_request,
        **{"weapons-decision": "send_back", "weapons-reason": "Which rifles?"},
    )

    follow_up = ChangeRequest.objects.get(status="changes_requested")
    assert response.status_code == 302
    assert response["Location"] == detail_url(change_request)
    html = html_of(client.get(response["Location"]))
    assert "Published as version 2. 1 field sent back to the author in a new " in html
    assert f"Fields sent back Change request {follow_up.pk}: waiting for" in (
        facts_of(html)
    )
    assert text_of(section_html(html, "weapons")).endswith(
        "Decision: Sent back. Reason: Which rifles?"
    )
    sent_back = event_html(html, "sent_back")
    assert text_of(sent_back).startswith("reviewer · Fields sent back ·")
    assert (
        f'<p class="event-link">Continued in <a href="{detail_url(follow_up)}">'
        f"change request {follow_up.pk}</a>.</p>"
    ) in sent_back
    assert "<summary>What was sent back</summary>" in sent_back

    client.force_login(editor)
    html = html_of(client.get(detail_url(follow_up)))
    facts = facts_of(html)
    assert "Status Changes requested" in facts
    assert "Based on Version 2" in facts
    assert f"Sent back from Change request {change_request.pk}: the fields" in facts
    assert "Reviewer’s note Weapons (sent back): Which rifles?" in facts
    assert (
        f'Carries on the fields sent back from <a href="{detail_url(change_request)}">'
        f"change request {change_request.pk}</a>."
    ) in event_html(html, "submitted")
    assert text_of(section_html(html, "weapons")).endswith(
        "Decision: Sent back. Reason: Which rifles?"
    )
    assert reverse("review:edit", args=[follow_up.pk]) in html
    mine = html_of(client.get(reverse("review:mine")))
    assert set(request_links(mine)) == {change_request.pk, follow_up.pk}


def test_sending_every_field_back_returns_the_request_to_its_author(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    client.force_login(reviewer)

    response = decide(
        client,
        change_request,
        comment="Nearly.",
        **{
            "size-decision": "send_back",
            "size-reason": "Which year?",
            "weapons-decision": "reject",
            "weapons-reason": "Rumour.",
        },
    )

    page = client.get(response["Location"])
    assert page_messages(page) == ["Sent back to the author."]
    change_request.refresh_from_db()
    assert change_request.status == "changes_requested"
    assert (
        '<dd class="decision-note" dir="auto">Nearly.<br><br>Size (sent back): '
        "Which year?<br>Weapons (rejected): Rumour.</dd>"
    ) in html_of(page)
    assert ChangeRequest.objects.filter(status="changes_requested").count() == 1
    profile.refresh_from_db()
    assert profile.version == 1


def test_sending_a_field_back_without_reason_publishes_nothing(
    client, editor, reviewer, profile
):
    change_request = propose(profile, editor, size=["Bigger"], weapons=["Rifles"])
    client.force_login(reviewer)

    response = decide(client, change_request, **{"weapons-decision": "send_back"})

    html = html_of(response)
    assert (
        '<ul class="errorlist" id="id_weapons-reason_error"><li>Say what the author '
        "should change before sending it back.</li></ul>"
    ) in section_html(html, "weapons")
    assert 'value="send_back" id="id_weapons-decision_2" checked' in html
    assert undecided_count(html) == "Every field has a decision."
    profile.refresh_from_db()
    assert profile.version == 1
    assert ChangeRequest.objects.filter(status="changes_requested").count() == 0


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
    values = re.findall(r'<div class="conflict-value">(.*?)</div>', size, re.S)
    assert [text_of(value) for value in values] == [
        "In version 1, when this request was written About 500 fighters in 2019",
        "Published now, version 2 Bigger",
        "Proposed in this request Smaller",
    ]
    assert re.findall(r"<h4>(.*?)</h4>", size) == [
        "In version 1, when this request was written",
        "Published now, version 2",
        "Proposed in this request",
    ]
    assert "<legend>Value to publish for Size</legend>" in size
    assert re.findall(
        r'<label class="radio-option" for="(id_size-resolution_\d)">'
        r'<input type="radio" name="size-resolution" value="[a-z]+"[^>]*'
        r' id="(id_size-resolution_\d)"',
        size,
    ) == [(f"id_size-resolution_{i}",) * 2 for i in range(3)]
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


# Notes linked to their sources, imports folded ---------------------------------


def test_request_page_links_a_changed_note_to_its_public_source_not_a_private_one(
    client, editor, reviewer, profile
):
    public = Source.objects.get(normalised_url__endswith="example.org/reports/1")
    private = SourceFactory(
        title="Unpublished dossier",
        url="https://private.example/dossier",
        published_at=None,
    )
    change_request = propose(
        profile,
        editor,
        citations=[
            {
                "number": 1,
                "text": "A. Writer, “Report 1,” *Example Review*, April 2019. "
                "(<https://example.org/reports/1>)",
            },
            {"number": 2, "text": "See <https://private.example/dossier>."},
        ],
    )
    client.force_login(reviewer)

    notes = section_html(html_of(client.get(detail_url(change_request))), "citations")

    assert public.published_at is not None
    assert f'<a href="/sources/{public.pk}/">' in notes
    assert f"/sources/{private.pk}/" not in notes
    assert "<em>Example Review</em>" in notes
    assert client.get(f"/sources/{private.pk}/").status_code == 404


def test_import_request_folds_its_unchanged_sections(client, reviewer, profile):
    values = profile_values(
        size=["About 900 fighters in 2021"], background="Rewritten background."
    )
    change_request = workflow.submit_change_request(
        profile=profile,
        author=workflow.system_user(),
        summary="Re-import",
        proposals={field: workflow.Proposal(value) for field, value in values.items()},
        origin=ChangeRequest.Origin.IMPORT,
    )
    # Published since the import was read: its background is no change now.
    publish_change(profile, background="Rewritten background.")
    client.force_login(reviewer)

    html = html_of(client.get(detail_url(change_request)))

    start = html.index('<details class="unchanged-sections">')
    shown, folded = html[:start], html[start:]
    unchanged = len(FIELDS) - 1
    assert (
        f"<summary>{unchanged} unchanged sections: the same as published</summary>"
    ) in folded
    assert 'id="change-size"' in shown
    assert 'id="change-background"' not in shown
    # A proposed section folded is still decided like the others.
    assert 'id="change-background"' in folded
    assert 'name="background-decision" value="accept"' in folded
    # The sections the import left alone, to read.
    assert "<dt>Key leaders</dt>" in folded
    assert "Leader 1" in folded


def test_an_edit_request_folds_nothing(client, editor, reviewer, profile):
    change_request = propose(
        profile, editor, size=["Bigger"], background="A small test group. Fact 1.¹"
    )
    client.force_login(reviewer)

    html = html_of(client.get(detail_url(change_request)))

    assert "unchanged-sections" not in html


def test_an_import_s_fields_cannot_be_sent_back(client, reviewer, profile):
    """The importer account cannot rework anything: its request's fields are
    accepted or rejected."""
    change_request = workflow.submit_change_request(
        profile=profile,
        author=workflow.system_user(),
        summary="Re-import",
        proposals={"size": workflow.Proposal(["About 900 fighters in 2021"])},
        origin=ChangeRequest.Origin.IMPORT,
    )
    client.force_login(reviewer)

    html = html_of(client.get(detail_url(change_request)))
    response = decide(client, change_request, **{"size-decision": "send_back"})

    size = section_html(html, "size")
    assert "<legend>Accept or reject the change to Size</legend>" in size
    assert 'value="accept"' in size
    assert 'value="reject"' in size
    assert 'value="send_back"' not in size
    assert "Select a valid choice." in section_html(html_of(response), "size")
    change_request.refresh_from_db()
    assert change_request.status == "pending"
