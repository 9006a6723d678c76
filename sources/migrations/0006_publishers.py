"""Publishers with a reliability grade: `Publisher` (and its history),
`Source.publisher`, and `PublisherGradeProposal`, the reviewed requests
that grade them. `fill_publishers` gives the public works theirs."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

#: Works linked per update.
_CHUNK = 500


def _key(name: str) -> str:
    """`sources.models.publisher_key` as it was when this was written."""
    return " ".join(name.split()).casefold()


def fill_publishers(apps, schema_editor):
    """One ungraded publisher per publication name of the public works
    (case and runs of spaces aside), named as the oldest of its works writes
    it, each with its "created" history row, and every public work linked
    to its own; a publisher of that name already recorded is reused. Works
    still private get theirs when they are published, as new works do (a
    name no reviewer has approved is not listed). The works' own history
    gets no row: the link is read from their publication, which it keeps.
    """
    Source = apps.get_model("sources", "Source")
    Publisher = apps.get_model("sources", "Publisher")
    HistoricalPublisher = apps.get_model("sources", "HistoricalPublisher")
    names: dict[str, str] = {}
    works: dict[str, list[int]] = {}
    rows = (
        Source.objects.filter(published_at__isnull=False, publisher__isnull=True)
        .exclude(publication="")
        .order_by("pk")
        .values_list("pk", "publication")
    )
    for pk, publication in rows.iterator(chunk_size=2000):
        key = _key(publication)
        if key:
            names.setdefault(key, publication.strip())
            works.setdefault(key, []).append(pk)
    known = dict(Publisher.objects.values_list("key", "pk"))
    now = timezone.now()
    new = Publisher.objects.bulk_create(
        [
            Publisher(name=name, key=key, created_at=now)
            for key, name in names.items()
            if key not in known
        ],
        batch_size=_CHUNK,
    )
    HistoricalPublisher.objects.bulk_create(
        [
            HistoricalPublisher(
                id=publisher.pk,
                name=publisher.name,
                key=publisher.key,
                created_at=now,
                history_date=now,
                history_type="+",
                history_change_reason="Named by its published works",
            )
            for publisher in new
        ],
        batch_size=_CHUNK,
    )
    known.update((publisher.key, publisher.pk) for publisher in new)
    for key, ids in works.items():
        for start in range(0, len(ids), _CHUNK):
            Source.objects.filter(pk__in=ids[start : start + _CHUNK]).update(
                publisher_id=known[key]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0005_source_merge"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalPublisher",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="As its first published work named it.",
                        max_length=300,
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        db_index=True,
                        editable=False,
                        help_text="Its name without case or extra spaces: one per name.",
                        max_length=300,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("outlet", "outlet"),
                            ("news_agency", "news agency"),
                            ("own_channel", "the group's own channel"),
                            ("government", "government body"),
                            ("researcher", "researcher or think tank"),
                            ("other", "other"),
                        ],
                        help_text="Blank: not said yet.",
                        max_length=20,
                    ),
                ),
                (
                    "grade",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("A", "A: completely reliable"),
                            ("B", "B: usually reliable"),
                            ("C", "C: fairly reliable"),
                            ("D", "D: not usually reliable"),
                            ("E", "E: unreliable"),
                            ("F", "F: reliability cannot be judged"),
                        ],
                        help_text="Blank: not graded yet.",
                        max_length=1,
                        verbose_name="reliability grade",
                    ),
                ),
                (
                    "reason",
                    models.TextField(
                        blank=True,
                        help_text="Why it has its grade; required once graded.",
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        blank=True, max_length=2000, verbose_name="home page"
                    ),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical publisher",
                "verbose_name_plural": "historical publishers",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Publisher",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="As its first published work named it.",
                        max_length=300,
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        editable=False,
                        help_text="Its name without case or extra spaces: one per name.",
                        max_length=300,
                        unique=True,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("outlet", "outlet"),
                            ("news_agency", "news agency"),
                            ("own_channel", "the group's own channel"),
                            ("government", "government body"),
                            ("researcher", "researcher or think tank"),
                            ("other", "other"),
                        ],
                        help_text="Blank: not said yet.",
                        max_length=20,
                    ),
                ),
                (
                    "grade",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("A", "A: completely reliable"),
                            ("B", "B: usually reliable"),
                            ("C", "C: fairly reliable"),
                            ("D", "D: not usually reliable"),
                            ("E", "E: unreliable"),
                            ("F", "F: reliability cannot be judged"),
                        ],
                        help_text="Blank: not graded yet.",
                        max_length=1,
                        verbose_name="reliability grade",
                    ),
                ),
                (
                    "reason",
                    models.TextField(
                        blank=True,
                        help_text="Why it has its grade; required once graded.",
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        blank=True, max_length=2000, verbose_name="home page"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["key", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("grade__in", ["", "A", "B", "C", "D", "E", "F"])
                        ),
                        name="publisher_grade_a_to_f",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("grade", ""),
                            models.Q(("reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="publisher_graded_with_reason",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("key", ""), _negated=True),
                        name="publisher_has_name",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="publisher",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                help_text="Found by its publication's name when it is published.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="sources.publisher",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="publisher",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="Found by its publication's name when it is published.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sources",
                to="sources.publisher",
            ),
        ),
        migrations.CreateModel(
            name="PublisherGradeProposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "grade",
                    models.CharField(
                        choices=[
                            ("A", "A: completely reliable"),
                            ("B", "B: usually reliable"),
                            ("C", "C: fairly reliable"),
                            ("D", "D: not usually reliable"),
                            ("E", "E: unreliable"),
                            ("F", "F: reliability cannot be judged"),
                        ],
                        max_length=1,
                        verbose_name="reliability grade",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("outlet", "outlet"),
                            ("news_agency", "news agency"),
                            ("own_channel", "the group's own channel"),
                            ("government", "government body"),
                            ("researcher", "researcher or think tank"),
                            ("other", "other"),
                        ],
                        max_length=20,
                    ),
                ),
                ("reason", models.TextField()),
                (
                    "proposed_at",
                    models.DateTimeField(default=django.utils.timezone.now),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "pending"),
                            ("approved", "approved"),
                            ("rejected", "rejected"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "publisher",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="grade_proposals",
                        to="sources.publisher",
                    ),
                ),
            ],
            options={
                "ordering": ["proposed_at", "pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("status", "approved")),
                        fields=["publisher", "decided_at"],
                        name="grade_proposal_approved",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("publisher",),
                        name="publisher_one_pending_grade_proposal",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("grade__in", ["A", "B", "C", "D", "E", "F"]),
                            models.Q(("kind", ""), _negated=True),
                            models.Q(("reason", ""), _negated=True),
                        ),
                        name="grade_proposal_complete",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("decided_at__isnull", True),
                                ("decided_by__isnull", True),
                                ("status", "pending"),
                            ),
                            models.Q(
                                ("decided_at__isnull", False),
                                ("decided_by__isnull", False),
                                ("status__in", ["approved", "rejected"]),
                            ),
                            _connector="OR",
                        ),
                        name="grade_proposal_decided_by_someone",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("decided_by__isnull", True),
                            models.Q(
                                ("decided_by", models.F("proposed_by")), _negated=True
                            ),
                            _connector="OR",
                        ),
                        name="grade_proposal_not_decided_by_proposer",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "rejected"), _negated=True),
                            models.Q(("decision_note", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="grade_proposal_rejection_says_why",
                    ),
                ],
            },
        ),
        migrations.RunPython(fill_publishers, migrations.RunPython.noop),
    ]
