"""Project-wide fixtures. Test settings: a fast password hasher, media in a
temporary folder, the console email backend left in memory by Django."""

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "liwa-al-baqir.txt"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("../shared is absent: the seed document is not beside the repo")
    return SEED.read_text(encoding="utf-8")
