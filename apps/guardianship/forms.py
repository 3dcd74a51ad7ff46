"""Forms of guardianship's screens, shared by the admin and the pages to come."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency, AgencyKind, User
from apps.cases.sections import Section
from apps.core.admin import ServiceForm, text_field
from apps.guardianship.models import AppointmentKind, GuardianRequest
from apps.referrals.models import LegalBasis, ReferralKind
from apps.referrals.rules import default_sections


class GuardianRequestForm(ServiceForm):
    """Ask the guardianship authority of the case's country for a representative or guardian."""

    authority = forms.ModelChoiceField(
        label=_("Guardianship authority"),
        queryset=Agency.objects.filter(is_active=True, kind=AgencyKind.GUARDIANSHIP_AUTHORITY).order_by("name"),
        help_text=_("The guardianship authority of the case's country."),
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices, initial=LegalBasis.LEGAL_DUTY)
    purpose = text_field(
        _("Purpose"),
        required=True,
        help_text=_("Shown to the authority, e.g. a provisional representative for a newly identified child."),
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections shared"),
        choices=Section.choices,
        initial=default_sections(kind=ReferralKind.GUARDIANSHIP, service=""),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Share the child's identity so the authority can match a guardian's languages."),
    )

    class Meta:
        model = GuardianRequest
        fields: list[str] = []

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "authority": data["authority"],
            "legal_basis": data["legal_basis"],
            "purpose": data["purpose"],
            "sections": data["sections"],
        }


class GuardianChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} <{obj.email}>" if obj.full_name else obj.email


class GuardianRequestAppointForm(forms.Form):
    """The guardian the authority's supervisor appoints in answer to a request."""

    guardian = GuardianChoice(label=_("Guardian"), queryset=User.objects.none())
    kind = forms.ChoiceField(
        label=_("Appoint as"),
        choices=[("", _("Provisional first; qualified when a representative already acts")), *AppointmentKind.choices],
        required=False,
    )
    over_cap_reason = text_field(
        _("Why the caseload cap is exceeded"),
        help_text=_("Only when the guardian is at the cap (a supervisor's reason)."),
    )

    def __init__(self, *args: Any, guardians: "QuerySet[User]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[User]", self.fields["guardian"]).queryset = guardians
