"""Tests for sources.dates: written dates to partial ISO 8601."""

import pytest

from sources.dates import iso_partial_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("September 2017", "2017-09"),
        ("September 15, 2011", "2011-09-15"),
        ("September 15 2011", "2011-09-15"),
        ("15 September 2011", "2011-09-15"),
        ("15th September, 2011", "2011-09-15"),
        ("March 1st, 2020", "2020-03-01"),
        ("2017", "2017"),
        ("2017.", "2017"),
        ("accessed February 22, 2018", "2018-02-22"),
        ("Accessed on 3 May 2019", "2019-05-03"),
        ("Sept. 2017", "2017-09"),
        ("Sep 2017", "2017-09"),
        ("sept 2017", "2017-09"),
        ("Dec. 5, 2016", "2016-12-05"),
        ("2017-09-03", "2017-09-03"),
        ("2017-09", "2017-09"),
        ("2017-9-3", "2017-09-03"),
        ("2017-09-03T10:00:00Z", "2017-09-03"),
        ("late 2016", "2016"),
        ("mid-2015", "2015"),
        ("Spring 2014", "2014"),
        ("Monday, January 5, 2015", "2015-01-05"),
        ("  May   23,  2016  ", "2016-05-23"),
        ("", ""),
        ("n.d.", ""),
        ("soon", ""),
        ("Smarch 2017", ""),
        ("February 30, 2017", ""),
        ("2017-13", ""),
        ("17", ""),
        ("July 31\u2013August 2, 2017", ""),
    ],
)
def test_iso_partial_date(text: str, expected: str):
    assert iso_partial_date(text) == expected
