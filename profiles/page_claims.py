"""What the profile page shows of its claims: each bullet, stretch of prose
and leader entry with its anchor, its status and as-of date in words, whether
it cites nothing and whether it is stale; the notes' links back to the claims
that cite them; and the infobox at the top of the page.

Read from the text the page shows (`claim_index.section_claims`), so the
published page and any version's page show claims alike. On the published
page a claim's anchor carries its stable key (the rows `queries.claim_keys`
reads, zipped by position: both come from `section_claims`); on a version's
page, and wherever a row does not match, its section and position.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from profiles import claims as claim_text
from profiles.claim_index import section_claims
from profiles.sections import SECTIONS_BY_FIELD, SectionKind
from profiles.stale import months_before

__all__ = [
    "INFOBOX_ENTRIES",
    "InfoboxRow",
    "ShownClaim",
    "add_claims",
    "cited_by",
    "infobox",
    "is_current_role",
]

#: The most entries an infobox row lists; the section has the rest.
INFOBOX_ENTRIES = 5
#: A leader whose role starts so is a former one (kept simple on purpose:
#: "was the deputy", "former commander", "formerly …", "ex-commander").
_FORMER_ROLE_RE = re.compile(r"(?:was|former|formerly|ex-|previously)\b", re.I)
_PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")


@dataclass(frozen=True, slots=True)
class ShownClaim:
    """One claim as the page shows it."""

    anchor: str  # its element's id
    label: str  # how a note's link back names it: "Weapons •2", "Background ¶2.1"
    position: int  # in its section, from 0
    shown: str  # its words and marks as written, without the annotation
    text: str  # its words alone
    numbers: tuple[int, ...]  # the notes it cites, in order
    status: str  # in words; "" when confirmed
    as_of: str  # in words ("early 2017"); "" when undated
    as_of_upper: date | None  # the last day its as-of date may mean
    dated: bool  # its as-of date ended more than the allowed months ago
    review_due: bool  # its review-by date has come
    hidden: bool = False  # a reviewer's notice in place of a hidden value
    lead: str = ""  # prose: the whitespace before it
    leader: object = None  # leaders: the `Leader` row
    role: str = ""  # leaders: the role as shown

    @property
    def unsourced(self) -> bool:
        return not self.hidden and not self.numbers

    @property
    def name(self) -> str:
        """What the infobox shows of it: a leader's name, else its words."""
        return self.leader.name if self.leader is not None else self.text


@dataclass(frozen=True, slots=True)
class InfoboxRow:
    label: str
    claims: tuple[ShownClaim, ...]
    more: int  # claims of the section not listed
    section: str  # its field: where the rest are


def is_current_role(role_words: str) -> bool:
    """Whether a leader's role reads as current: it does not start with
    "was", "former", "formerly", "ex-" or "previously"."""
    return not _FORMER_ROLE_RE.match(role_words.strip())


def _without_annotation(claim: claim_text.Claim) -> str:
    """The claim as written, its marks kept and its bracket of annotations
    dropped: the bracket is shown in words beside it. Only an annotation
    ever follows the body in brackets (`claims.parse_bullet` keeps any
    other bracket in the body)."""
    tail = claim.tail
    if "[" in tail:
        tail = tail[: tail.rfind("[")].rstrip()
    return claim.body + tail


def _label(section_label: str, count: int, position: int) -> str:
    return section_label if count == 1 else f"{section_label} •{position + 1}"


def _paragraph_labels(section_label: str, parsed: Sequence) -> list[str]:
    """Each prose claim's label: its paragraph ("¶2"), and its place in it
    when the paragraph has more than one ("¶2.1")."""
    places: list[tuple[int, int]] = []
    paragraph, place = 0, 0
    for index, claim in enumerate(parsed):
        if index and _PARAGRAPH_BREAK_RE.search(claim.lead):
            paragraph, place = paragraph + 1, 0
        places.append((paragraph, place))
        place += 1
    sizes: dict[int, int] = {}
    for paragraph, _place in places:
        sizes[paragraph] = sizes.get(paragraph, 0) + 1
    if len(places) == 1:
        return [section_label]
    return [
        f"{section_label} ¶{p + 1}" + ("" if sizes[p] == 1 else f".{k + 1}")
        for p, k in places
    ]


def _shown_claims(
    field: str,
    value,
    keys: Sequence[tuple[str, str]] | None,
    *,
    hidden: bool,
    stale_before: date,
    today: date,
) -> list[ShownClaim]:
    section = SECTIONS_BY_FIELD[field]
    parsed = section_claims(field, value)
    if section.kind == SectionKind.PROSE:
        labels = _paragraph_labels(section.label, parsed)
    else:
        labels = [_label(section.label, len(parsed), k) for k in range(len(parsed))]
    leaders = list(value) if section.kind == SectionKind.LEADERS else []
    shown = []
    for position, claim in enumerate(parsed):
        words = claim.text
        key = None
        if keys is not None and position < len(keys):
            text, row_key = keys[position]
            key = row_key if text == words else None
        as_of, as_of_words = _as_of("" if hidden else claim.as_of)
        review_by = None if hidden else _review_by(claim.review_by)
        leader = leaders[position] if leaders else None
        shown.append(
            ShownClaim(
                anchor=f"claim-{key}" if key else f"claim-{field}-{position}",
                label=labels[position],
                position=position,
                shown=_without_annotation(claim),
                text=words,
                numbers=() if hidden else tuple(claim.numbers),
                status=""
                if hidden or claim.status == claim_text.Status.CONFIRMED
                else claim.status.label,
                as_of=as_of_words,
                as_of_upper=as_of.upper if as_of else None,
                dated=as_of is not None and as_of.upper < stale_before,
                review_due=review_by is not None and review_by <= today,
                hidden=hidden,
                lead=claim.lead,
                leader=leader,
                role=_without_annotation(claim_text.parse_bullet(leader.role))
                if leader is not None and leader.role
                else "",
            )
        )
    return shown


