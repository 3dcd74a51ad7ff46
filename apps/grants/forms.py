"""Forms for explicit grants and break-glass; each becomes one service call."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.cases.models import Case
from apps.core.admin import ServiceForm, text_field
from apps.grants.models import BreakGlass, CaseUserObjectPermission


class BreakGlassOpenForm(ServiceForm):
    """The case asked for by its reference (a caseworker cannot pick among cases she does not
    see: nothing is listed), and the urgent-protection reason."""

    case = forms.ModelChoiceField(
        label=_("Case reference"),
        queryset=Case.objects.none(),
        to_field_name="reference",
        widget=forms.TextInput,
        error_messages={"invalid_choice": _("No case has this reference.")},
    )
    # Not required here: the service refuses an empty reason with its code, like every channel.
    reason = text_field(_("Urgent-protection reason"), help_text=_("Why the child needs protection now."))

    class Meta:
        model = BreakGlass
        fields: list[str] = []

    def arguments(self) -> dict[str, Any]:
        return {"case": self.cleaned_data["case"], "reason": self.cleaned_data["reason"]}


class BreakGlassReviewForm(forms.Form):
    note = text_field(_("Review note"), help_text=_("What was read and whether it was needed."))


class CaseReadGrantForm(ServiceForm):
    """One case the supervisor holds, and the named person (by e-mail address) who may read it."""

    user = forms.EmailField(label=_("Person (e-mail address)"))

    class Meta:
        model = CaseUserObjectPermission
        fields: list[str] = []

    def clean_user(self) -> User:
        found = User.objects.filter(is_active=True, email=self.cleaned_data["user"].strip().lower()).first()
        if found is None:
            raise forms.ValidationError(_("No active user has this e-mail address."))
        return found

    def arguments(self) -> dict[str, Any]:
        return {"case": self.cleaned_data["case"], "user": self.cleaned_data["user"]}


class NothingForm(forms.Form):
    """An action that asks for nothing but a confirmation."""
