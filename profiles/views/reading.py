"""Reader pages: home, the profile list, a profile and its history."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views.generic import ListView

from profiles import (
    exporting,
    page_claims,
    page_grades,
    queries,
    redaction,
    roles,
    search,
    stale,
)
from profiles.cite_version import cite_context
from profiles.models import Profile
from profiles.network import neighbourhood, neighbourhood_svg
from profiles.network import queries as network_queries
from profiles.page_cache import (
    PageState,
    cached_fragment,
    cached_profile_page,
    cached_public_page,
    public_page_cache,
)
from profiles.presenting import profile_page_context
from profiles.sections import FIELD_LABELS
from sources import grading


@cached_public_page
def home(request):
    return render(
        request,
        "profiles/home.html",
        {"recent": queries.recently_updated(), "tags": queries.popular_tags()},
    )


#: What the profile list reads of its address: its filters and page.
LIST_PARAMETERS = ("q", "tag", "designation", "area", "sort", "page")


def _list_key(request) -> str:
    """A list page's entry in the page cache: its filters and page, and
    nothing else the address may carry."""
    shown = {name: request.GET.get(name, "")[:200] for name in LIST_PARAMETERS}
    return f"profiles:{urlencode(shown)}"


@method_decorator(public_page_cache(_list_key), name="dispatch")
class ProfileListView(ListView):
    template_name = "profiles/list.html"
    context_object_name = "profiles"
    paginate_by = 25

    def get_queryset(self):
        profiles = Profile.objects.published()
        query = self.request.GET.get("q", "").strip()
        if query:
            profiles = profiles.filter(
                Q(name__icontains=query)
                | Q(english_name__icontains=query)
                | Q(alternative_names__icontains=query)
                | Q(pk__in=search.profiles_named(query))
            )
        tag = self.request.GET.get("tag", "").strip()
        if tag:
            profiles = profiles.filter(tags__slug=tag)
        match self.request.GET.get("designation", ""):
            case "designated":
                profiles = profiles.designated()
            case "not-designated":
                profiles = profiles.not_designated()
        area = self.request.GET.get("area", "").strip()
        if area:
            profiles = profiles.filter(areas_of_operation__icontains=area)
        if self.request.GET.get("sort") == "updated":
            profiles = profiles.order_by("-published_at", "pk")
        return profiles.prefetch_related("tags")

    def get_context_data(self, **kwargs):
        filters = {
            key: self.request.GET.get(key, "").strip()
            for key in ("q", "tag", "designation", "area", "sort")
        }
        return super().get_context_data(
            query=filters["q"],
            tag=filters["tag"],
            filters=filters,
            extra_query=urlencode({k: v for k, v in filters.items() if v}),
            **kwargs,
        )


#: Where the reader's own tools go in the cached article. It comes before
#: any of the profile's own text but its name and version, which are
#: escaped, so the first one is always this one.
READER_SLOT = "<!--reader-tools-->"


#: `?support=B2` on a profile page shows only the claims with at least one
#: citation graded B2 or better (A1, A2, B1, B2): any letter A to E with
#: any number 1 to 5 (`sources.grading.threshold`). Anything else is ignored.
SUPPORT = "support"
#: The threshold the page's link offers.
WELL_SUPPORTED = "B2"


def _support(request) -> grading.Threshold | None:
    return grading.threshold(request.GET.get(SUPPORT, "")[:8])


def _support_key(request) -> str:
    """What the page cache keys a filtered page on besides its profile:
    the threshold as read, or nothing for the whole page."""
    threshold = _support(request)
    return f"?{SUPPORT}={threshold}" if threshold else ""


@cached_profile_page(variant=_support_key)
def profile_detail(request, slug: str, *, state: PageState | None):
    """The profile page: its article (the same for everyone, cached per
    published state and `?support=` threshold) with the reader's own tools
    laid out around it."""
    if state is None:
        raise Http404("No published profile with this address.")
    support = _support(request)
    # "v2": the article holds its publication time now; an entry cached in
    # the shape before is not read back.
    article = cached_fragment(
        f"article-v2:{slug}{_support_key(request)}",
        state,
        lambda: _article(slug, support=support),
    )
    profile = Profile(
        pk=state.profile_pk,
        slug=slug,
        version=state.version,
        name=article["name"],
        english_name=article["english_name"],
        published_at=article["published_at"],
    )
    context = {
        "profile": profile,
        "article": {
            "top": mark_safe(article["top"]),
            "rest": mark_safe(article["rest"]),
        },
        "cite": cite_context(request, profile),
        "pending_count": None,
    }
    if roles.can_review(request.user):
        context["pending_count"] = queries.pending_count(profile)
    elif roles.can_propose(request.user):
        # Editors learn of their own requests only: what others proposed is
        # theirs and the reviewers' until it is published.
        context["pending_count"] = queries.pending_count(profile, author=request.user)
        context["pending_are_mine"] = True
    if request.user.is_authenticated:  # the cached page for anonymous readers has none
        context["watching"] = queries.is_watching(request.user, profile)
    return render(request, "profiles/detail.html", context)


def _article(slug: str, *, support: grading.Threshold | None = None) -> dict:
    """The published profile's article as HTML, in two parts around the
    reader's tools, with the name, English name and publication time the
    page's layout shows; with `support`, only the claims with a citation of
    that grade or better, and a notice of how many are hidden. Raises
    Http404 when it is not published (any more)."""
    try:
        profile, citations = queries.published_profile_page(slug)
    except Profile.DoesNotExist as error:
        raise Http404("No published profile with this address.") from error
    leaders = list(profile.leaders.all())
    note_numbers: dict[int, int] = {}
    for citation in citations:
        for source_id in citation.source_ids:
            note_numbers.setdefault(source_id, citation.number)
    # What a suppression hides is shown to nobody here: the article is cached
    # for every reader alike (staff read it on the version's page).
    shown = redaction.redact_profile(
        profile, redaction.hidden_in(profile), leaders=leaders, citations=citations
    )
    context = profile_page_context(
        shown.profile,
        leaders=shown.leaders,
        citations=shown.citations,
        tags=[tag.name for tag in profile.tags.all()],
        provenance=queries.field_provenance(profile),
        note_numbers=note_numbers,
    )
    # Claims: anchors by their stable keys (one query), and what each says
    # of itself; the notes link back to them; the infobox sums them up.
    page_claims.add_claims(
        context["sections"],
        keys=queries.claim_keys(profile),
        hidden=shown.hidden,
        today=timezone.localdate(),
        stale_after_months=stale.stale_after_months(),
    )
    # Grades beside the notes, and the filter, before anything sums the
    # claims up: read from the text shown, no query.
    graded = page_grades.graded_citations(context["sections"])
    letters = page_grades.note_letters(shown.citations)
    context["note_grades"] = page_grades.note_grades(letters, graded)
    context["well_supported"] = WELL_SUPPORTED
    if support is not None:
        context["support"] = {
            "threshold": str(support),
            "hidden": page_grades.keep_supported(
                context["sections"], graded, letters, support
            ),
        }
    # Its stored edges, two indexed queries: the network is computed on publish.
    # The network page shows more of a much-named profile than its own page.
    near = neighbourhood(profile, limit=network_queries.PROFILE_PAGE_INCOMING_LIMIT)
    context.update(
        neighbourhood=near,
        neighbourhood_svg=neighbourhood_svg(near),
        reader_slot=mark_safe(READER_SLOT),  # a constant
        cited_by=page_claims.cited_by(context["sections"]),
        infobox=page_claims.infobox(context["sections"]),
    )
    html = render_to_string("profiles/includes/profile_article.html", context)
    top, rest = html.split(READER_SLOT, 1)
    return {
        "top": top,
        "rest": rest,
        "name": profile.name,
        "english_name": profile.english_name,
        "published_at": profile.published_at,
    }


class VersionPaginator(Paginator):
    """Pages of a profile's versions, newest first, found by version number
    rather than by counting and skipping rows: versions are numbered 1 … n
    without gaps, so page k holds the numbers (n - 25k, n - 25(k - 1)], and
    the ten-thousandth version is read as quickly as the first."""

    def __init__(self, versions, per_page: int, *, newest: int):
        super().__init__(versions, per_page)
        self.newest = newest

    @property
    def count(self) -> int:
        return self.newest

    def page(self, number):
        number = self.validate_number(number)
        top = self.newest - (number - 1) * self.per_page
        rows = self.object_list.filter(number__lte=top, number__gt=top - self.per_page)
        return self._get_page(rows, number, self)


def profile_history(request, slug: str):
    profile = get_object_or_404(Profile.objects.published(), slug=slug)
    page = VersionPaginator(
        queries.versions(profile), 25, newest=profile.version
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/history.html",
        {
            "profile": profile,
            "page_obj": page,
            "versions": page.object_list,
            "can_revert": roles.can_propose(request.user),
            "field_choices": list(FIELD_LABELS.items()),
        },
    )


EXPORTS = {
    "json": ("json", "application/json"),
    "md": ("markdown", "text/markdown"),
    "txt": ("text", "text/plain"),
}


def profile_export(request, slug: str, format: str):
    """The published profile as a file: JSON, Markdown or the document layout."""
    if format not in EXPORTS:
        raise Http404("Exports are .json, .md and .txt.")
    try:
        profile = queries.published_profile(slug)
    except Profile.DoesNotExist as error:
        raise Http404("No published profile with this address.") from error
    name, content_type = EXPORTS[format]
    response = HttpResponse(
        exporting.export(profile, name), content_type=f"{content_type}; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{profile.slug}.{format}"'
    return response
