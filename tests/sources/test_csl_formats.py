"""Formatted references (APA, Chicago author-date, MLA through citeproc-py
and the CSL files shipped in sources/csl/) and the bibliography files
(CSL-JSON, BibTeX, RIS), each read back by its own reader."""

import json
from datetime import UTC, date, datetime

import bibtexparser
import pytest
from lxml import etree

from sources import references
from sources.models import Source
from sources.references import Name, Reference
from tests.factories import SourceFactory

HERAS = Reference(
    key="heras2017-1",
    kind="webpage",
    title="Deir Azzour: Tribal Mapping Project",
    authors=(
        Name(family="Heras", given="Nicholas A."),
        Name(family="Barabandi", given="Bassam"),
        Name(family="Betare", given="Nidal"),
    ),
    container="Center for a New American Security",
    issued="2017-09",
    accessed=date(2018, 2, 22),
    url="https://www.cnas.org/publications/reports/deir-azzour-tribal-mapping-project",
    language="en",
)
URL = HERAS.url


def test_apa_renders_a_known_source():
    assert str(references.formatted(HERAS, "apa")) == (
        "Heras, N. A., Barabandi, B., &amp; Betare, N. (2017, September). "
        "<i>Deir Azzour: Tribal Mapping Project</i>. "
        f"Center for a New American Security. {URL}"
    )


def test_chicago_author_date_renders_a_known_source_with_full_given_names():
    assert str(references.formatted(HERAS, "chicago-author-date")) == (
        "Heras, Nicholas A., Bassam Barabandi, and Nidal Betare. 2017. "
        "“Deir Azzour: Tribal Mapping Project.” "
        f"Center for a New American Security, September. {URL}."
    )


def test_mla_renders_a_known_source():
    assert str(references.formatted(HERAS, "modern-language-association")) == (
        "Heras, Nicholas A., et al. “Deir Azzour: Tribal Mapping Project.” "
        f"<i>Center for a New American Security</i>, Sept. 2017, {URL}."
    )


def test_formatted_references_come_in_the_three_styles_in_order():
    labels = [label for label, _ in references.formatted_references(HERAS)]

    assert labels == ["APA (7th edition)", "Chicago (author-date)", "MLA (9th edition)"]


def test_a_formatted_reference_escapes_what_the_work_says():
    hostile = Reference(
        key="x",
        kind="webpage",
        title='<script>alert("x")</script> & <b onclick="y">more</b>',
        authors=(Name(literal="<img src=x onerror=alert(1)>"),),
        url="https://example.org/?a=1&b=<2>",
    )

    for _, text in references.formatted_references(hostile):
        assert "<script" not in text
        assert "<img" not in text
        assert "<b onclick" not in text
        assert "&lt;script&gt;" in text
        assert "https://example.org/?a=1&amp;b=&lt;2&gt;" in text


def test_the_styles_and_locale_are_the_files_shipped_in_sources_csl():
    for name in references.STYLES:
        path = references.CSL_DIR / f"{name}.csl"
        root = etree.parse(str(path)).getroot()
        assert root.tag == "{http://purl.org/net/xbiblio/csl}style"
        assert root.find("{http://purl.org/net/xbiblio/csl}bibliography") is not None
    locale = etree.parse(str(references.CSL_DIR / "locales-en-US.xml")).getroot()
    assert locale.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-US"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "Nicholas A. Heras, Bassam Barabandi, and Nidal Betare",
            (
                Name(family="Heras", given="Nicholas A."),
                Name(family="Barabandi", given="Bassam"),
                Name(family="Betare", given="Nidal"),
            ),
        ),
        (
            "Carole A. O’Leary and Nicholas A. Heras",
            (
                Name(family="O’Leary", given="Carole A."),
                Name(family="Heras", given="Nicholas A."),
            ),
        ),
        ("Aymenn Jawad al-Tamimi", (Name(family="al-Tamimi", given="Aymenn Jawad"),)),
        ("Liwa al-Imam al-Baqir", (Name(literal="Liwa al-Imam al-Baqir"),)),
        ("@tobiaschneider", (Name(literal="@tobiaschneider"),)),
        ("Human Rights Watch", (Name(literal="Human Rights Watch"),)),
        ("Smith, J.", (Name(literal="Smith, J."),)),
        ("مركز جسور", (Name(literal="مركز جسور"),)),
        ("", ()),
    ],
)
def test_author_names_split_only_plain_personal_names(written, expected):
    assert references.author_names(written) == expected


