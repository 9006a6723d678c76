"""Reading claims on the profile page (issue 12): each fact with its anchor,
its status and as-of date in words, an "unsourced" mark where it cites no
note; notes linking back to the claims citing them; the infobox; "Cite this
version"; a quiet word under a stale section; right-to-left text isolated;
and the same from a version's snapshot."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from profiles.models import Claim
from tests.factories import (
    editor_user,
    profile_values,
    publish_change,
    publish_values,
)
from tests.pages import hrefs, html_of, queries_for, text_of
from tests.suppressing import HIDDEN_BULLET, hide_secret, profile_with_secret

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
NOTES = [
    {"number": n, "text": f"A. Writer, “Report {n},” *Example Review*, March 2019."}
    for n in (1, 2, 3)
]


def claims_profile(name: str = "Claim Brigade", **fields):
    """A profile whose facts carry statuses, dates, citations or none."""
    values = profile_values(name)
    values.update(
        founding=[
            "Founded in 2012.¹ [claimed by the group]",
            "Possibly earlier.²",
        ],
        size=[
            "About 500 fighters.¹ [as of 2015]",
            "Roughly 3,000 fighters.² ³ [reported; as of 2017-01/2017-04]",
        ],
        leaders=[
            {
                "name": "Abu Alpha",
                "aliases": ["Alpha One"],
                "role": "is the commander¹",
            },
            {"name": "Abu Beta", "aliases": [], "role": "was the deputy² [disputed]"},
        ],
        weapons=["Rifles"],
        areas_of_operation=["Aleppo¹", "Hama²"],
        connections_to_other_militias=["Fights beside Hezbollah³"],
        current_designations=[],
        connections_to_irgc="",
        background="Answers to the IRGC.¹ Trains in Iran.² [reported]\n\n"
        "A second paragraph without a note.",
        citations=NOTES,
    )
    values.update(fields)
    return publish_values(values)


def section_html(html: str, field: str) -> str:
    match = re.search(rf'<section id="{field}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no section #{field}"
    return match[1]


def note_html(html: str, number: int) -> str:
    match = re.search(
        rf'<li id="note-{number}" value="{number}">(.*?)</li>', html, re.S
    )
    assert match, f"no note {number}"
    return match[1]


def element_text(html: str, element_id: str) -> str:
    """What a reader sees of the element with this id (an item or a span)."""
    match = re.search(
        rf'<(li|span) (?:class="claim" )?id="{element_id}"[^>]*>(.*?)</\1>', html, re.S
    )
    assert match, f"no #{element_id}"
    return text_of(match[2])


def meta_after(html: str, element_id: str) -> str:
    """The small print beside a claim: its item's, or what follows its span."""
    match = re.search(
        rf'id="{element_id}"[^>]*>.*?(?:</span>)?( <small class="claim-meta" '
        r'dir="ltr">.*?</small>)?(?:</li>|</p>| <span class="claim")',
        html,
        re.S,
    )
    assert match, f"no #{element_id}"
    return text_of(match[1] or "")


def anchors(profile, field: str) -> list[str]:
    return [
        f"claim-{key}"
        for key in Claim.objects.filter(profile=profile, section=field)
        .order_by("position")
        .values_list("key", flat=True)
    ]


# Each claim: its anchor, status, as-of date, marks, "unsourced" --------------


def test_each_claim_has_the_anchor_of_its_stable_key(client):
    profile = claims_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    for field in ("founding", "size", "leaders", "weapons", "background"):
        ids = re.findall(r'id="(claim-[^"]+)"', section_html(html, field))
        assert ids == anchors(profile, field), field
    assert len(anchors(profile, "background")) == 3


def test_a_claim_keeps_its_anchor_when_another_is_added_before_it(client):
    profile = claims_profile()
    rifles = anchors(profile, "weapons")[0]

    publish_change(profile, weapons=["Mortars", "Rifles"])
    html = html_of(client.get(profile.get_absolute_url()))

    assert re.findall(r'id="(claim-[^"]+)"', section_html(html, "weapons"))[1] == rifles
    assert element_text(html, rifles) == "Rifles unsourced: this fact cites no note"


