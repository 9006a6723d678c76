"""Sign-in throttling: django-axes's lockout check, for sign-ins that come from
a request (the sign-in page, the admin's), and the page that says an account
is locked."""

import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.shortcuts import render


class SignInThrottleBackend(AxesStandaloneBackend):
    """Axes refuses a locked-out account before the password is checked.

    Every sign-in form passes its request to `authenticate()`. Calls without
    one (Django's test client `login()`, the shell) are not attempts anyone can
    repeat from outside, so there is nothing to throttle: they go on to the
    next backend instead of failing as axes's own backend makes them.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def locked_out(request, response=None, credentials=None):
    """The page a locked-out sign-in gets (axes's `AXES_LOCKOUT_CALLABLE`),
    saying for how long, in minutes; 429 Too Many Requests."""
    minutes = math.ceil(get_cool_off(request).total_seconds() / 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": get_failure_limit(request, credentials), "minutes": minutes},
        status=429,
    )
