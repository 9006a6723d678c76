"""Tests for sources.weblinks.normalise_url, rule by rule: each spelling of a
page maps to one key, a key normalises to itself, and what tells two pages
apart is kept. (tests/sources/test_weblinks.py pins the older table.)"""

import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from sources.weblinks import duplicate_key, duplicate_of, normalise_url

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hypothesis-url-normalising")

KEY = "https://example.org/reports/1"


def same_key(*spellings: str) -> str:
    keys = {normalise_url(spelling) for spelling in spellings}
    assert len(keys) == 1, keys
    return keys.pop()


def test_http_and_https_are_one_work():
    assert same_key("http://example.org/reports/1", KEY) == KEY


def test_host_case_makes_no_difference():
    assert same_key("https://EXAMPLE.Org/reports/1", KEY) == KEY


def test_path_case_is_kept():
    assert normalise_url("https://example.org/Reports/1") != KEY


@pytest.mark.parametrize(
    "url",
    ["https://www.example.org/reports/1", "https://www.www.example.org/reports/1"],
)
def test_a_leading_www_goes(url):
    assert normalise_url(url) == KEY


def test_www_stays_where_it_is_the_site_name():
    assert normalise_url("https://www.com/a") == "https://www.com/a"


def test_www_in_the_middle_of_a_host_stays():
    assert normalise_url("https://news.www.example.org/a") == (
        "https://news.www.example.org/a"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org:443/reports/1",
        "http://example.org:80/reports/1",
        "http://example.org:443/reports/1",
    ],
)
def test_default_ports_go(url):
    assert normalise_url(url) == KEY


def test_another_port_is_kept():
    assert normalise_url("https://example.org:8443/reports/1") == (
        "https://example.org:8443/reports/1"
    )


@pytest.mark.parametrize(
    "parameter",
    [
        "utm_source=newsletter",
        "UTM_Campaign=spring",
        "utm_anything=1",
        "fbclid=IwAR0x",
        "gclid=Cj0K",
        "dclid=1",
        "msclkid=2",
        "mc_cid=5b1e",
        "mc_eid=9a2f",
        "ref_src=twsrc%5Etfw",
        "igshid=MzRlODBiNWFlZA==",
        "igsh=abc",
        "twclid=3",
        "_ga=2.1.2",
        "mtm_campaign=x",
        "pk_campaign=y",
    ],
)
def test_tracking_parameters_go(parameter):
    assert normalise_url(f"{KEY}?{parameter}") == KEY
    assert normalise_url(f"{KEY}?id=4&{parameter}") == f"{KEY}?id=4"


def test_parameters_that_name_the_page_stay():
    assert normalise_url(f"{KEY}?ref=7&page=2&s=20") == f"{KEY}?page=2&ref=7&s=20"


def test_the_fragment_goes():
    assert same_key(f"{KEY}#section-2", f"{KEY}#", KEY) == KEY


def test_a_non_root_paths_trailing_slash_goes():
    assert same_key(f"{KEY}/", KEY) == KEY


def test_the_root_path_is_the_bare_host():
    assert same_key("https://example.org/", "https://example.org") == (
        "https://example.org"
    )


def test_a_trailing_slash_before_the_query_goes():
    assert normalise_url(f"{KEY}/?page=2") == f"{KEY}?page=2"


def test_percent_escapes_are_upper_case():
    assert normalise_url("https://example.org/a%2fb?q=%e2%9c%93") == (
        "https://example.org/a%2Fb?q=%E2%9C%93"
    )


def test_escaped_unreserved_characters_are_unescaped():
    assert same_key("https://example.org/%7Euser/%61", "https://example.org/~user/a")


def test_non_ascii_paths_are_escaped_once():
    assert same_key(
        "https://example.org/fa/خبر",
        "https://example.org/fa/%D8%AE%D8%A8%D8%B1",
        "https://example.org/fa/%d8%ae%d8%a8%d8%b1",
    ) == ("https://example.org/fa/%D8%AE%D8%A8%D8%B1")


def test_query_parameters_are_sorted():
    assert same_key(f"{KEY}?b=2&a=1", f"{KEY}?a=1&b=2") == f"{KEY}?a=1&b=2"


def test_repeated_parameters_keep_every_value_sorted():
    assert normalise_url(f"{KEY}?tag=b&tag=a") == f"{KEY}?tag=a&tag=b"


def test_every_rule_at_once():
    assert (
        normalise_url(
            "HTTP://WWW.Example.ORG:80/reports/%31/?utm_source=x&fbclid=y&b=2&a=1#top"
        )
        == f"{KEY}?a=1&b=2"
    )


def test_non_web_addresses_are_only_trimmed():
    assert normalise_url("  mailto:Press@Example.org ") == "mailto:Press@Example.org"


@pytest.mark.parametrize(
    "url",
    [
        "HTTP://WWW.Example.ORG:80/reports/%31/?utm_source=x&b=2&a=1#top",
        "http://www.www.example.org/",
        "http://example.org:443/a",
        "https://[2001:DB8::1]:8443/x/",
        "https://BÜCHER.example/Liste/",
        "www.example.org/page/",
        "https://example.org/a b/%zz/100%/",
        "https://user:pw@Example.org/a",
        "mailto:press@example.org",
    ],
)
def test_a_key_normalises_to_itself(url):
    key = normalise_url(url)
    assert normalise_url(key) == key


@settings(max_examples=300, deadline=None, database=None)
@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "HtTpS"]),
    host=st.sampled_from(
        ["example.org", "WWW.Example.org", "www.www.example.org", "www.com"]
    ),
    port=st.sampled_from(["", ":80", ":443", ":8080"]),
    path=st.text(alphabet="/aZ~%2fé.-_ ", max_size=12),
    query=st.lists(
        st.tuples(
            st.sampled_from(["a", "B", "utm_source", "fbclid", "mc_cid", "x%41"]),
            st.text(alphabet="1a=%é/", max_size=4),
        ),
        max_size=4,
    ),
    fragment=st.sampled_from(["", "#", "#top"]),
)
@example(
    scheme="http", host="www.www.example.org", port=":443", path="/", query=[],
    fragment="",
)  # fmt: skip
def test_normalising_is_idempotent(scheme, host, port, path, query, fragment):
    url = f"{scheme}://{host}{port}/{path}"
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query)
    key = normalise_url(url + fragment)
    assert normalise_url(key) == key


def test_a_duplicate_key_names_the_key_it_was_made_from():
    stored = duplicate_key(KEY, 17)
    assert stored == f"{KEY} #duplicate-17"
    assert duplicate_of(stored) == KEY
    assert duplicate_of(KEY) is None
    assert duplicate_of("") is None


def test_a_duplicate_key_is_never_a_normalised_key():
    assert normalise_url(f"{KEY} #duplicate-17") != f"{KEY} #duplicate-17"