def test_a_claim_shows_its_status_and_as_of_date_in_words(client):
    profile = claims_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    founded, earlier = anchors(profile, "founding")
    old, new = anchors(profile, "size")
    alpha, beta = anchors(profile, "leaders")
    iran = anchors(profile, "background")[1]
    assert element_text(html, founded) == "Founded in 2012.1 (claimed by the group)"
    assert element_text(html, earlier) == "Possibly earlier.2"
    assert element_text(html, old) == "About 500 fighters.1 (as of 2015)"
    assert element_text(html, new) == (
        "Roughly 3,000 fighters.2 3 (reported, as of early 2017)"
    )
    assert element_text(html, alpha) == "Abu Alpha (aka Alpha One) is the commander1"
    assert element_text(html, beta) == "Abu Beta was the deputy2 (disputed)"
    assert element_text(html, iran) == "Trains in Iran.2"
    assert meta_after(html, iran) == "(reported)"
    assert (
        '<small class="claim-meta" dir="ltr"><span class="claim-words">'
        "(reported, as of early 2017)</span></small>"
    ) in section_html(html, "size")
    # A confirmed, undated, cited claim says nothing of itself.
    assert (
        "claim-meta"
        not in re.search(rf'<li id="{earlier}"[^>]*>.*?</li>', html).group()
    )


def test_the_bracket_of_annotations_is_never_shown_as_written(client):
    profile = claims_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    article = re.search(r"<article.*</article>", html, re.S).group()
    assert "[" not in text_of(article)
    for raw in ("claimed by the group]", "as of 2017-01/2017-04", "[disputed", "2015]"):
        assert raw not in html


def test_a_claim_citing_no_note_is_marked_unsourced_in_words(client):
    profile = claims_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    rifles = anchors(profile, "weapons")[0]
    last_paragraph = anchors(profile, "background")[2]
    mark = (
        ' <small class="claim-meta" dir="ltr"><span class="unsourced">unsourced'
        '<span class="visually-hidden">: this fact cites no note</span></span></small>'
    )
    assert f'<li id="{rifles}" dir="auto">Rifles{mark}</li>' in html
    assert (
        f'<span class="claim" id="{last_paragraph}" dir="auto">'
        f"A second paragraph without a note.</span>{mark}</p>"
    ) in html
    # Every claim that cites a note is without the mark.
    assert html.count('<span class="unsourced">') == 2


def test_marks_inside_a_claim_still_link_to_their_notes(client):
    profile = claims_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    size = section_html(html, "size")
    assert re.findall(r'<sup class="fn"><a href="#note-(\d)"', size) == ["1", "2", "3"]
    assert '<sup class="fn"><a href="#note-2" id="ref-2" aria-label="Note 2">' in (
        section_html(html, "founding")
    )


# Notes link back to their claims ---------------------------------------------


def test_each_note_links_back_to_every_claim_citing_it(client):
    profile = claims_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    founded, earlier = anchors(profile, "founding")
    old, new = anchors(profile, "size")
    alpha, beta = anchors(profile, "leaders")
    aleppo, hama = anchors(profile, "areas_of_operation")
    (hezbollah,) = anchors(profile, "connections_to_other_militias")
    irgc, iran, _second = anchors(profile, "background")
    cited_by = {
        n: re.search(r'<p class="cited-by">(.*?)</p>', note_html(html, n)).group(1)
        for n in (1, 2, 3)
    }
    assert hrefs(cited_by[1]) == [f"#{c}" for c in (founded, old, alpha, aleppo, irgc)]
    assert text_of(cited_by[1]) == (
        "Cited by: Founding •1, Size •1, Key leaders •1, Areas of operation •1, "
        "Background and analysis ¶1.1"
    )
    assert hrefs(cited_by[2]) == [f"#{c}" for c in (earlier, new, beta, hama, iran)]
    assert hrefs(cited_by[3]) == [f"#{new}", f"#{hezbollah}"]
    assert text_of(cited_by[3]) == ("Cited by: Size •2, Connections to other militias")


def test_a_note_no_claim_cites_has_no_links_back(client):
    profile = claims_profile(
        citations=[*NOTES, {"number": 4, "text": "A note no fact cites."}]
    )

    html = html_of(client.get(profile.get_absolute_url()))

    assert "cited-by" not in note_html(html, 4)


