"""How profiles changed: any published version as it was, two versions
compared, one field's history with its sources, and the recent changes."""

from types import SimpleNamespace

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from profiles import diff, limits, page_claims, queries, redaction, roles, stale
from profiles.cite_version import cite_context
from profiles.models import Citation, Leader, Profile, join_lines
from profiles.presenting import profile_page_context
from profiles.sections import FIELD_LABELS, FIELDS
from profiles.serializers import LIST_FIELDS, TEXT_FIELDS, json_values
from sources.models import Source


def _published(slug: str) -> Profile:
    return get_object_or_404(Profile.objects.published(), slug=slug)


def version_detail(request, slug: str, number: int):
    """The profile exactly as version `number` published it, from its
    snapshot: what a suppression hides shown only to staff, under a banner
    naming it, and in its place to everyone else."""
    current = _published(slug)
    version = get_object_or_404(current.versions, number=number)
    snapshot = version.snapshot
    values = json_values(snapshot)
    hidden = redaction.hidden_in(current)
    found = hidden.fields(values)
    shows_hidden = roles.sees_suppressed(request.user)
    if found and not shows_hidden:
        values = hidden.values(values)
        if "citations" in found:
            snapshot = {**snapshot, "citations": values["citations"]}
    profile = Profile(
        slug=current.slug,
        version=version.number,
        published_at=parse_datetime(snapshot["updated_at"]) or version.published_at,
        **{f: values[f] for f in TEXT_FIELDS},
        **{f: join_lines(values[f]) for f in LIST_FIELDS},
    )
    leaders = [
        Leader(name=row["name"], aliases=join_lines(row["aliases"]), role=row["role"])
        for row in values["leaders"]
    ]
    citations = [_snapshot_citation(row) for row in snapshot["citations"]]
    context = profile_page_context(
        profile, leaders=leaders, citations=citations, tags=values["tags"]
    )
    # Claims read from the snapshot's text, anchored by section and position
    # (claim rows hold the published version's keys only).
    page_claims.add_claims(
        context["sections"],
        keys=None,
        hidden=() if shows_hidden else found,
        today=timezone.localdate(),
        stale_after_months=stale.stale_after_months(),
    )
    context.update(
        cited_by=page_claims.cited_by(context["sections"]),
        infobox=page_claims.infobox(context["sections"]),
        cite=cite_context(request, profile),
        old_version=version.number != current.version,
        current_version=current.version,
        suppressed=[(FIELD_LABELS[field], at) for field, at in found.items()]
        if shows_hidden
        else [],
        can_suppress=roles.can_suppress(request.user),
    )
    return render(request, "profiles/version.html", context)


def _snapshot_citation(row: dict) -> Citation:
    """A note as a version recorded it, with the sources it cited then."""
    citation = Citation(number=row["number"], text=row["text"])
    citation.recorded_sources = [
        Source(
            authors=source["authors"],
            title=source["title"],
            publication=source["publication"],
            date=source["date_as_written"],
            url=source["url"],
            language=source["language"],
        )
        for source in row.get("sources", [])
    ]
    return citation


def _version_number(request, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    try:
        number = int(raw)
    except ValueError as error:
        raise Http404(f"“{raw}” is not a version number.") from error
    if not 1 <= number <= limits.DATABASE_INT_MAX:
        raise Http404(f"There is no version {number}.")
    return number


def compare(request, slug: str):
    """Two versions field by field: changed fields open, unchanged collapsed."""
    profile = _published(slug)
    newer = _version_number(request, "to", profile.version)
    older = _version_number(request, "from", max(newer - 1, 1))
    snapshots = dict(
        profile.versions.filter(number__in=[older, newer]).values_list(
            "number", "snapshot"
        )
    )
    if older not in snapshots or newer not in snapshots:
        raise Http404("No such version of this profile.")
    hidden = redaction.hidden_in(profile)
    diffs = queries.with_note_sources(
        diff.diff_values(
            hidden.values(json_values(snapshots[older])),
            hidden.values(json_values(snapshots[newer])),
            FIELDS,
        )
    )
    return render(
        request,
        "profiles/compare.html",
        {
            "profile": profile,
            "older": older,
            "newer": newer,
            "changed": [d for d in diffs if d.changed],
            "unchanged": [d for d in diffs if not d.changed],
        },
    )


def field_history(request, slug: str, field: str):
    """Every value a field has had, newest first, each with its version, date,
    author, approver, summary, sources and the diff to the value before."""
    profile = _published(slug)
    if field not in FIELDS:
        raise Http404("No such field.")
    paginator = Paginator(queries.field_changes(profile, field), 20)
    page = paginator.get_page(request.GET.get("page"))
    changes = list(page.object_list)
    # The value before the page's last entry is the first of the next page.
    end = page.end_index()
    older = [*changes[1:], *queries.field_changes(profile, field)[end : end + 1]]
    deadline = diff.shared_deadline()
    hidden = redaction.hidden_in(
        profile,
        versions={c.change_request.published_version for c in [*changes, *older]},
    )

    def shown(change):
        version = change.change_request.published_version
        return hidden.value(field, change.published, version)

    diffs = queries.with_note_sources(
        diff.diff_field(
            field,
            shown(older[index]) if index < len(older) else None,
            shown(change),
            deadline=deadline,
        )
        for index, change in enumerate(changes)
    )
    entries = [
        SimpleNamespace(change=change, request=change.change_request, diff=field_diff)
        for change, field_diff in zip(changes, diffs, strict=True)
    ]
    return render(
        request,
        "profiles/field_history.html",
        {
            "profile": profile,
            "field": field,
            "label": FIELD_LABELS[field],
            "entries": entries,
            "page_obj": page,
        },
    )


def recent_changes(request):
    page = Paginator(queries.recent_versions(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/changes.html",
        {"page_obj": page, "versions": page.object_list},
    )
