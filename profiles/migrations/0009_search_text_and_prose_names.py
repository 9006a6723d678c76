"""Full-text search over published sections and sources (`SearchText`), and
more names in the name index: leaders' aliases with their surname and the
names written in the sections.

The text index depends on the database: an FTS5 table over `SearchText`
kept in step by triggers on SQLite; a GIN index on the stored vector on
PostgreSQL. Then both indexes are filled from what is published now.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

SQLITE_INDEX = [
    # External content: the text is stored once, in profiles_searchtext.
    """CREATE VIRTUAL TABLE profiles_searchtext_fts USING fts5(
        text, content='profiles_searchtext', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER profiles_searchtext_ai AFTER INSERT ON profiles_searchtext
    BEGIN
        INSERT INTO profiles_searchtext_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER profiles_searchtext_ad AFTER DELETE ON profiles_searchtext
    BEGIN
        INSERT INTO profiles_searchtext_fts(profiles_searchtext_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER profiles_searchtext_au AFTER UPDATE ON profiles_searchtext
    BEGIN
        INSERT INTO profiles_searchtext_fts(profiles_searchtext_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
        INSERT INTO profiles_searchtext_fts(rowid, text) VALUES (new.id, new.text);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS profiles_searchtext_au",
    "DROP TRIGGER IF EXISTS profiles_searchtext_ad",
    "DROP TRIGGER IF EXISTS profiles_searchtext_ai",
    "DROP TABLE IF EXISTS profiles_searchtext_fts",
]
POSTGRESQL_INDEX = [
    "CREATE INDEX profiles_searchtext_vector ON profiles_searchtext USING gin (vector)",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS profiles_searchtext_vector"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def index_published(apps, schema_editor):
    # The app's own indexer (current models): this is the latest schema of
    # the tables it writes; a later change to them rebuilds in its migration.
    from profiles.search import index_all

    index_all()


class Migration(migrations.Migration):

    dependencies = [
        ('profiles', '0008_network_connections'),
        ('sources', '0002_source_published_at'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('field', models.CharField(max_length=40)),
                ('text', models.TextField()),
                ('vector', django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='searchname',
            name='search_name_leader_has_position',
        ),
        migrations.AlterField(
            model_name='searchname',
            name='kind',
            field=models.CharField(choices=[('name', 'Name'), ('english_name', 'English name'), ('alternative_name', 'Alternative name'), ('leader', 'Leader'), ('alias', "Leader's alias"), ('alias_surname', "Leader's alias with surname"), ('prose', 'Named in the text')], max_length=20),
        ),
        migrations.AddConstraint(
            model_name='searchname',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['leader', 'alias', 'alias_surname']), ('leader_position__isnull', False)), models.Q(models.Q(('kind__in', ['leader', 'alias', 'alias_surname']), _negated=True), ('leader_position__isnull', True)), _connector='OR'), name='search_name_leader_has_position'),
        ),
        migrations.AddField(
            model_name='searchtext',
            name='profile',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='search_texts', to='profiles.profile'),
        ),
        migrations.AddField(
            model_name='searchtext',
            name='source',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='search_texts', to='sources.source'),
        ),
        migrations.AddConstraint(
            model_name='searchtext',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('profile__isnull', False), ('source__isnull', True)), models.Q(('profile__isnull', True), ('source__isnull', False)), _connector='OR'), name='search_text_of_profile_or_source'),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_INDEX, "postgresql": POSTGRESQL_INDEX}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
        migrations.RunPython(index_published, migrations.RunPython.noop),
    ]