# The infobox ------------------------------------------------------------------


def infobox_rows(html: str) -> dict[str, list[tuple[str, str]]]:
    box = re.search(r'<aside class="infobox".*?</aside>', html, re.S)
    assert box, "no infobox"
    rows = {}
    for label, entries in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", box[0], re.S):
        rows[label] = [
            (href, text_of(text))
            for href, text in re.findall(
                r'<li><a href="([^"]+)">(.*?)</li>', entries, re.S
            )
        ]
    return rows


def test_the_infobox_sums_up_the_profile_each_entry_linking_to_its_claim(client):
    profile = claims_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    founded = anchors(profile, "founding")[0]
    new = anchors(profile, "size")[1]
    alpha = anchors(profile, "leaders")[0]
    aleppo, hama = anchors(profile, "areas_of_operation")
    (hezbollah,) = anchors(profile, "connections_to_other_militias")
    assert infobox_rows(html) == {
        "Founded": [(f"#{founded}", "Founded in 2012. (claimed by the group)")],
        # The deputy "was": a former leader is not listed.
        "Leaders": [(f"#{alpha}", "Abu Alpha")],
        # The estimate with the latest as-of date.
        "Size": [(f"#{new}", "Roughly 3,000 fighters. (reported, as of early 2017)")],
        "Areas of operation": [(f"#{aleppo}", "Aleppo"), (f"#{hama}", "Hama")],
        # No designations: no row.
        "Affiliations": [(f"#{hezbollah}", "Fights beside Hezbollah")],
    }
    assert html.index('class="infobox"') < html.index('id="founding"')
    assert '<h2 class="infobox-title" id="infobox-title">At a glance</h2>' in html


def test_the_infobox_lists_five_entries_and_links_to_the_rest(client):
    profile = claims_profile(areas_of_operation=[f"Town {n}" for n in range(1, 8)])

    html = html_of(client.get(profile.get_absolute_url()))

    assert [text for _, text in infobox_rows(html)["Areas of operation"]] == [
        f"Town {n}" for n in range(1, 6)
    ]
    assert (
        '<li class="infobox-more"><a href="#areas_of_operation">2 more'
        '<span class="visually-hidden"> in areas of operation</span></a></li>'
    ) in html


def test_a_profile_with_nothing_to_sum_up_has_no_infobox(client):
    values = profile_values("Empty Brigade", leaders=0, notes=0)
    values.update(size=[], background="")
    profile = publish_values(values)

    html = html_of(client.get(profile.get_absolute_url()))

    assert 'class="infobox"' not in html


# Cite this version -------------------------------------------------------------


def cite_box(html: str) -> str:
    match = re.search(r'<aside class="cite-box" id="cite".*?</aside>', html, re.S)
    assert match, "no citation box"
    return match[0]


def test_cite_this_version_gives_its_permanent_address_and_a_citation(client):
    profile = claims_profile(english_name="The Claim Brigade")
    published = profile.published_at

    box = cite_box(html_of(client.get(profile.get_absolute_url())))

    url = "http://testserver/profiles/claim-brigade/versions/1/"
    assert f'<a class="cite-url" href="{url}">{url}</a>' in box
    citation = re.search(r'<p class="cite-text" id="cite-text"[^>]*>(.*?)</p>', box)
    assert text_of(citation[1]) == (
        "Armed-group profiles. “Claim Brigade (The Claim Brigade).” Version 1, "
        f"published {published.day} {published:%B %Y}. {url}."
    )
    assert (
        '<button type="button" class="copy-button" data-copy="cite-text" hidden>'
        "Copy citation</button>"
    ) in box


def test_a_version_page_cites_that_version_by_the_site_name_set(client, settings):
    settings.SITE_NAME = "Example Wiki"
    profile = claims_profile()
    publish_change(profile, weapons=["Mortars"])

    html = html_of(client.get(reverse("profiles:version", args=[profile.slug, 1])))

    box = cite_box(html)
    url = "http://testserver/profiles/claim-brigade/versions/1/"
    assert f'href="{url}"' in box
    assert (
        text_of(box).count("Example Wiki. “Claim Brigade.” Version 1, published") == 1
    )
    current = cite_box(html_of(client.get(profile.get_absolute_url())))
    assert "Version 2, published" in text_of(current)
    assert "/profiles/claim-brigade/versions/2/" in current


