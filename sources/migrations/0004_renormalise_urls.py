"""Recomputes every source's `normalised_url` by the rules `sources.weblinks`
has now (more tracking parameters, a repeated "www.").

Where works come to share a key, the one that held it already (else the
oldest) keeps it and each other is stored under `weblinks.duplicate_key`
until a reviewer merges them (`/sources/duplicates/`). Only the derived key
changes: the URLs stay as they were, so no history row is written. Undoing
it leaves the keys as they are (the old rules are gone).
"""

from django.db import migrations

from sources.weblinks import duplicate_key, duplicate_of, normalise_url

BATCH_SIZE = 500


def new_keys(rows) -> dict[int, str]:
    """Each row's (pk, url, stored key) new key, by pk, for the rows whose
    key changes."""
    stored: dict[int, str] = {}
    groups: dict[str, list[int]] = {}
    changed: dict[int, str] = {}
    for pk, url, key in rows:
        stored[pk] = key
        new = normalise_url(url)
        if new:
            groups.setdefault(new, []).append(pk)
        elif key:
            changed[pk] = ""
    for key, pks in groups.items():
        holder = next((pk for pk in pks if stored[pk] == key), min(pks))
        for pk in pks:
            wanted = key if pk == holder else duplicate_key(key, pk)
            # A duplicate already waiting under this key keeps its mark.
            if stored[pk] != wanted and not (
                pk != holder and duplicate_of(stored[pk]) == key
            ):
                changed[pk] = wanted
    return changed


def renormalise_urls(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    rows = (
        Source.objects.exclude(url="", normalised_url="")
        .order_by("pk")
        .values_list("pk", "url", "normalised_url")
        .iterator(chunk_size=2000)
    )
    changed = new_keys(rows)
    if not changed:
        return
    # Through a key no row can hold, so that no row takes a key another
    # is about to give up while that one still holds it (the key is unique).
    for keys in (
        {pk: f"#renormalising-{pk}" for pk in changed},
        changed,
    ):
        Source.objects.bulk_update(
            [Source(pk=pk, normalised_url=key) for pk, key in keys.items()],
            ["normalised_url"],
            batch_size=BATCH_SIZE,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0003_link_checks_and_archives"),
    ]

    operations = [
        migrations.RunPython(renormalise_urls, migrations.RunPython.noop),
    ]
