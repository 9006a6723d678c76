"""Who may take which action on a change request.

Editors propose and their requests are theirs: only the author revises or
withdraws one. Reviewers decide (approve, reject, request changes) and
claim a request they are deciding (or release it), but nobody decides or
claims their own request, staff and superusers included. The roles
themselves (groups and permissions) are `profiles.roles`.
"""

from django.contrib.auth import get_user_model

from profiles import roles
from profiles.models import ChangeRequest
from profiles.workflow.states import NotAllowed, Origin

SYSTEM_USERNAME = "importer"

#: Actions a reviewer takes on someone else's request.
DECISIONS = frozenset({"approve", "reject", "request_changes"})
#: A reviewer saying they are on a request they may decide, or no longer.
CLAIMS = frozenset({"claim", "release"})

OWN_REQUEST = "Nobody reviews their own change request."
NOT_A_REVIEWER = "Only reviewers can decide on change requests."
NOT_THE_AUTHOR = {
    "revise": "Only the author can change this request.",
    "withdraw": "Only the author can withdraw this request.",
}
NOT_AN_EDITOR = "Only editors can propose changes."
NOBODY_TO_SEND_BACK = (
    "Its author can no longer rework a request (an import, or an account "
    "closed or no longer an editor's): accept or reject this field."
)


def refusal(user, change_request: ChangeRequest, action: str) -> str | None:
    """Why `user` may not take `action` on `change_request`, or None when
    they may (whatever the request's state)."""
    if action in DECISIONS | CLAIMS:
        if change_request.author_id == user.pk:
            return OWN_REQUEST
        if not roles.can_review(user, change_request):
            return NOT_A_REVIEWER
        return None
    if action in NOT_THE_AUTHOR:
        return None if change_request.author_id == user.pk else NOT_THE_AUTHOR[action]
    raise ValueError(f"Not a workflow action: {action}")


def check(user, change_request: ChangeRequest, action: str) -> None:
    """Raises `NotAllowed` with the reason when `refusal` gives one."""
    reason = refusal(user, change_request, action)
    if reason:
        raise NotAllowed(reason)


def check_proposer(author, origin: str) -> None:
    """Only editors propose; a recorded import proposes as the system user."""
    if origin != Origin.IMPORT and not roles.can_propose(author):
        raise NotAllowed(NOT_AN_EDITOR)


def check_commenter(user, change_request: ChangeRequest) -> None:
    """Those who may read a request (its author and reviewers) may comment."""
    if not roles.can_view_change_request(user, change_request):
        raise NotAllowed("Only its author and reviewers comment on a request.")


def check_talker(user) -> None:
    """Editors and reviewers write on profiles' talk pages."""
    if not roles.can_talk(user):
        raise NotAllowed("Only editors and reviewers write on a talk page.")


def system_user():
    """The account that records imports; it cannot sign in."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def can_rework(change_request: ChangeRequest) -> bool:
    """Whether fields sent back would reach someone who can revise them: the
    author, while they may still propose changes (the importer account
    never can)."""
    return roles.can_propose(change_request.author)