@pytest.mark.django_db
def test_source_reference_takes_the_sources_fields():
    source = SourceFactory(
        authors="Phillip Smyth",
        title="The Shiite Jihad in Syria",
        publication="Washington Institute",
        date="February 2015",
        url="https://example.org/shiite-jihad",
        language="en",
        accessed_on=date(2016, 5, 1),
    )

    reference = references.source_reference(source)

    assert reference == Reference(
        key=f"smyth2015-{source.pk}",
        kind="webpage",
        title="The Shiite Jihad in Syria",
        authors=(Name(family="Smyth", given="Phillip"),),
        container="Washington Institute",
        issued="2015-02",
        accessed=date(2016, 5, 1),
        url="https://example.org/shiite-jihad",
        language="en",
    )


@pytest.mark.django_db
def test_accessed_falls_back_to_the_day_the_source_was_published():
    source = SourceFactory(published_at=datetime(2020, 3, 4, 12, tzinfo=UTC))

    assert references.source_reference(source).accessed == date(2020, 3, 4)


@pytest.mark.django_db
def test_a_source_without_a_title_is_named_by_its_publication_or_url():
    by_publication = Source.objects.create(publication="Diyaruna", date="2017")
    by_url = Source.objects.create(url="https://example.org/only-a-link")

    assert references.source_reference(by_publication).title == "Diyaruna"
    assert references.source_reference(by_publication).kind == "article-journal"
    assert (
        references.source_reference(by_url).title == "https://example.org/only-a-link"
    )


def test_csl_json_items_have_the_keys_reference_managers_read():
    items = json.loads(references.csl_json([HERAS]))

    assert items == [
        {
            "id": "heras2017-1",
            "type": "webpage",
            "title": "Deir Azzour: Tribal Mapping Project",
            "author": [
                {"family": "Heras", "given": "Nicholas A."},
                {"family": "Barabandi", "given": "Bassam"},
                {"family": "Betare", "given": "Nidal"},
            ],
            "container-title": "Center for a New American Security",
            "issued": {"date-parts": [[2017, 9]]},
            "accessed": {"date-parts": [[2018, 2, 22]]},
            "URL": URL,
            "language": "en",
        }
    ]


def test_bibtex_parses_back_with_bibtexparser():
    tricky = Reference(
        key="q2020-2",
        kind="webpage",
        title="Q&A: 100% {of} the $ cost_of #war",
        authors=(Name(literal="Jusoor Center"), Name(family="Smyth", given="Phillip")),
        issued="2020-01-31",
        accessed=date(2021, 1, 1),
        url="https://example.org/a_b%20c?x=1&y=2",
    )

    library = bibtexparser.parse_string(references.bibtex([HERAS, tricky]))

    assert library.failed_blocks == []
    heras, second = library.entries
    assert heras.entry_type == "misc"
    assert heras.key == "heras2017-1"
    assert heras["title"] == "Deir Azzour: Tribal Mapping Project"
    assert (
        heras["author"] == "Heras, Nicholas A. and Barabandi, Bassam and Betare, Nidal"
    )
    assert heras["howpublished"] == "Center for a New American Security"
    assert (heras["year"], heras["month"], heras["date"]) == ("2017", "9", "2017-09")
    assert heras["url"] == URL
    assert heras["urldate"] == "2018-02-22"
    assert second["title"] == r"Q\&A: 100\% \{of\} the \$ cost\_of \#war"
    assert second["author"] == "{Jusoor Center} and Smyth, Phillip"
    assert second["url"] == "https://example.org/a_b%20c?x=1&y=2"


def test_ris_records_start_with_ty_and_end_with_er():
    text = references.ris([HERAS, HERAS])

    records = text.strip().split("\n\n")
    assert len(records) == 2
    lines = records[0].splitlines()
    assert lines[0] == "TY  - ELEC"
    assert lines[-1].rstrip() == "ER  -"
    assert lines[1:-1] == [
        "ID  - heras2017-1",
        "AU  - Heras, Nicholas A.",
        "AU  - Barabandi, Bassam",
        "AU  - Betare, Nidal",
        "TI  - Deir Azzour: Tribal Mapping Project",
        "T2  - Center for a New American Security",
        "PY  - 2017",
        "DA  - 2017/09//",
        f"UR  - {URL}",
        "Y2  - 2018/02/22/",
        "LA  - en",
    ]


def test_a_ris_value_stays_on_one_line():
    reference = Reference(key="k", kind="webpage", title="Two\nlines\r\nhere")

    assert "TI  - Two lines here" in references.ris([reference]).splitlines()


def test_write_names_each_export_format():
    assert set(references.WRITERS) == set(references.EXPORT_FORMATS)
    assert references.write([HERAS], "ris") == references.ris([HERAS])
