"""The Admiralty grading of sources, in words: a publisher's reliability
(A completely reliable … E unreliable, F cannot be judged) and a cited
work's credibility for one claim (1 confirmed by other sources … 5
improbable, 6 cannot be judged), and a grade's label as readers see it
beside a note ("B2"). Pure: no database.

F and 6 say that a grade could not be given, not that it is worse than E
or 5: a threshold ("B2 or better") counts them as failing it, as it does
an ungraded publisher or citation.
"""

import re
from dataclasses import dataclass

#: Reliability letter -> the words readers see.
RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
#: Credibility number -> the words readers see.
CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
#: A threshold names the worst grade it lets through; F and 6 are no
#: threshold (they are not worse, they are unjudged).
_THRESHOLD_RE = re.compile(r"(?P<letter>[A-E])(?P<number>[1-5])")


@dataclass(frozen=True, slots=True)
class GradeLabel:
    """A note's grade as readers see it: `short` beside the note ("B2",
    "B" or "2") and `words` in plain words for its title and for screen
    readers ("B2: usually reliable source; probably true")."""

    short: str
    words: str


def label(letter: str, credibility: int | None) -> GradeLabel | None:
    """The label of a work from a publisher graded `letter` ("" when not
    graded) cited with `credibility` (None when not graded); None when
    neither is graded."""
    parts = []
    if letter:
        parts.append(_reliability_words(letter))
    if credibility:
        parts.append(CREDIBILITY[credibility])
        if not letter:
            parts.append("publisher not graded")
    if not parts:
        return None
    short = f"{letter}{credibility or ''}"
    return GradeLabel(short=short, words=f"{short}: {'; '.join(parts)}")


def _reliability_words(letter: str) -> str:
    words = RELIABILITY[letter]
    return words if letter == "F" else f"{words} source"


def best_letter(letters) -> str:
    """The best of some reliability letters (A before E), leaving out F and
    the ungraded; "" when none is left."""
    judged = [letter for letter in letters if letter and letter != "F"]
    return min(judged) if judged else ""


@dataclass(frozen=True, slots=True)
class Threshold:
    """The worst grade a filter lets through: "B2" lets A1, A2, B1 and B2."""

    letter: str
    credibility: int

    def __str__(self) -> str:
        return f"{self.letter}{self.credibility}"

    def met_by(self, letter: str, credibility: int | None) -> bool:
        """Whether a work from a publisher graded `letter`, cited with
        `credibility`, is this good or better."""
        return (
            letter in RELIABILITY
            and letter != "F"
            and letter <= self.letter
            and credibility is not None
            and 1 <= credibility <= self.credibility
        )


def threshold(text: str) -> Threshold | None:
    """The threshold written as "B2" (a letter A–E, a number 1–5, any
    case); None for anything else."""
    match = _THRESHOLD_RE.fullmatch((text or "").strip().upper())
    if match is None:
        return None
    return Threshold(match["letter"], int(match["number"]))
