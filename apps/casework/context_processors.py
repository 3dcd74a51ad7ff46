"""What every page's header needs to know about the signed-in person's work."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from apps.casework.selectors import caseload_scopes


def work(request: HttpRequest) -> dict[str, Any]:
    # Asked only when a template shows the link (one query then), never for a visitor.
    user = request.user
    return {"has_caseload": SimpleLazyObject(lambda: bool(user.is_authenticated and caseload_scopes(actor=user)))}