@lru_cache(maxsize=4_096)
def _as_of(edtf: str) -> tuple[claim_text.ClaimDate | None, str]:
    """An as-of date read and said in words, remembered: many claims of a
    profile share one. (None, "") when there is none, or it cannot be read:
    the text was read when it was published, and a page never fails on it."""
    if not edtf:
        return None, ""
    try:
        return claim_text.parse_as_of(edtf), claim_text.as_of_words(edtf)
    except claim_text.InvalidClaim:
        return None, ""


@lru_cache(maxsize=1_024)
def _review_by(edtf: str) -> date | None:
    if not edtf:
        return None
    try:
        return claim_text.parse_review_by(edtf)
    except claim_text.InvalidClaim:
        return None


def add_claims(
    blocks: Iterable[dict],
    *,
    keys: Mapping[str, Sequence[tuple[str, str]]] | None,
    hidden: Iterable[str] = (),
    today: date,
    stale_after_months: int,
) -> None:
    """Adds to each section block (`presenting.profile_page_context`'s
    `sections`) its `claims` (`ShownClaim`s, in order), for prose its
    `paragraphs` (lists of them), and its `stale` notice ("" when none).

    `keys`: `queries.claim_keys` for the published profile, None for a
    version's page. `hidden`: fields whose value is a reviewer's notice in
    place of a hidden one (shown without claims' words beside it)."""
    hidden = set(hidden)
    stale_before = months_before(today, stale_after_months)
    for block in blocks:
        field = block["section"].field
        kind = block["section"].kind
        if kind == SectionKind.LEADERS:
            value = block["leaders"]
        elif kind == SectionKind.PROSE:
            value = block["text"]
        else:
            value = block["items"]
        claims = _shown_claims(
            field,
            value,
            None if keys is None else keys.get(field, ()),
            hidden=field in hidden,
            stale_before=stale_before,
            today=today,
        )
        block["claims"] = claims
        if kind == SectionKind.PROSE:
            block["paragraphs"] = _paragraphs(claims)
        block["stale"] = _stale_notice(claims, stale_after_months)


def _paragraphs(claims: list[ShownClaim]) -> list[list[ShownClaim]]:
    """Prose claims by paragraph (a blank line before a claim starts one);
    a claim of neither words nor marks is left out."""
    groups: list[list[ShownClaim]] = []
    for claim in claims:
        if not claim.shown.strip():
            continue
        if not groups or _PARAGRAPH_BREAK_RE.search(claim.lead):
            groups.append([])
        groups[-1].append(claim)
    return groups


def _stale_notice(claims: list[ShownClaim], months: int) -> str:
    parts = []
    if any(claim.dated for claim in claims):
        parts.append(f"Some facts here are dated more than {months} months ago.")
    if any(claim.review_due for claim in claims):
        parts.append("Some facts here are past the date set for their review.")
    return " ".join(parts)


def cited_by(blocks: Iterable[dict]) -> dict[int, tuple[tuple[str, str], ...]]:
    """Note number -> (anchor, label) of each claim citing it, in page order
    (each claim once, however often it cites the note)."""
    found: dict[int, list[tuple[str, str]]] = {}
    for block in blocks:
        for claim in block.get("claims", ()):
            for number in dict.fromkeys(claim.numbers):
                found.setdefault(number, []).append((claim.anchor, claim.label))
    return {number: tuple(links) for number, links in found.items()}


#: The infobox's rows: label, section, and which of its claims it lists.
_INFOBOX = (
    ("Founded", "founding"),
    ("Leaders", "leaders"),
    ("Size", "size"),
    ("Areas of operation", "areas_of_operation"),
    ("Designations", "current_designations"),
    ("Affiliations", "connections_to_other_militias"),
)


def infobox(blocks: Iterable[dict]) -> list[InfoboxRow]:
    """The infobox's rows, each linking to its claims; a row with nothing to
    list is left out.

    - Founded: the first founding claim.
    - Leaders: the current ones (`is_current_role`).
    - Size: the estimate with the latest as-of date, else the first.
    - Areas of operation, Designations, Affiliations (connections to other
      militias): their claims, up to `INFOBOX_ENTRIES`.
    """
    by_field = {block["section"].field: block for block in blocks}
    rows = []
    for label, field in _INFOBOX:
        block = by_field.get(field)
        claims = [c for c in (block or {}).get("claims", ()) if not c.hidden]
        claims = [c for c in claims if c.text]
        if field == "founding":
            listed = claims[:1]
        elif field == "size":
            listed = _newest(claims)
        elif field == "leaders":
            listed = [c for c in claims if is_current_role(_role_words(c))]
        else:
            listed = claims
        if not listed:
            continue
        more = (
            len(listed) - INFOBOX_ENTRIES
            if field not in ("founding", "size")
            else len(claims) - len(listed)
        )
        rows.append(
            InfoboxRow(
                label=label,
                claims=tuple(listed[:INFOBOX_ENTRIES]),
                more=max(more, 0),
                section=field,
            )
        )
    return rows


def _role_words(claim: ShownClaim) -> str:
    return claim_text.parse_bullet(claim.role).text if claim.role else ""


def _newest(claims: list[ShownClaim]) -> list[ShownClaim]:
    """The claim with the latest as-of date, else the first."""
    dated = [c for c in claims if c.as_of_upper]
    if not dated:
        return claims[:1]
    return [max(dated, key=lambda c: c.as_of_upper)]
