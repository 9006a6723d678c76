"""Who may do what. Roles are the groups `Editors` and `Reviewers` (made by a
data migration); admins are staff and superusers. Views, the admin and the
workflow ask these predicates; templates only show their answers."""

from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"
REVIEWERS = "Reviewers"

PROPOSE = "profiles.propose_change"
REVIEW = "profiles.review_changerequest"
#: Hiding a published value from the public (`workflow.suppress`): given to
#: chosen people in the admin, not to a role.
SUPPRESS = "profiles.suppress_field"

EDITABLE_STATES = frozenset({"pending", "changes_requested"})


def can_propose(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(PROPOSE)


def can_review(user, change_request=None) -> bool:
    """Reviewers review, but never a request of their own."""
    if not (user.is_authenticated and user.is_active and user.has_perm(REVIEW)):
        return False
    return change_request is None or change_request.author_id != user.pk


def can_suppress(user) -> bool:
    """Only those given the permission hide a published value."""
    return user.is_authenticated and user.is_active and user.has_perm(SUPPRESS)


def sees_suppressed(user) -> bool:
    """Staff still read what a suppression hides from everyone else."""
    return user.is_authenticated and user.is_active and user.is_staff


def can_view_change_request(user, change_request) -> bool:
    """Its author and every reviewer may read a request."""
    if not (user.is_authenticated and user.is_active):
        return False
    return change_request.author_id == user.pk or user.has_perm(REVIEW)


def can_read_talk(user) -> bool:
    """Anyone signed in reads profiles' talk pages; anonymous readers see
    only reviewed content."""
    return user.is_authenticated and user.is_active


def can_talk(user) -> bool:
    """Those who propose changes write on talk pages."""
    return can_propose(user)


def can_change_change_request(user, change_request) -> bool:
    """Its author may edit or withdraw it until it is decided."""
    return (
        can_propose(user)
        and change_request.author_id == user.pk
        and change_request.status in EDITABLE_STATES
    )


ROLE_PERMISSIONS = {
    EDITORS: ["propose_change"],
    REVIEWERS: ["propose_change", "review_changerequest"],
}


def install_roles() -> None:
    """Makes the role groups with their permissions if they are missing (the
    data migration makes them; a flushed test database has lost them)."""
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="profiles", codename__in=codenames
            )
        )
