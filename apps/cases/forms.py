"""Forms of the case screens, shared by the admin and the pages to come."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency, AgencyKind
from apps.core.admin import text_field


class CaseTransferForm(forms.Form):
    """Where the case is transferred to: a child-protection agency, or a country (and
    jurisdiction) whose child-protection agency takes it over; and why."""

    to_agency = forms.ModelChoiceField(
        label=_("Receiving agency"),
        queryset=Agency.objects.filter(is_active=True, kind=AgencyKind.CHILD_PROTECTION).order_by("country", "name"),
        required=False,
    )
    country = forms.CharField(
        label=_("or country"), max_length=2, required=False, help_text=_("ISO 3166-1 alpha-2 code, e.g. ES.")
    )
    jurisdiction = forms.CharField(label=_("and jurisdiction"), max_length=200, required=False)
    purpose = text_field(_("Why the case is transferred"), required=True, help_text=_("Shown to the receiving agency."))


class ChildFindForm(forms.Form):
    """One box: a child's name or alias (any spelling), or a case reference."""

    query = forms.CharField(
        label=_("Find a child"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "placeholder": _("Name or reference")}),
    )
