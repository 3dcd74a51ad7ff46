"""Show times in the zone of the signed-in user's agency (stored times are UTC)."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from apps.accounts.selectors import user_time_zone

SESSION_KEY = "haven_time_zone"


class AgencyTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone_name: str | None = None
        if request.user.is_authenticated:
            zone_name = request.session.get(SESSION_KEY)
            if zone_name is None:
                zone_name = user_time_zone(user=request.user) or "UTC"
                request.session[SESSION_KEY] = zone_name
        if zone_name:
            timezone.activate(zoneinfo.ZoneInfo(zone_name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
