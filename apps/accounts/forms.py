from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from apps.accounts.throttle import login_failed, login_is_locked, login_succeeded


class SignInForm(AuthenticationForm):
    """E-mail sign-in that locks an e-mail and address pair after repeated failures."""

    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That e-mail address and password do not match an active account."),
        "locked": _("Too many failed sign-ins. Wait fifteen minutes, or reset your password."),
    }

    def _address(self) -> str:
        return self.request.META.get("REMOTE_ADDR", "") if self.request else ""

    def clean(self) -> dict[str, Any]:
        email = self.data.get("username", "")
        if login_is_locked(email=email, address=self._address()):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(email=email, address=self._address())
            raise
        login_succeeded(email=email, address=self._address())
        return cleaned
