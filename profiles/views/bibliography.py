"""The bibliography as files for reference managers, and references pasted
from them:

- `/api/v1/sources/?format=csl-json|bibtex|ris` (every public source) and
  `/api/v1/profiles/<slug>/sources/?format=…` (the works the profile's notes
  cite, in note order): pages of `EXPORT_PAGE_SIZE` works, the next page's
  address in the `Link: <…>; rel="next"` header (a CSL-JSON, BibTeX or RIS
  file has no room for it), so no request builds an unbounded file;
- `/profiles/<slug>/versions/<n>/cite.json|bib|ris`: one version of a
  profile as a reference (`profiles.cite_version`);
- `/sources/import/`: an editor pastes BibTeX, RIS or CSL-JSON, sees which
  entries are new and which the profile cites already, and proposes the new
  ones as notes in a change request, reviewed like any other.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET

from profiles import citing, redaction, roles, workflow
from profiles.cite_version import CITE_FILES, version_reference
from profiles.models import Profile, Version
from profiles.paste_forms import PasteImportForm
from sources.pasted_references import FORMATS
from sources.references import (
    EXPORT_FORMATS,
    ExportFormat,
    Reference,
    source_reference,
    write,
)

#: Works in one page of an export: a profile's bibliography fits one.
EXPORT_PAGE_SIZE = 1000
DEFAULT_FORMAT = "csl-json"
#: The largest cursor a page can give: the largest primary key there can be.
_CURSOR_MAX = 2**63 - 1


def _problem(detail: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _export_format(request) -> ExportFormat | None:
    return EXPORT_FORMATS.get(request.GET.get("format") or DEFAULT_FORMAT)


def _unknown_format(request) -> JsonResponse:
    shown = request.GET.get("format", "")[:40]
    return _problem(
        f"Unknown format “{shown}”: use format=csl-json, format=bibtex or format=ris."
    )


def _file(
    references: list[Reference],
    export: ExportFormat,
    *,
    name: str,
    next_url: str | None = None,
) -> HttpResponse:
    """The references as a download named `name` + the format's extension,
    with the next page's address in a `Link` header when there is one."""
    response = HttpResponse(
        write(references, export.name),
        content_type=f"{export.content_type}; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}.{export.extension}"
    )
    if next_url:
        response["Link"] = f'<{next_url}>; rel="next"'
    return response


def _page_url(request, path: str, export: ExportFormat, after: str) -> str:
    query = urlencode({"format": export.name, "after": after})
    return request.build_absolute_uri(f"{path}?{query}")


@require_GET
def source_export(request):
    """Every public source, by when it was recorded: `?after=<id>` starts
    after a source (the cursor each page's `Link` gives)."""
    export = _export_format(request)
    if export is None:
        return _unknown_format(request)
    raw = request.GET.get("after", "")
    after = int(raw) if raw.isascii() and raw.isdigit() else -1
    if raw and not 0 <= after <= _CURSOR_MAX:
        return _problem("Not a cursor this API gave.")
    rows = citing.exported_sources(after=max(after, 0), size=EXPORT_PAGE_SIZE)
    page = rows[:EXPORT_PAGE_SIZE]
    next_url = None
    if len(rows) > EXPORT_PAGE_SIZE:
        path = reverse("api:source-export")
        next_url = _page_url(request, path, export, str(page[-1].pk))
    return _file(
        [source_reference(source) for source in page],
        export,
        name=f"sources-after-{after}" if raw else "sources",
        next_url=next_url,
    )


def _note_cursor(raw: str) -> tuple[int, int] | None:
    """ "12-0" as (note 12, position 0); None when it is not one."""
    number, dash, position = raw.partition("-")
    if not (dash and number.isascii() and number.isdigit()):
        return None
    if not (position.isascii() and position.isdigit()):
        return None
    if int(number) > _CURSOR_MAX or int(position) > _CURSOR_MAX:
        return None
    return int(number), int(position)


