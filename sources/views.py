"""The bibliography's pages: every source, and where one source is cited."""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language_info
from django.views.generic import ListView

from sources import queries
from sources.models import Source


class SourceListView(ListView):
    """`?q=` words to find in title, authors, publication or URL; `?sort=` one
    of `queries.SORTS`."""

    template_name = "sources/list.html"
    context_object_name = "sources"
    paginate_by = 50

    def get_queryset(self):
        return queries.bibliography(search=self._search(), sort=self._sort())

    def get_context_data(self, **kwargs):
        search, sort = self._search(), self._sort()
        filters = {"q": search, "sort": sort if sort != queries.DEFAULT_SORT else ""}
        return super().get_context_data(
            search=search,
            sort=sort,
            sort_label=queries.SORTS[sort],
            sort_choices=list(queries.SORTS.items()),
            extra_query=urlencode({k: v for k, v in filters.items() if v}),
            **kwargs,
        )

    def _search(self) -> str:
        return self.request.GET.get("q", "").strip()

    def _sort(self) -> str:
        sort = self.request.GET.get("sort", "")
        return sort if sort in queries.SORTS else queries.DEFAULT_SORT


source_list = SourceListView.as_view()


def source_detail(request, pk: int):
    """One public source and where it is cited; a work that only unapproved
    change requests cite is not found."""
    source = get_object_or_404(Source.objects.public(), pk=pk)
    notes = list(queries.notes_citing(source))
    fields = queries.fields_supported_by(source)
    citing = {link.citation.profile_id for link in notes}
    citing |= {change.change_request.profile_id for change in fields}
    return render(
        request,
        "sources/detail.html",
        {
            "source": source,
            "language_name": _language_name(source.language),
            "notes": notes,
            "fields": fields,
            "citing_profiles": len(citing),
        },
    )


def _language_name(code: str) -> str:
    """ "Arabic" for "ar"; an unknown code as it stands."""
    try:
        return get_language_info(code)["name"] if code else ""
    except KeyError:
        return code
