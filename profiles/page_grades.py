"""What the profile page shows of its sources' grades: beside each note, the
grade of its works ("B2": the reliability letter of the work's publisher and
the credibility number the claims citing the note give it), and, when a
reader asks (`?support=B2`), only the claims supported by at least one
citation of that grade or better.

A citation's credibility is written in its claim's bracket ("[note 2 graded
2]"); the page reads claims from their text (`page_claims`), and only the
text that says "graded" is read again here, since a claim whose text grades
no citation can neither give a note a number nor pass a threshold. A page
whose claims grade nothing costs a scan of its text.
"""

import re
from collections.abc import Iterable, Mapping

from profiles import claims as claim_text
from profiles.sections import SectionKind
from sources.grading import GradeLabel, Threshold, best_letter, label

#: The word a bracket grades a citation with (`claims._NOTE_PART_RE`).
_GRADED = re.compile("graded", re.IGNORECASE)

#: Section field -> {claim position -> its citations}, for the claims whose
#: text grades a citation.
GradedCitations = dict[str, dict[int, tuple[claim_text.Citation, ...]]]


def graded_citations(blocks: Iterable[dict]) -> GradedCitations:
    """The citations of each claim of the page's sections (`add_claims`'
    blocks) whose text grades one, by section and position as
    `page_claims.ShownClaim.position` counts them."""
    found: GradedCitations = {}
    for block in blocks:
        section = block["section"]
        if section.kind == SectionKind.LEADERS:
            parsed = {
                position: claim_text.leader_claim(
                    leader.name, leader.alias_list, leader.role
                )
                for position, leader in enumerate(block["leaders"])
                if _GRADED.search(leader.role)
            }
        elif section.kind == SectionKind.PROSE:
            text = block["text"]
            parsed = (
                dict(enumerate(claim_text.parse_prose(text)))
                if _GRADED.search(text)
                else {}
            )
        else:
            lines = [line for line in block["items"] if line.strip()]
            parsed = {
                position: claim_text.parse_bullet(line)
                for position, line in enumerate(lines)
                if _GRADED.search(line)
            }
        graded = {
            position: claim.citations
            for position, claim in parsed.items()
            if any(citation.credibility for citation in claim.citations)
        }
        if graded:
            found[section.field] = graded
    return found


def note_letters(citations: Iterable) -> dict[int, tuple[str, ...]]:
    """Note number -> the reliability letters of its works' publishers, each
    once, in the order of its works (the graded ones only). A note with no
    work, or shown as a reviewer's notice, has none."""
    return {
        note.number: tuple(dict.fromkeys(g for g in getattr(note, "grades", ()) if g))
        for note in citations
    }


def note_grades(
    letters: Mapping[int, tuple[str, ...]], graded: GradedCitations
) -> dict[int, tuple[GradeLabel, ...]]:
    """Note number -> the labels shown beside it: each of its works'
    publishers' letters with each credibility number a claim citing it
    gives ("B2"; "B2", "B3" when two claims grade it differently), a letter
    alone where no claim grades it, a number alone where its publisher is
    not graded; none when neither is."""
    numbers: dict[int, set[int]] = {}
    for by_position in graded.values():
        for citations in by_position.values():
            for citation in citations:
                if citation.credibility:
                    numbers.setdefault(citation.number, set()).add(citation.credibility)
    found = {}
    for number in set(letters) | set(numbers):
        letter_list = letters.get(number, ()) or ("",)
        credibilities = sorted(numbers.get(number, ())) or [None]
        labels = tuple(
            shown
            for letter in letter_list
            for credibility in credibilities
            if (shown := label(letter, credibility)) is not None
        )
        if labels:
            found[number] = labels
    return found


def keep_supported(
    blocks: Iterable[dict],
    graded: GradedCitations,
    letters: Mapping[int, tuple[str, ...]],
    threshold: Threshold,
) -> int:
    """Leaves in each section block only the claims with a citation that
    meets `threshold`: the best letter of the note's works' publishers and
    the citation's credibility. A reviewer's notice in place of a hidden
    value stays. Side effects: each block's `claims` (and, for prose,
    `paragraphs`) lose the others, and its `filtered_out` says how many it
    lost. Returns how many claims were left out on the whole page."""
    best = {number: best_letter(found) for number, found in letters.items()}
    left_out = 0
    for block in blocks:
        by_position = graded.get(block["section"].field, {})
        kept, dropped = [], 0
        for claim in block["claims"]:
            if claim.hidden or any(
                threshold.met_by(best.get(c.number, ""), c.credibility)
                for c in by_position.get(claim.position, ())
            ):
                kept.append(claim)
            elif claim.shown.strip():
                dropped += 1
        block["claims"] = kept
        block["filtered_out"] = dropped
        if "paragraphs" in block:
            shown = {id(claim) for claim in kept}
            paragraphs = (
                [claim for claim in paragraph if id(claim) in shown]
                for paragraph in block["paragraphs"]
            )
            block["paragraphs"] = [paragraph for paragraph in paragraphs if paragraph]
        left_out += dropped
    return left_out
