"""Every URL of the app and every POST action, for each role: anonymous, an
editor who is not the author, a reviewer, and an admin (superuser). The
request under review is always by another editor, `author`."""

import pytest
from django.urls import reverse

from profiles import workflow
from tests.factories import SourceFactory, UserFactory, editor_user

pytestmark = pytest.mark.django_db

LOGIN = "login"
OK, FOUND, FORBIDDEN, NOT_ALLOWED = 200, 302, 403, 405


@pytest.fixture
def world(profile):
    author = editor_user(username="author")
    change_request = workflow.submit_change_request(
        profile=profile,
        author=author,
        summary="Bigger",
        proposals={"size": workflow.Proposal(["About 900"], [SourceFactory()])},
    )
    workflow.approve(
        workflow.submit_change_request(
            profile=profile,
            author=author,
            summary="Rifles",
            proposals={"weapons": workflow.Proposal(["Rifles"], [SourceFactory()])},
        ),
        reviewer=UserFactory(username="senior", is_superuser=True),
    )
    return {"slug": profile.slug, "pk": change_request.pk}


def url(name: str, world: dict) -> str:
    args = {
        "profiles:detail": [world["slug"]],
        "profiles:edit": [world["slug"]],
        "profiles:history": [world["slug"]],
        "profiles:revert": [world["slug"]],
        "api:profile-detail": [world["slug"]],
        "review:detail": [world["pk"]],
        "review:decide": [world["pk"]],
        "review:edit": [world["pk"]],
        "review:withdraw": [world["pk"]],
        "review:claim": [world["pk"]],
        "review:release": [world["pk"]],
    }.get(name, [])
    return reverse(name, args=args)


ROLES = ["anonymous", "editor", "reviewer", "admin"]

# (method, url name, POST data, expected status for each role in ROLES order)
MATRIX = [
    ("get", "home", None, (OK, OK, OK, OK)),
    ("get", "profiles:list", None, (OK, OK, OK, OK)),
    ("get", "profiles:detail", None, (OK, OK, OK, OK)),
    ("get", "profiles:history", None, (OK, OK, OK, OK)),
    ("get", "api:profile-list", None, (OK, OK, OK, OK)),
    ("get", "api:profile-detail", None, (OK, OK, OK, OK)),
    ("get", "login", None, (OK, OK, OK, OK)),
    ("get", "profiles:new", None, (LOGIN, OK, OK, OK)),
    ("get", "profiles:edit", None, (LOGIN, OK, OK, OK)),
    ("get", "review:queue", None, (LOGIN, FORBIDDEN, OK, OK)),
    ("get", "review:mine", None, (LOGIN, OK, OK, OK)),
    ("get", "review:detail", None, (LOGIN, FORBIDDEN, OK, OK)),
    ("get", "review:edit", None, (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("get", "inbox:list", None, (LOGIN, OK, OK, OK)),
    ("get", "admin:index", None, (FOUND, FOUND, FOUND, OK)),
    ("get", "review:withdraw", None, (LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)),
    ("post", "profiles:revert", {"version": 1}, (LOGIN, FOUND, FOUND, FOUND)),
    (
        "post",
        "review:decide",
        {"action": "approve", "size-decision": "accept"},
        (LOGIN, FORBIDDEN, FOUND, FOUND),
    ),
    (
        "post",
        "review:decide",
        {"action": "reject", "comment": "No"},
        (LOGIN, FORBIDDEN, FOUND, FOUND),
    ),
    ("post", "review:withdraw", {}, (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    ("get", "review:claim", None, (NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)),
    ("post", "review:claim", {}, (LOGIN, FORBIDDEN, FOUND, FOUND)),
    (
        "get",
        "review:release",
        None,
        (NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    ),
    # Nobody has claimed the request: a reviewer is told so on its page.
    ("post", "review:release", {}, (LOGIN, FORBIDDEN, FOUND, FOUND)),
    ("post", "inbox:read-all", {}, (LOGIN, FOUND, FOUND, FOUND)),
]


@pytest.fixture
def as_role(client, request):
    def sign_in(role: str):
        user = {
            "anonymous": None,
            "editor": lambda: editor_user(username="someone"),
            "reviewer": lambda: request.getfixturevalue("reviewer"),
            "admin": lambda: request.getfixturevalue("admin_user"),
        }[role]
        if user is not None:
            client.force_login(user())
        return client

    return sign_in


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "name", "data", "expected"),
    MATRIX,
    ids=[f"{m}-{n}-{(d or {}).get('action', '')}".rstrip("-") for m, n, d, _ in MATRIX],
)
def test_permission_matrix(as_role, world, role, method, name, data, expected):
    client = as_role(role)
    target = url(name, world)

    response = getattr(client, method)(target, data or {})

    want = expected[ROLES.index(role)]
    if want == LOGIN:
        assert response.status_code == FOUND
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == want, response.content[:300]
