"""Tests for possible duplicate sources and their reviewed merge
(`profiles.workflow.source_merge`, `/sources/duplicates/`), and for the
migration that recomputes the sources' URL keys."""

import importlib

import pytest
from django.apps import apps

from sources.models import Source
from tests.factories import SourceFactory

renormalising = importlib.import_module("sources.migrations.0004_renormalise_urls")


def old_style(url: str, key: str) -> Source:
    """A source with `url` stored under `key`, as an older rule left it (the
    rule of today would refuse to store the second work of a key)."""
    source = SourceFactory()
    Source.objects.filter(pk=source.pk).update(url=url, normalised_url=key)
    source.refresh_from_db()
    return source


@pytest.mark.django_db
def test_the_migration_recomputes_an_old_style_key():
    source = old_style(
        "https://example.org/a?igshid=xyz&id=1", "https://example.org/a?id=1&igshid=xyz"
    )
    untouched = SourceFactory(url="https://example.org/b")

    renormalising.renormalise_urls(apps, None)

    source.refresh_from_db()
    assert source.normalised_url == "https://example.org/a?id=1"
    assert Source.objects.get(pk=untouched.pk).normalised_url == (
        "https://example.org/b"
    )


@pytest.mark.django_db
def test_the_migration_keeps_a_key_for_its_holder_and_marks_the_duplicate():
    holder = SourceFactory(url="https://example.org/a")
    later = old_style(
        "https://example.org/a?mc_cid=1", "https://example.org/a?mc_cid=1"
    )

    renormalising.renormalise_urls(apps, None)

    holder.refresh_from_db()
    later.refresh_from_db()
    assert holder.normalised_url == "https://example.org/a"
    assert later.normalised_url == f"https://example.org/a #duplicate-{later.pk}"


@pytest.mark.django_db
def test_the_migration_gives_a_freed_key_to_the_oldest_and_swaps_keys_safely():
    first = old_style("https://www.www.example.org/a", "https://www.example.org/a")
    second = old_style(
        "https://example.org/a?fbclid=1&utm_x=2&ref_src=t",
        "https://example.org/a?ref_src=t",
    )

    renormalising.renormalise_urls(apps, None)

    assert dict(Source.objects.values_list("pk", "normalised_url")) == {
        first.pk: "https://example.org/a",
        second.pk: f"https://example.org/a #duplicate-{second.pk}",
    }


@pytest.mark.django_db
def test_the_migration_leaves_a_waiting_duplicate_waiting():
    holder = SourceFactory(url="https://example.org/a")
    waiting = old_style("https://example.org/a?igsh=1", "")
    Source.objects.filter(pk=waiting.pk).update(
        normalised_url=f"https://example.org/a #duplicate-{waiting.pk}"
    )

    assert (
        renormalising.new_keys(
            Source.objects.values_list("pk", "url", "normalised_url")
        )
        == {}
    )
    assert holder.normalised_url == "https://example.org/a"


@pytest.mark.django_db
def test_a_waiting_duplicate_keeps_its_key_when_saved():
    SourceFactory(url="https://example.org/a")
    waiting = old_style("https://example.org/a?igsh=1", "")
    Source.objects.filter(pk=waiting.pk).update(
        normalised_url=f"https://example.org/a #duplicate-{waiting.pk}"
    )
    waiting.refresh_from_db()

    waiting.title = "Described again"
    waiting.save()

    waiting.refresh_from_db()
    assert waiting.normalised_url == f"https://example.org/a #duplicate-{waiting.pk}"
