"""Where a button's POST goes next: back to the page it was on (the
form's `next`), when that address is on this site, else a default."""

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def back(request: HttpRequest, default, *args, **kwargs) -> HttpResponseRedirect:
    """A redirect to the POSTed `next` if it is safe (this host, and HTTPS
    when the request is), else to `default` (anything `redirect` takes, with
    its `args` and `kwargs`)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default, *args, **kwargs)
