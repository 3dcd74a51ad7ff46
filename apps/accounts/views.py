from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from apps.accounts import throttle


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Asking for a reset link counts like a sign-in attempt, per account and per address."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if throttle.refuse_or_count(request, str(request.POST.get("email", ""))):
            return throttle.lockout_response(request)
        return super().post(request, *args, **kwargs)
