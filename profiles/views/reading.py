"""Reader pages: home, the profile list, a profile and its history."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView
from taggit.models import Tag

from profiles import queries, roles
from profiles.document import footnote_numbers
from profiles.models import Profile
from profiles.sections import FIELD_LABELS, SECTIONS, SectionKind


def home(request):
    tags = (
        Tag.objects.filter(profile__isnull=False)
        .annotate(profile_count=Count("profile", distinct=True))
        .order_by("name")
    )
    return render(
        request,
        "profiles/home.html",
        {"recent": queries.recently_updated(), "tags": tags},
    )


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
            )
        tag = self.request.GET.get("tag", "").strip()
        if tag:
            profiles = profiles.filter(tags__slug=tag)
        return profiles.prefetch_related("tags")

    def get_context_data(self, **kwargs):
        filters = {key: self.request.GET.get(key, "").strip() for key in ("q", "tag")}
        return super().get_context_data(
            query=filters["q"],
            tag=filters["tag"],
            extra_query=urlencode({k: v for k, v in filters.items() if v}),
            **kwargs,
        )


def profile_detail(request, slug: str):
    try:
        profile = queries.published_profile(slug)
    except Profile.DoesNotExist as error:
        raise Http404("No published profile with this address.") from error
    return render(
        request,
        "profiles/detail.html",
        {
            "profile": profile,
            "sections": _section_blocks(profile, queries.field_provenance(profile)),
            "pending_count": (
                queries.pending_count(profile)
                if roles.can_propose(request.user) or roles.can_review(request.user)
                else None
            ),
            "referenced": _referenced_notes(profile),
            "tags": sorted(profile.tags.all(), key=lambda tag: tag.name.lower()),
        },
    )


def _referenced_notes(profile: Profile) -> set[int]:
    """Numbers of the notes some footnote mark on the page points to."""
    texts = [profile.logo, profile.flag_text]
    texts += [
        getattr(profile, section.field)
        for section in SECTIONS
        if section.kind != SectionKind.LEADERS
    ]
    texts += [leader.role for leader in profile.leaders.all()]
    return set(footnote_numbers("\n".join(texts)))


def _section_blocks(profile: Profile, provenance: dict) -> list[dict]:
    """Each section of the seed, in its order, with what it holds and the
    numbers of the notes citing the sources behind its current value."""
    note_numbers: dict[int, int] = {}
    for citation in profile.citations.all():
        for link in citation.citation_sources.all():
            note_numbers.setdefault(link.source_id, citation.number)
    blocks = []
    for section in SECTIONS:
        change = provenance.get(section.field)
        sources = change.sources.all() if change else []
        numbers = {note_numbers[s.pk] for s in sources if s.pk in note_numbers}
        block = {"section": section, "change": change, "notes": sorted(numbers)}
        if section.kind == SectionKind.LEADERS:
            block["leaders"] = profile.leaders.all()
        elif section.kind == SectionKind.PROSE:
            block["text"] = getattr(profile, section.field)
        else:
            block["items"] = profile.items(section.field)
        blocks.append(block)
    return blocks


def profile_history(request, slug: str):
    profile = get_object_or_404(Profile.objects.published(), slug=slug)
    page = Paginator(queries.versions(profile), 25).get_page(request.GET.get("page"))
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
