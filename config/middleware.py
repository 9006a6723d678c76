"""Requests refused before any view sees them.

`refuse_control_characters` answers 400 to a request whose address (path,
query parameter names or values) holds a control character other than tab,
line feed and carriage return. PostgreSQL refuses NUL in any text, so a NUL
in a search box or a list filter would otherwise reach a query and fail with
a 500; the others have no place in an address either. Form fields refuse the
same characters beside the field (`profiles.limits`), so a POST body is left
to them.
"""

from django.http import HttpResponseBadRequest

from profiles.document import CONTROL_CHARACTER_RE


def _has_control_character(request) -> bool:
    if CONTROL_CHARACTER_RE.search(request.path):
        return True
    return any(
        CONTROL_CHARACTER_RE.search(text)
        for key, values in request.GET.lists()
        for text in (key, *values)
    )


def refuse_control_characters(get_response):
    def middleware(request):
        if _has_control_character(request):
            return HttpResponseBadRequest(
                "Bad request: the address holds a control character (such as NUL), "
                "which no page accepts.\n",
                content_type="text/plain; charset=utf-8",
            )
        return get_response(request)

    return middleware
