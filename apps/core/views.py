"""Probes, the home page and error pages that reveal nothing about the request."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from apps.accounts.selectors import membership_list_for_user
from apps.alerts.selectors import alert_list
from apps.core.health import readiness
from apps.core.request_context import current_request_id


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers. Nothing else is checked, so a restart loop is avoided."""
    return JsonResponse({"status": "alive"})


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    ready = all(checks.values())
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {k: "ok" if v else "failing" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)


# Visitors choose their language on the sign-in page too.
set_language = login_not_required(django_set_language)


def home(request: HttpRequest) -> HttpResponse:
    memberships = membership_list_for_user(user=request.user)
    alerts = alert_list(actor=request.user)[:50]  # type: ignore[arg-type]
    return render(request, "core/home.html", {"memberships": memberships, "alerts": alerts})


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    # No request data in the context: the page must not echo paths, parameters or errors.
    body = loader.get_template(template).render({"request_id": current_request_id()})
    return HttpResponse(body, status=status)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "errors/400.html", 400)


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "errors/403.html", 403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "errors/404.html", 404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, "errors/500.html", 500)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, "errors/403_csrf.html", 403)
