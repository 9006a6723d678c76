"""Possible duplicate sources, for reviewers: the groups `sources.duplicates`
finds, a page at a time, each with a form to keep one work and merge the
others into it. The merge is `workflow.source_merge.merge_sources`; this
view loads, checks, calls, messages and redirects. Everyone but reviewers
is refused (signed-out people are sent to sign in)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse

from profiles import roles
from profiles.models import CitationSource
from profiles.workflow.source_merge import NOT_A_REVIEWER, merge_sources
from sources import duplicates
from sources.models import Source

#: Groups of possible duplicates per page.
PER_PAGE = 20


@dataclass(frozen=True)
class Member:
    source: Source
    notes: int  # how many notes cite it


@dataclass(frozen=True)
class Group:
    rule: str
    label: str
    size: int
    members: list[Member]

    @property
    def anchor(self) -> str:
        return f"group-{self.rule}-{self.members[0].source.pk}"


class MergeForm(forms.Form):
    """One group's choice: the work to keep and those to merge into it,
    all of one group of possible duplicates by `rule`."""

    rule = forms.ChoiceField(label="Rule", choices=list(duplicates.RULES.items()))
    keep = forms.ModelChoiceField(
        Source.objects.all(),
        label="Source to keep",
        error_messages={"invalid_choice": "That source no longer exists."},
    )
    merge = forms.ModelMultipleChoiceField(
        Source.objects.all(),
        label="Sources to merge into it",
        error_messages={
            "required": "Choose at least one source to merge into the one kept.",
            "invalid_choice": "Source %(value)s no longer exists.",
        },
    )
    page = forms.IntegerField(label="Page", min_value=1, required=False)

    def clean(self):
        data = super().clean()
        keep, merge, rule = data.get("keep"), data.get("merge"), data.get("rule")
        if keep is None or not merge or rule is None:
            return data
        # Every box starts ticked: the one kept is simply not merged.
        merge = data["merge"] = [source for source in merge if source != keep]
        if not merge:
            self.add_error(
                "merge", "Choose at least one source other than the one kept."
            )
        elif not duplicates.same_group(rule, [keep.pk, *(s.pk for s in merge)]):
            self.add_error(
                "merge",
                "These sources are not one group of possible duplicates (any "
                "more): reload the page and choose again.",
            )
        return data


@login_required
def source_duplicates(request):
    """GET: a page of groups of possible duplicates (`?page=`); POST: merges
    one group's chosen sources into the one kept."""
    if not roles.can_review(request.user):
        raise PermissionDenied(NOT_A_REVIEWER)
    form = None
    if request.method == "POST":
        form = MergeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = merge_sources(data["keep"], data["merge"], by=request.user)
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                merged = len(record.merged)
                messages.success(
                    request,
                    f"Merged {merged} source{'s' if merged != 1 else ''} into "
                    f"“{data['keep']}”: {record.notes_moved} note link"
                    f"{'s' if record.notes_moved != 1 else ''} moved.",
                )
                url = reverse("sources:duplicates")
                if data.get("page"):
                    url += "?" + urlencode({"page": data["page"]})
                return redirect(url)
    page_number = request.POST.get("page") if form else request.GET.get("page")
    page = Paginator(duplicates.duplicate_groups(), PER_PAGE).get_page(page_number)
    return render(
        request,
        "sources/duplicates.html",
        {
            "page_obj": page,
            "groups": _groups(page),
            "problems": _problems(form),
            "members_shown": duplicates.MEMBERS_SHOWN,
        },
        status=400 if form is not None else 200,
    )


def _groups(page: Page) -> list[Group]:
    """The page's groups with their works and how many notes cite each: a
    query per rule and one for the counts, whatever the page holds."""
    rows = list(page.object_list)
    found = {
        rule: duplicates.members(rule, [r["key"] for r in rows if r["rule"] == rule])
        for rule in duplicates.RULES
    }
    ids = {s.pk for by_key in found.values() for ss in by_key.values() for s in ss}
    notes = {}
    if ids:
        notes = dict(
            CitationSource.objects.filter(source_id__in=ids)
            .values("source_id")
            .annotate(notes=Count("citation_id", distinct=True))
            .values_list("source_id", "notes")
        )
    groups = []
    for row in rows:
        sources = found[row["rule"]].get(row["key"], [])
        if len(sources) < 2:  # merged between the two queries
            continue
        groups.append(
            Group(
                rule=row["rule"],
                label=duplicates.RULES[row["rule"]],
                size=row["size"],
                members=[Member(source, notes.get(source.pk, 0)) for source in sources],
            )
        )
    return groups


def _problems(form: MergeForm | None) -> list[tuple[str, str]]:
    """The form's errors for the error summary, each named by its field."""
    if form is None:
        return []
    problems = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            problems.append(("", f"{label}: {error}" if label else error))
    return problems
