"""Sources already cited by published notes or accepted changes are public;
the rest were proposed in requests not yet approved and stay private."""

from django.db import migrations
from django.db.models import F, Q


def publish_cited_sources(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    CitationSource = apps.get_model("profiles", "CitationSource")
    ProposedChange = apps.get_model("profiles", "ProposedChange")
    noted = CitationSource.objects.filter(citation__profile__version__gte=1)
    supported = ProposedChange.objects.filter(
        decision="accepted", change_request__published_version__isnull=False
    )
    Source.objects.filter(
        Q(pk__in=noted.values("source_id")) | Q(pk__in=supported.values("sources__id"))
    ).update(published_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0005_search_names"),
        ("sources", "0002_source_published_at"),
    ]

    operations = [
        migrations.RunPython(publish_cited_sources, migrations.RunPython.noop),
    ]