# Stale sections -----------------------------------------------------------------


def test_a_section_with_a_fact_dated_long_ago_says_so_quietly(client, settings):
    settings.CLAIMS_STALE_AFTER_MONTHS = 18
    profile = claims_profile()

    html = html_of(client.get(profile.get_absolute_url()))

    notice = (
        '<p class="stale-notice">Some facts here are dated more than 18 months ago.</p>'
    )
    assert section_html(html, "size").count(notice) == 1
    assert section_html(html, "size").index(notice) > section_html(html, "size").index(
        "</h2>"
    )
    assert "stale-notice" not in section_html(html, "founding")  # undated


def test_the_age_a_fact_may_reach_is_a_setting(client, settings):
    profile = claims_profile()
    today = timezone.localdate()
    settings.CLAIMS_STALE_AFTER_MONTHS = (today.year - 2017) * 12 + 24

    html = html_of(client.get(profile.get_absolute_url()))

    assert "stale-notice" not in html


def test_a_fact_past_its_review_date_makes_its_section_stale(client, settings):
    settings.CLAIMS_STALE_AFTER_MONTHS = 12 * 100
    profile = claims_profile(weapons=["Rifles.¹ [review by 2020-01-01]"])

    html = html_of(client.get(profile.get_absolute_url()))

    assert (
        '<p class="stale-notice">Some facts here are past the date set for their '
        "review.</p>"
    ) in section_html(html, "weapons")
    assert "stale-notice" not in section_html(html, "size")


# Right-to-left text --------------------------------------------------------------


def test_right_to_left_names_claims_and_notes_are_isolated(client):
    profile = claims_profile(
        "Liwa al-Test",
        english_name="لواء الاختبار",
        size=["نحو ۳۰۰۰ مقاتل¹ [reported]"],
        leaders=[
            {"name": "خالد الحسن", "aliases": ["الحاج خالد"], "role": "leads it¹"}
        ],
        citations=[
            *NOTES[:2],
            {
                "number": 3,
                "text": "«عنصر جداشده پیشین حکومت»، *دیارونا*، ۳۱ ژوئیه ۲۰۱۷. "
                "(<http://diyaruna.com/fa/articles/1>)",
            },
        ],
    )

    html = html_of(client.get(profile.get_absolute_url()))

    assert (
        '<h1><span dir="auto">Liwa al-Test</span> '
        '<span class="gloss">(<span dir="auto">لواء الاختبار</span>)</span></h1>'
    ) in html
    (size,) = anchors(profile, "size")
    (leader,) = anchors(profile, "leaders")
    assert re.search(
        rf'<li id="{size}" dir="auto">نحو ۳۰۰۰ مقاتل<sup.*?</sup> '
        r'<small class="claim-meta" dir="ltr">',
        html,
    )
    assert (
        f'<li id="{leader}" dir="auto"><span class="leader-name" dir="auto">'
        "خالد الحسن</span> (aka "
        '<span class="alias" dir="auto">الحاج خالد</span>) leads it'
    ) in html
    # The Persian note in its direction and language.
    assert note_html(html, 3).startswith(
        '<span dir="rtl" lang="fa">«عنصر جداشده پیشین حکومت»'
    )
    assert f'<a href="#{size}"><bdi>نحو ۳۰۰۰ مقاتل</bdi></a>' in html
    assert "(<bdi>لواء الاختبار</bdi>)" in cite_box(html)
    # Every stretch of prose in its own direction.
    for claim in anchors(profile, "background"):
        assert f'<span class="claim" id="{claim}" dir="auto">' in html


def test_a_note_mostly_in_english_is_laid_out_left_to_right(client):
    profile = claims_profile(
        citations=[
            *NOTES[:2],
            {
                "number": 3,
                "text": "عنصر جداشده پیشین.” *Diyaruna* (Egypt), July 31, 2017. "
                "(http://diyaruna.com/fa/articles/1); Liwa al-Imam al-Baqir, "
                "*Facebook*, February 9, 2018. (<https://www.facebook.com/baqueru/>)",
            },
        ]
    )

    html = html_of(client.get(profile.get_absolute_url()))

    assert note_html(html, 3).startswith('<span dir="ltr" lang="en">عنصر')


