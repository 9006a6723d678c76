"""Search finds claims: each claim of a published profile gets its own text
row, with the claim's key, so a mention links to the claim inside the
profile. A nullable column: SQLite adds it in place (no table rebuild), so
the FTS5 table and its triggers (migration 0009) stay as they are, and
PostgreSQL's vector index is untouched. Then the text index is rebuilt from
the claims migration 0021 read.
"""

from django.db import migrations, models


def index_claims(apps, schema_editor):
    # The app's own indexer (current models), as migration 0009 does: this
    # is the latest schema of the tables it writes and reads.
    from profiles.search import index_all

    index_all()


class Migration(migrations.Migration):
    dependencies = [("profiles", "0021_claims_of_published_profiles")]

    operations = [
        migrations.AddField(
            model_name="searchtext",
            name="claim_key",
            field=models.UUIDField(blank=True, null=True),
        ),
        migrations.RunPython(index_claims, migrations.RunPython.noop),
    ]
