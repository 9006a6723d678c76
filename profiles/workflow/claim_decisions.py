"""A reviewer's decisions claim by claim: a section accepted in part.

A bullet section, a prose section and the leaders are lists of claims; the
diff of a proposed section against the published one (`profiles.diff`) names
each claim added, removed, rewritten or moved (`ItemChange.key`,
`RowChange.key`). A reviewer may accept some of those changes and reject
others (`ClaimsDecision`); `transitions.approve` then publishes the published
value with only the accepted changes applied (`diff.decide_items`), keeps the
proposal as it was, records the value published in the change's
`published_value` (as for a value the reviewer edited) and each claim's
verdict in the decision's event (`record`).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from profiles import diff
from profiles.serializers import FIELD_LABELS
from profiles.workflow.proposals import FieldDecision

__all__ = ["STALE", "ClaimsDecision", "decide", "record"]

#: Said when the claims decided are no longer the changes between the
#: published and the proposed value.
STALE = (
    "The changes to {label} are not those you decided on (it was published "
    "again meanwhile): look at them again and decide each claim."
)


@dataclass(frozen=True)
class ClaimsDecision(FieldDecision):
    """A field accepted in part: `items` maps the key of each item change of
    its diff against the published value to True (accepted) or False
    (rejected); a change not named is accepted. `reason` says why claims
    were rejected. All rejected, the field is rejected, and needs its
    reason as a rejection does."""

    items: Mapping[str, bool] = field(default_factory=dict)

    def __post_init__(self):
        super().__post_init__()
        if not self.accept:
            raise ValueError("Claims are decided within a field accepted in part.")
        if self.resolves:
            raise ValueError("A field decided claim by claim carries no value.")


def decide(
    name: str, published: Any, proposed: Any, decision: ClaimsDecision
) -> diff.ItemsDecided:
    """The value of `name` to publish: `published` with the claims of
    `proposed` that `decision` accepts. Raises `ValidationError` on `name`
    when the changes decided are not those between the two values."""
    try:
        return diff.decide_items(name, published, proposed, decision.items)
    except diff.UnknownItems as error:
        label = FIELD_LABELS[name].lower()
        raise ValidationError({name: STALE.format(label=label)}) from error


def record(decided: diff.ItemsDecided) -> list[dict[str, Any]]:
    """Each claim change of a field and its verdict, as the decision's event
    keeps it: {"key", "op", "old", "new", "accepted"}, the old and new
    claim as lines (a leader as its row)."""
    return [
        {
            "key": change.key,
            "op": change.op,
            "old": change.old,
            "new": change.new,
            "accepted": accepted,
        }
        for change, accepted in decided.changes
    ]
