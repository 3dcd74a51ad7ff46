"""The API's error format: problem details (RFC 9457), with a stable `code`."""

from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.core.request_context import current_request_id

PROBLEM_JSON = "application/problem+json"


def problem_details_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
    body: dict[str, Any] = {
        "type": f"https://haven.invalid/problems/{code}",
        "title": str(getattr(exc, "default_detail", "Error")),
        "status": response.status_code,
        "code": code,
        "request_id": current_request_id(),
    }
    if isinstance(exc, exceptions.ValidationError):
        body["errors"] = response.data
    elif isinstance(response.data, dict) and "detail" in response.data:
        body["detail"] = str(response.data["detail"])
    if response.status_code == status.HTTP_404_NOT_FOUND:
        body.pop("detail", None)  # a 404 says nothing about what was looked for
    response.data = body
    response.content_type = PROBLEM_JSON
    return response
