"""axe-core finds no accessibility violation on the reader's pages."""

import pytest
from django.core.management import call_command

from tests.conftest import SEED

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seeded(seed_text):
    call_command("import_profiles", str(SEED), "--publish", verbosity=0)


@pytest.mark.parametrize(
    "path",
    ["/", "/profiles/", "/profiles/liwa-al-baqir/", "/profiles/liwa-al-baqir/history/"],
)
def test_reader_pages_have_no_axe_violations(
    live_server, page, axe_violations, seeded, path
):
    page.goto(live_server.url + path)

    assert axe_violations() == []
