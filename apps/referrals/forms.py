"""The admin's referral form: its values become `referral_send`'s arguments, which decides."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.cases.sections import Section
from apps.core.admin import ServiceForm, agency_field, text_field, when_field
from apps.guardianship.models import GuardianAppointment
from apps.guardianship.selectors import active_appointments
from apps.referrals.models import LegalBasis, Referral, ReferralKind, ServiceKind, Urgency


class ReferralSendForm(ServiceForm):
    to_agency = agency_field(_("To agency"))
    kind = forms.ChoiceField(label=_("Kind"), choices=ReferralKind.choices, initial=ReferralKind.SERVICE)
    service = forms.ChoiceField(label=_("Service"), choices=[("", "—"), *ServiceKind.choices], required=False)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=[("", "—"), *LegalBasis.choices], required=False)
    legal_reference = forms.CharField(label=_("Court order or legal duty reference"), max_length=200, required=False)
    purpose = text_field(_("Purpose (shown to the receiver)"))
    sections = forms.MultipleChoiceField(
        label=_("Sections shared"),
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to share what the purpose needs of what is shared by default."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    reply_by = when_field(_("Reply by"), _("Empty: a day for urgent, two weeks for routine."))
    expires_at = when_field(_("Access ends"), _("Empty: when the referral is completed or revoked."))
    child_consent = forms.BooleanField(label=_("The child's assent or consent is recorded"), required=False)
    guardian_consent = forms.ModelChoiceField(
        label=_("The acting guardian who consented"), queryset=GuardianAppointment.objects.none(), required=False
    )
    urgent_reason = text_field(_("Why protection is urgent"))

    class Meta:
        model = Referral
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The active guardians of the cases the sender may refer, named as their appointment.
        cases = self.cases.values("pk") if self.cases is not None else []
        self.choices("guardian_consent").queryset = (
            active_appointments(at=timezone.now()).filter(Q(case__in=cases)).select_related("guardian", "case")
        )

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "to_agency": data["to_agency"],
            "kind": data["kind"],
            "service": data["service"],
            "legal_basis": data["legal_basis"],
            "legal_reference": data["legal_reference"],
            "purpose": data["purpose"],
            "sections": data["sections"] or None,
            "urgency": data["urgency"],
            "reply_by": data["reply_by"],
            "expires_at": data["expires_at"],
            "child_consent": data["child_consent"],
            "guardian_consent": data["guardian_consent"],
            "urgent_reason": data["urgent_reason"],
        }


class NoteForm(forms.Form):
    """An optional note (a supervisor's review)."""

    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(forms.Form):
    """Nothing to ask: the action is confirmed by submitting."""