@require_GET
def profile_source_export(request, slug: str):
    """The works a published profile's notes cite, each once, in the order
    its notes first cite them; none while a reviewer hides its notes.
    `?after=<note>-<position>` is the cursor each page's `Link` gives."""
    export = _export_format(request)
    if export is None:
        return _unknown_format(request)
    raw = request.GET.get("after", "")
    after = _note_cursor(raw) if raw else None
    if raw and after is None:
        return _problem("Not a cursor this API gave.")
    profile = Profile.objects.published().filter(slug=slug).only("pk", "slug").first()
    if profile is None:
        return _problem("No published profile with this slug.", status=404)
    hidden = redaction.hidden_for(request.user, profile)
    if "citations" in hidden.keys and hidden.when(
        "citations", redaction.live_values(profile, "citations")
    ):
        links = []
    else:
        links = citing.profile_works(profile, after=after, size=EXPORT_PAGE_SIZE)
    page = links[:EXPORT_PAGE_SIZE]
    next_url = None
    if len(links) > EXPORT_PAGE_SIZE:
        last = page[-1]
        next_url = _page_url(
            request,
            reverse("api:profile-sources", args=[profile.slug]),
            export,
            f"{last.citation.number}-{last.position}",
        )
    name = f"{profile.slug}-sources" + (f"-after-{raw}" if raw else "")
    return _file(
        [source_reference(link.source) for link in page],
        export,
        name=name,
        next_url=next_url,
    )


@require_GET
def version_citation(request, slug: str, number: int, format: str):
    """Version `number` of a published profile as one reference, in the file
    format its extension names (`CITE_FILES`), accessed today."""
    if format not in CITE_FILES:
        raise Http404("Citations are cite.json (CSL-JSON), cite.bib and cite.ris.")
    found = (
        Version.objects.filter(
            profile__slug=slug, profile__version__gte=1, number=number
        )
        .values_list("published_at", "snapshot__name", "snapshot__english_name")
        .first()
    )
    if found is None:
        raise Http404("This profile has no such version.")
    published_at, name, english_name = found
    reference = version_reference(
        slug=slug,
        title=Profile(name=name, english_name=english_name or "").title,
        number=number,
        published_at=published_at,
        url=request.build_absolute_uri(
            reverse("profiles:version", args=[slug, number])
        ),
        accessed=timezone.localdate(),
    )
    return _file([reference], EXPORT_FORMATS[CITE_FILES[format]], name=reference.key)


#: What the import page's two buttons send.
CHECK, PROPOSE = "check", "propose"


def _proposed(plan: citing.PastePlan) -> str:
    """The message after proposing: what was proposed, and what was not."""
    added = len(plan.added)
    parts = [f"{added} note{'s' if added != 1 else ''} proposed for review."]
    if len(plan.reused) == 1:
        parts.append("One of them cites a work already in the library.")
    elif plan.reused:
        parts.append(f"{len(plan.reused)} of them cite works already in the library.")
    if plan.duplicates:
        left = ", ".join(
            f"{pasted.label}: {why}" for pasted, why in plan.duplicates[:10]
        )
        more = len(plan.duplicates) - 10
        parts.append(
            f"Left out as duplicates: {left}"
            + (f" and {more} more." if more > 0 else ".")
        )
    return " ".join(parts)


@login_required
def paste_import(request):
    """The paste form (editors only). "Check" shows what each entry would
    become and writes nothing; "Propose" submits the new entries as notes
    of the profile in one change request, leaving out the works it cites
    already, and opens the request. A GET writes nothing."""
    if not roles.can_propose(request.user):
        raise PermissionDenied("Only editors can propose changes.")
    form = PasteImportForm(
        request.POST if request.method == "POST" else None,
        initial={"profile": request.GET.get("profile", "")[:200]},
    )
    plan = None
    if request.method == "POST" and form.is_valid():
        profile = form.cleaned_data["profile"]
        plan = citing.paste_plan(profile, form.cleaned_data["entries"])
        if not plan.added:
            form.add_error(
                None,
                "Nothing to add: this profile cites every work pasted already.",
            )
        elif request.POST.get("action") == PROPOSE:
            count = len(plan.added)
            kind = FORMATS[form.cleaned_data["format"]]
            try:
                change_request = workflow.submit_change_request(
                    profile=profile,
                    author=request.user,
                    summary=f"Add {count} {kind} reference"
                    f"{'s' if count != 1 else ''} as notes",
                    proposals={
                        "citations": workflow.Proposal(
                            citing.notes_with(profile, plan.added)
                        )
                    },
                    base_version=profile.version,
                )
            except workflow.NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except (ValidationError, workflow.WorkflowError) as error:
                for message in getattr(error, "messages", [str(error)]):
                    form.add_error(None, message)
            else:
                messages.success(request, _proposed(plan))
                return redirect("review:detail", change_request.pk)
    return render(
        request,
        "sources/import.html",
        {"form": form, "plan": plan, "check": CHECK, "propose": PROPOSE},
    )
