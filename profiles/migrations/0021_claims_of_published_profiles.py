"""Reads every published profile's sections and leaders as claims.

The published text is not touched (it stays the record), so a profile's
export is the same before and after. Claims of a section any suppression
covers are left for the next publish of that profile, which reads them
through `profiles.redaction`: nothing hidden gets a claim row here.
"""

import uuid

from django.db import migrations

from profiles import claims
from profiles.sections import SECTIONS, SectionKind


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_claims(apps, schema_editor):
    Profile = apps.get_model("profiles", "Profile")
    Leader = apps.get_model("profiles", "Leader")
    Claim = apps.get_model("profiles", "Claim")
    ClaimCitation = apps.get_model("profiles", "ClaimCitation")
    Suppression = apps.get_model("profiles", "Suppression")
    suppressed = set(Suppression.objects.values_list("profile_id", "field"))
    profiles = Profile.objects.filter(version__gt=0).order_by("pk")
    for profile in profiles.iterator(chunk_size=200):
        leaders = list(Leader.objects.filter(profile=profile).order_by("position"))
        rows, citations = [], []
        for section in SECTIONS:
            if (profile.pk, section.field) in suppressed:
                continue
            if section.kind == SectionKind.LEADERS:
                found = [
                    claims.leader_claim(
                        leader.name, _lines(leader.aliases), leader.role
                    )
                    for leader in leaders
                ]
            elif section.kind == SectionKind.BULLETS:
                found = [
                    claims.parse_bullet(line)
                    for line in _lines(getattr(profile, section.field))
                ]
            else:
                found = claims.parse_prose(getattr(profile, section.field))
            for position, claim in enumerate(found):
                as_of = claim.as_of_date
                row = Claim(
                    profile=profile,
                    section=section.field,
                    position=position,
                    key=uuid.uuid4(),
                    text=claim.text,
                    status=claim.status.value,
                    as_of=claim.as_of,
                    as_of_start=as_of.lower if as_of else None,
                    as_of_end=as_of.upper if as_of else None,
                    review_by=claim.review_by_date,
                )
                rows.append(row)
                citations += [
                    ClaimCitation(
                        claim=row, position=k, number=cite.number, locator=cite.locator
                    )
                    for k, cite in enumerate(claim.citations)
                ]
        Claim.objects.bulk_create(rows, batch_size=500)
        ClaimCitation.objects.bulk_create(citations, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("profiles", "0020_claims")]

    operations = [migrations.RunPython(read_claims, migrations.RunPython.noop)]
