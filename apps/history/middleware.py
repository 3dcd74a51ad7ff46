from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from apps.audit.models import Channel
from apps.history.context import Mark, marked


def channel_of(request: HttpRequest) -> str:
    path = request.path_info
    if path.startswith("/admin/"):
        return str(Channel.ADMIN)
    if path.startswith("/api/"):
        return str(Channel.API)
    return str(Channel.WEB)


class HistoryMiddleware:
    """Changes made while serving a request are recorded with its user, channel and request id.

    After the authentication middleware; the user is read at the first write, when an API
    request has been authenticated too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        mark = Mark(
            channel=channel_of(request),
            request_id=str(getattr(request, "request_id", "")),
            actor=lambda: getattr(request, "user", None),
        )
        with marked(mark):
            return self.get_response(request)
