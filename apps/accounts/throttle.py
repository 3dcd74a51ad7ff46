"""One sign-in throttle for every way into Haven, kept by django-axes.

Failures are counted twice, separately: per account (the e-mail address, whatever the
address it comes from) and per client address (whatever the account). Either count at
the limit refuses the next attempt, even with the right password, until the cool-off
after the last counted failure has passed (settings AXES_*). A success resets neither
count, so a caseworker signing in from an attacker's network does not clear the
attacker's address; attempts made while refused do not prolong the lock, so nobody can
keep a caseworker out for good. Nor can a stranger keep her out of her usual office:
from an address her account signed in from within KNOWN_ADDRESS_DAYS, only the
address's count applies (`lockout_parameters`), so failures elsewhere lock the account
for every other address while she still signs in where she works.

Ways in:
- both sign-in pages (/accounts/login/ and /admin/login/) go through
  django.contrib.auth.authenticate(request=...), where axes' backend checks first;
- the password reset request calls `refuse_or_count` itself (it is not a password check);
- the API's token endpoint: call `authenticate(request=request, username=email,
  password=password)` with the Django request (DRF: `request._request`); when it returns
  None, answer `lockout_response(request)` if `is_refused(request)` (problem details,
  429, under /api/), else the usual refusal. The failure is counted by then.
"""

import ipaddress
from datetime import timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessLog
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from apps.core.api import PROBLEM_BASE, PROBLEM_JSON
from apps.core.request_context import current_request_id

MAX_ACCOUNT_LENGTH = 254  # an e-mail address's longest; axes keeps at most 255
KNOWN_ADDRESS_DAYS = 90  # an office's address is "hers" while she signed in from it this recently


def account_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in attempt is for, spelled as the user table keeps it (AXES_USERNAME_CALLABLE)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        value = credentials.get(field)
    else:
        value = request.POST.get(field, "") if hasattr(request, "POST") else ""
    # Bounded and without NUL: whatever a visitor types must fit the attempts table.
    return str(value or "").replace("\0", "").strip().lower()[:MAX_ACCOUNT_LENGTH]


def client_address(request: HttpRequest) -> str:
    """The address a request came from (AXES_CLIENT_IP_CALLABLE).

    Behind HAVEN_TRUSTED_PROXIES reverse proxies, each appends the address it saw to
    X-Forwarded-For, so the client is that many entries from the right; whatever a
    client wrote further left is its own claim and ignored. Without proxies, the peer.
    """
    peer = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "HAVEN_TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return peer
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return peer
    claimed = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(claimed))
    except ValueError:  # a proxy that writes no address: count the peer instead
        return peer


def lockout_parameters(request_or_attempt: Any, credentials: dict[str, Any] | None = None) -> list[str]:
    """The counters that apply to an attempt (AXES_LOCKOUT_PARAMETERS): the account's and the
    address's, or only the address's where the account signed in successfully of late."""
    if isinstance(request_or_attempt, HttpRequest):
        account = account_key(request_or_attempt, credentials)
        address = getattr(request_or_attempt, "axes_ip_address", None) or client_address(request_or_attempt)
    else:  # a stored attempt or log row
        account = str(getattr(request_or_attempt, "username", "") or "")
        address = str(getattr(request_or_attempt, "ip_address", "") or "")
    if account and address:
        since = timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS)
        if AccessLog.objects.filter(username=account, ip_address=address, attempt_time__gte=since).exists():
            return ["ip_address"]
    return ["username", "ip_address"]


def _credentials(email: str) -> dict[str, str]:
    return {settings.AXES_USERNAME_FORM_FIELD: email}


def is_refused(request: HttpRequest, email: str | None = None) -> bool:
    """Whether the account or the request's address is locked right now."""
    if getattr(request, "axes_locked_out", False):
        return True
    credentials = _credentials(email) if email is not None else None
    return not AxesProxyHandler.is_allowed(request, credentials)


def refuse_or_count(request: HttpRequest, email: str) -> bool:
    """For a way in that checks no password: True when refused; else the attempt counts.

    Every request counts against both the account and the address, so requests can
    neither flood one person's mailbox nor probe many accounts from one address.
    """
    if is_refused(request, email):
        return True
    AxesProxyHandler.user_login_failed(sender=refuse_or_count, credentials=_credentials(email), request=request)
    # This request came in before the limit and is served; the lock holds from the next one.
    request.axes_locked_out = False  # type: ignore[attr-defined]
    return False


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The answer a refused attempt gets (AXES_LOCKOUT_CALLABLE), status 429.

    A page in plain words for people; problem details for the API's clients.
    """
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "type": PROBLEM_BASE + "too-many-attempts",
                "title": "Too many failed sign-ins for this account or from this address; try again later.",
                "status": settings.AXES_HTTP_RESPONSE_CODE,
                "code": "too_many_attempts",
                "request_id": current_request_id(),
            },
            status=settings.AXES_HTTP_RESPONSE_CODE,
            content_type=PROBLEM_JSON,
        )
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"minutes": seconds // 60},
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
