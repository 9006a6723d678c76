"""Tests for sources.weblinks: the deduplication key and the link check."""

import pytest

from sources.weblinks import is_web_url, normalise_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", ""),
        ("   ", ""),
        ("https://example.org/a", "https://example.org/a"),
        ("  <https://example.org/a>  ", "https://example.org/a"),
        ("HTTP://Example.ORG/Path", "https://example.org/Path"),
        ("http://www.example.org/a/", "https://example.org/a"),
        ("https://www.example.org/", "https://example.org"),
        ("https://example.org", "https://example.org"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("http://example.org:80/a", "https://example.org/a"),
        ("https://example.org:8080/a", "https://example.org:8080/a"),
        ("https://example.org/a#section-2", "https://example.org/a"),
        (
            "https://example.org/a?utm_source=tw&utm_medium=x&id=4",
            "https://example.org/a?id=4",
        ),
        ("https://example.org/a?fbclid=AbC&gclid=1", "https://example.org/a"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
        ("https://example.org/?type=3", "https://example.org?type=3"),
        ("https://example.org/a/?type=3", "https://example.org/a?type=3"),
        ("https://example.org/%7Euser/%41bc", "https://example.org/~user/Abc"),
        ("https://example.org/a%2fb%3f", "https://example.org/a%2Fb%3F"),
        ("https://example.org/a b", "https://example.org/a%20b"),
        (
            "https://example.org/fa/سوریه",
            "https://example.org/fa/%D8%B3%D9%88%D8%B1%DB%8C%D9%87",
        ),
        (
            "https://example.org/fa/%d8%b3%d9%88%d8%b1%db%8c%d9%87",
            "https://example.org/fa/%D8%B3%D9%88%D8%B1%DB%8C%D9%87",
        ),
        ("https://BÜCHER.example/Liste", "https://bücher.example/Liste"),
        ("www.example.org/page/", "https://example.org/page"),
        ("https://[2001:DB8::1]:8443/x", "https://[2001:db8::1]:8443/x"),
        ("mailto:press@example.org", "mailto:press@example.org"),
    ],
)
def test_normalise_url(url: str, expected: str):
    assert normalise_url(url) == expected


def test_spellings_of_one_page_share_a_key():
    spellings = [
        "http://www.facebook.com/page/photos/1/?type=3",
        "https://facebook.com/page/photos/1?type=3#top",
        "<https://WWW.Facebook.com:443/page/photos/1/?utm_campaign=x&type=3>",
    ]
    assert len({normalise_url(url) for url in spellings}) == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org", True),
        ("http://example.org/a?b=1#c", True),
        ("  HTTPS://Example.org/a  ", True),
        ("https://[2001:db8::1]/", True),
        ("javascript:alert(1)", False),
        ("JavaScript://example.org/%0aalert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("ftp://files.example.org/a", False),
        ("mailto:a@example.org", False),
        ("/relative/path", False),
        ("relative/path", False),
        ("//example.org/a", False),
        ("www.example.org", False),
        ("https://", False),
        ("https:///path", False),
        ("http:example.org", False),
        ("https://exa mple.org", False),
        ("https://example.org:port/", False),
        ("", False),
    ],
)
def test_is_web_url(url: str, expected: bool):
    assert is_web_url(url) is expected
