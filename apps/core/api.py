"""The API's error format: problem details (RFC 9457), with a stable `code`."""

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.core.errors import StaleRecord, TransitionNotAllowed
from apps.core.request_context import current_request_id
from apps.core.rules import RuleViolation

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://haven.invalid/problems/"


def _problem(*, code: str, title: str, status_code: int, **extra: Any) -> Response:
    body = {
        "type": PROBLEM_BASE + code.lower().replace("_", "-"),
        "title": title,
        "status": status_code,
        "code": code,
        "request_id": current_request_id(),
        **extra,
    }
    return Response(body, status=status_code, content_type=PROBLEM_JSON)


def problem_details_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RuleViolation):
        return _problem(
            code=exc.code,
            title="The action breaks a rule of the domain.",
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
            detail=" ".join(exc.messages),
            violations=[v.as_dict() for v in exc.violations],
        )
    if isinstance(exc, StaleRecord):
        return _problem(code="stale_version", title=str(exc), status_code=status.HTTP_409_CONFLICT)
    if isinstance(exc, TransitionNotAllowed):
        return _problem(code="transition_not_allowed", title=str(exc), status_code=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        # A record the caller may not see answers exactly like one that does not exist.
        return _problem(code="not_found", title="Not found.", status_code=status.HTTP_404_NOT_FOUND)
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
    extra: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        extra["errors"] = response.data
    elif isinstance(response.data, dict) and "detail" in response.data:
        extra["detail"] = str(response.data["detail"])
    problem = _problem(
        code=code, title=str(getattr(exc, "default_detail", "Error")), status_code=response.status_code, **extra
    )
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem
