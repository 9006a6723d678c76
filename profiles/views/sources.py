"""The bibliography's pages: every source, where one source is cited, and
the dead links with what rests on them.

They are served under `/sources/` with the `sources:` URL names
(`profiles.sources_urls`); the reads are `profiles.citing`."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language_info
from django.views.generic import ListView

from profiles import citing as queries
from sources.models import Publisher, Source

#: `?sort=` of the list: the bibliography's own, and its publishers' grade.
GRADE_SORT = "grade"
SORTS = {**queries.SORTS, GRADE_SORT: "publisher's grade, best first"}
#: `?grade=` for works whose publisher is not graded (or not known).
UNGRADED = "none"


class SourceListView(ListView):
    """`?q=` words to find in title, authors, publication or URL; `?grade=`
    its publisher's grade (A to F, or "none"); `?sort=` one of `SORTS`."""

    template_name = "sources/list.html"
    context_object_name = "sources"
    paginate_by = 50

    def get_queryset(self):
        sort, grade = self._sort(), self._grade()
        sources = queries.bibliography(
            search=self._search(),
            sort=queries.DEFAULT_SORT if sort == GRADE_SORT else sort,
        ).select_related("publisher")
        if grade:
            sources = sources.from_publisher_graded("" if grade == UNGRADED else grade)
        if sort == GRADE_SORT:
            sources = sources.by_publisher_grade("title", "pk")
        return sources

    def get_context_data(self, **kwargs):
        search, sort, grade = self._search(), self._sort(), self._grade()
        filters = {
            "q": search,
            "grade": grade,
            "sort": sort if sort != queries.DEFAULT_SORT else "",
        }
        return super().get_context_data(
            search=search,
            sort=sort,
            sort_label=SORTS[sort],
            sort_choices=list(SORTS.items()),
            grade=grade,
            grade_choices=Publisher.Grade.choices,
            extra_query=urlencode({k: v for k, v in filters.items() if v}),
            **kwargs,
        )

    def _search(self) -> str:
        return self.request.GET.get("q", "").strip()

    def _sort(self) -> str:
        sort = self.request.GET.get("sort", "")
        return sort if sort in SORTS else queries.DEFAULT_SORT

    def _grade(self) -> str:
        grade = self.request.GET.get("grade", "")
        return grade if grade in Publisher.Grade.values or grade == UNGRADED else ""


source_list = SourceListView.as_view()

#: Rows of each "cited in" table per page; a source cited everywhere pages.
PER_PAGE = 50


def source_detail(request, pk: int):
    """One public source and where it is cited; a work that only unapproved
    change requests cite is not found."""
    source = get_object_or_404(
        Source.objects.public().select_related("publisher"), pk=pk
    )
    notes = Paginator(queries.notes_citing(source), PER_PAGE).get_page(
        request.GET.get("notes")
    )
    fields = Paginator(queries.fields_supported_by(source), PER_PAGE).get_page(
        request.GET.get("fields")
    )
    return render(
        request,
        "sources/detail.html",
        {
            "source": source,
            "language_name": _language_name(source.language),
            "notes": notes,
            "fields": fields,
            "citing_profiles": queries.citing_profile_count(source),
        },
    )


#: Dead sources per page of `/sources/dead/`, each with its notes and claims.
DEAD_PER_PAGE = 25


def dead_source_list(request):
    """Public sources whose link is dead (`manage.py check_links`), with their
    last check, archive copies and the notes and claims citing them."""
    page = queries.dead_links(page=request.GET.get("page"), per_page=DEAD_PER_PAGE)
    return render(
        request,
        "sources/dead.html",
        {"page_obj": page, "paginator": page.paginator, "sources": page.object_list},
    )


def _language_name(code: str) -> str:
    """ "Arabic" for "ar"; an unknown code as it stands."""
    try:
        return get_language_info(code)["name"] if code else ""
    except KeyError:
        return code