# Escaping -------------------------------------------------------------------------


def test_claims_notes_and_their_links_back_are_escaped(client):
    profile = claims_profile(
        SCRIPT,
        size=[f"About {SCRIPT} fighters.¹ [reported; as of 2017]"],
        background=f"Text {SCRIPT}.² [disputed]",
        leaders=[{"name": SCRIPT, "aliases": [SCRIPT], "role": f"{SCRIPT}¹"}],
    )

    html = html_of(client.get(profile.get_absolute_url()))

    assert "<script>" not in html
    escaped = escape(SCRIPT)
    (size,) = anchors(profile, "size")
    assert f'<li id="{size}" dir="auto">About {escaped} fighters.<sup' in html
    assert (
        element_text(html, size) == f"About {SCRIPT} fighters.1 (reported, as of 2017)"
    )
    assert f'<a href="#{size}"><bdi>About {escaped} fighters.</bdi></a>' in html
    assert f'<span class="leader-name" dir="auto">{escaped}</span>' in html
    assert f"“<bdi>{escaped}</bdi>.”" in cite_box(html)


# Queries ----------------------------------------------------------------------------


def test_the_page_reads_its_claims_in_one_query_whatever_their_number(client):
    few = claims_profile("Few Brigade")
    many = claims_profile(
        "Many Brigade",
        weapons=[f"Weapon {n}.¹ [reported; as of 2019]" for n in range(60)],
        background=" ".join(f"Fact {n}.² [disputed]" for n in range(60)),
        leaders=[
            {"name": f"Leader {n}", "aliases": [], "role": "leads¹"} for n in range(30)
        ],
    )
    assert Claim.objects.filter(profile=many).count() > 150

    assert queries_for(client, few.get_absolute_url()) == queries_for(
        client, many.get_absolute_url()
    )


def test_a_signed_in_reader_gets_the_claims_from_the_cached_article(client):
    profile = claims_profile()
    client.force_login(editor_user())
    first = html_of(client.get(profile.get_absolute_url()))

    second = html_of(client.get(profile.get_absolute_url()))

    for claim in anchors(profile, "size"):
        assert f'id="{claim}"' in first
        assert f'id="{claim}"' in second
    assert "(reported, as of early 2017)" in second


# A version's page, from its snapshot ---------------------------------------------


def test_a_version_page_shows_claims_from_its_snapshot(client):
    profile = claims_profile()
    publish_change(profile, size=["About 900 fighters.¹ [as of 2021]"])

    html = html_of(client.get(reverse("profiles:version", args=[profile.slug, 1])))

    assert element_text(html, "claim-size-1") == (
        "Roughly 3,000 fighters.2 3 (reported, as of early 2017)"
    )
    assert element_text(html, "claim-founding-0") == (
        "Founded in 2012.1 (claimed by the group)"
    )
    assert element_text(html, "claim-weapons-0") == (
        "Rifles unsourced: this fact cites no note"
    )
    assert element_text(html, "claim-background-1") == "Trains in Iran.2"
    assert "as of 2017-01/2017-04" not in html
    cited = re.search(r'<p class="cited-by">(.*?)</p>', note_html(html, 3))[1]
    assert hrefs(cited) == ["#claim-size-1", "#claim-connections_to_other_militias-0"]
    assert infobox_rows(html)["Size"] == [
        ("#claim-size-1", "Roughly 3,000 fighters. (reported, as of early 2017)")
    ]


def test_a_hidden_section_shows_its_notice_without_claims_words(client):
    profile = profile_with_secret()
    hide_secret(profile)

    html = html_of(client.get(profile.get_absolute_url()))

    atrocities = section_html(html, "atrocities")
    assert HIDDEN_BULLET not in html
    assert "Hidden by a reviewer on" in atrocities
    assert "unsourced" not in atrocities
    assert 'id="claim-atrocities-0"' in atrocities
