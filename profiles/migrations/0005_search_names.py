"""The name index for search (`SearchName`), filled from the published
profiles. Keys come from `profiles.names`, which is pure: the rows are built
here from the historical models, as `profiles.search.search_names` builds them.
"""

import django.db.models.deletion
from django.db import migrations, models

from profiles.names import name_words


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def index_published_profiles(apps, schema_editor):
    Profile = apps.get_model("profiles", "Profile")
    Leader = apps.get_model("profiles", "Leader")
    SearchName = apps.get_model("profiles", "SearchName")
    rows = []
    for profile in Profile.objects.filter(version__gte=1):
        names = [("name", profile.name, None)]
        if profile.english_name:
            names.append(("english_name", profile.english_name, None))
        names += [("alternative_name", n, None) for n in _lines(profile.alternative_names)]
        for leader in Leader.objects.filter(profile=profile).order_by("position"):
            names.append(("leader", leader.name, leader.position))
            names += [("alias", a, leader.position) for a in _lines(leader.aliases)]
        seen = set()
        for kind, text, position in names:
            keys = [word.key for word in name_words(text)]
            for word in range(len(keys)):
                key = " ".join(keys[word:])[:200]
                if (kind, text, position, key) in seen:
                    continue
                seen.add((kind, text, position, key))
                rows.append(
                    SearchName(
                        profile=profile,
                        kind=kind,
                        leader_position=position,
                        text=text,
                        word=word,
                        key=key,
                    )
                )
    SearchName.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("profiles", "0004_review_decisions_and_notifications"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("name", "Name"), ("english_name", "English name"), ("alternative_name", "Alternative name"), ("leader", "Leader"), ("alias", "Leader's alias")], max_length=20)),
                ("leader_position", models.PositiveIntegerField(blank=True, null=True)),
                ("text", models.TextField(help_text="The name as published.")),
                ("word", models.PositiveSmallIntegerField(default=0, help_text="The word of `text` the key starts at.")),
                ("key", models.CharField(db_index=True, max_length=200)),
                ("profile", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="search_names", to="profiles.profile")),
            ],
            options={
                "constraints": [models.CheckConstraint(condition=models.Q(models.Q(("kind__in", ["leader", "alias"]), ("leader_position__isnull", False)), models.Q(models.Q(("kind__in", ["leader", "alias"]), _negated=True), ("leader_position__isnull", True)), _connector="OR"), name="search_name_leader_has_position")],
            },
        ),
        # Going back drops the table, and the rows with it.
        migrations.RunPython(index_published_profiles, migrations.RunPython.noop),
    ]
