"""The forms of status and rights: each hands its values to one service (apps/rights/services.py),
which validates them and writes; the admin and the pages use the same ones."""

from typing import Any

from django import forms
from django.contrib.admin import widgets
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from apps.accounts.models import Agency, User
from apps.cases import htcds
from apps.cases.access import Action, cases_for
from apps.core.admin import Label, ServiceForm, date_field, text_field
from apps.rights import selectors
from apps.rights.models import (
    ChildRole,
    ClaimKind,
    ClaimStatus,
    CompensationClaim,
    CompensationRespondent,
    CompensationStatus,
    CriminalProceeding,
    FindingSource,
    IdentificationChange,
    InterviewerKind,
    NonRefoulementFinding,
    PermitKind,
    ProceedingInterview,
    ProceedingRepresentative,
    ProceedingStage,
    ProtectionClaim,
    ReflectionPeriodChange,
    RepresentativeKind,
    ResidencePermit,
    SpecialMeasure,
    SpecialMeasureRequest,
)


def _line(label: Label, *, required: bool = False, help_text: Label = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=200, required=required, help_text=help_text)


def _agencies(label: Label) -> "forms.ModelChoiceField[Agency]":
    return forms.ModelChoiceField(label=label, queryset=Agency.objects.filter(is_active=True), required=False)


SEALED_HELP = gettext_lazy("Stored sealed with the child's own key.")


class CaseForm(ServiceForm):
    """A record of one case (offered by the admin: those the actor works on); the service takes
    the cleaned values as they are named."""

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _own_proceedings(actor: User) -> QuerySet[CriminalProceeding]:
    """The proceedings of the cases the actor works on."""
    return selectors.criminal_proceeding_list(actor=actor).filter(case__in=cases_for(actor, Action.WORK))


class ProceedingForm(CaseForm):
    """A record of one criminal proceeding rather than of a case."""

    case = None  # type: ignore[assignment]
    proceeding = forms.ModelChoiceField(label=gettext_lazy("Proceedings"), queryset=CriminalProceeding.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self.choices("proceeding").queryset = _own_proceedings(self.actor)


class IdentificationChangeForm(CaseForm):
    to_status = forms.ChoiceField(label=gettext_lazy("New status"), choices=htcds.IdentificationStatus.choices)
    decided_on = date_field(gettext_lazy("Decided on"), required=False)
    authority = _agencies(gettext_lazy("Competent authority"))
    authority_name = _line(gettext_lazy("Competent authority, when not an agency here"))
    authority_reference = _line(gettext_lazy("Authority's reference"))
    note_text = text_field(
        gettext_lazy("Note"), help_text=gettext_lazy("Required when the status goes back. Stored sealed with the "
                                                     "child's own key.")
    )  # fmt: skip

    class Meta:
        model = IdentificationChange
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["note"] = data.pop("note_text")
        return data


class ReflectionPeriodForm(CaseForm):
    starts_on = date_field(gettext_lazy("From"), required=False)
    ends_on = date_field(gettext_lazy("Until"))
    reason_text = text_field(
        gettext_lazy("Reason"), help_text=gettext_lazy("Required to extend or end a period early. Stored sealed with "
                                                       "the child's own key.")
    )  # fmt: skip

    class Meta:
        model = ReflectionPeriodChange
        fields = ()


class ResidencePermitForm(CaseForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=PermitKind.choices)
    number_text = _line(gettext_lazy("Permit number"), help_text=SEALED_HELP)
    issued_by = _line(gettext_lazy("Issued by"))
    issued_on = date_field(gettext_lazy("Issued"))
    expires_on = date_field(gettext_lazy("Expires"), required=False)
    renews = forms.ModelChoiceField(
        label=gettext_lazy("Renews the permit"), queryset=ResidencePermit.objects.none(), required=False
    )

    class Meta:
        model = ResidencePermit
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            renewable = selectors.residence_permit_list(actor=self.actor).filter(renewed_by__isnull=True)
            self.choices("renews").queryset = renewable

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["number"] = data.pop("number_text")
        return data


class ProtectionClaimForm(CaseForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ClaimKind.choices)
    lodged_on = date_field(gettext_lazy("Lodged"))
    authority = _line(gettext_lazy("Authority"), required=True)
    authority_reference = _line(gettext_lazy("Authority's reference"))

    class Meta:
        model = ProtectionClaim
        fields = ()


class NonRefoulementFindingForm(CaseForm):
    found_on = date_field(gettext_lazy("Found on"))
    source_kind = forms.ChoiceField(label=gettext_lazy("Found by"), choices=FindingSource.choices)
    source = _line(gettext_lazy("Authority or court"), required=True)
    reference = _line(gettext_lazy("Decision reference"))
    summary_text = text_field(gettext_lazy("Summary"), help_text=SEALED_HELP)

    class Meta:
        model = NonRefoulementFinding
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["summary"] = data.pop("summary_text")
        return data


class CriminalProceedingForm(CaseForm):
    child_role = forms.ChoiceField(label=gettext_lazy("The child is"), choices=ChildRole.choices)
    reference = _line(gettext_lazy("Reference"), required=True)
    prosecutor = _agencies(gettext_lazy("Prosecutor"))
    prosecutor_name = _line(gettext_lazy("Prosecutor, when not an agency here"))
    court = _line(gettext_lazy("Court"))
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=ProceedingStage.choices)
    stage_since = date_field(gettext_lazy("Stage since"), required=False)

    class Meta:
        model = CriminalProceeding
        fields = ()


class InterviewForm(ProceedingForm):
    held_at = forms.SplitDateTimeField(label=gettext_lazy("Held"), widget=widgets.AdminSplitDateTime)
    interviewer_kind = forms.ChoiceField(label=gettext_lazy("By"), choices=InterviewerKind.choices)
    interviewer = _line(gettext_lazy("Interviewer"))
    place_text = _line(gettext_lazy("Where"), help_text=SEALED_HELP)
    special_measures = forms.MultipleChoiceField(
        label=gettext_lazy("Special measures used"), choices=SpecialMeasure.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    urgent = forms.BooleanField(label=gettext_lazy("Urgent"), required=False)
    urgent_reason_text = text_field(gettext_lazy("Urgent because"), help_text=SEALED_HELP)

    class Meta:
        model = ProceedingInterview
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["place"], data["urgent_reason"] = data.pop("place_text"), data.pop("urgent_reason_text")
        return data


class SpecialMeasureRequestForm(ProceedingForm):
    measure = forms.ChoiceField(label=gettext_lazy("Measure"), choices=SpecialMeasure.choices)
    requested_on = date_field(gettext_lazy("Requested"))

    class Meta:
        model = SpecialMeasureRequest
        fields = ()


class RepresentativeForm(ProceedingForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RepresentativeKind.choices)
    name = _line(gettext_lazy("Name"), required=True)
    organisation = _agencies(gettext_lazy("Organisation"))
    legal_aid = forms.BooleanField(label=gettext_lazy("Free legal aid"), required=False)
    starts_on = date_field(gettext_lazy("From"))

    class Meta:
        model = ProceedingRepresentative
        fields = ()


class CompensationClaimForm(CaseForm):
    against = forms.ChoiceField(label=gettext_lazy("Against"), choices=CompensationRespondent.choices)
    respondent_text = _line(gettext_lazy("Who exactly"), help_text=SEALED_HELP)
    proceeding = forms.ModelChoiceField(
        label=gettext_lazy("In the proceedings"), queryset=CriminalProceeding.objects.none(), required=False
    )
    amount = forms.DecimalField(label=gettext_lazy("Amount claimed"), max_digits=12, decimal_places=2, required=False)
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, required=False)
    legal_aid = forms.BooleanField(label=gettext_lazy("Free legal aid"), required=False)
    legal_aid_provider = _agencies(gettext_lazy("Legal aid by"))
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=CompensationStatus.choices)
    status_since = date_field(gettext_lazy("Status since"), required=False)

    class Meta:
        model = CompensationClaim
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self.choices("proceeding").queryset = _own_proceedings(self.actor)

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["respondent"] = data.pop("respondent_text")
        return data


class OnDateForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("On"), widget=widgets.AdminDateWidget)


class ClaimStatusForm(OnDateForm):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=ClaimStatus.choices)
    appeal_until = forms.DateField(
        label=gettext_lazy("Appeal possible until"), required=False, widget=widgets.AdminDateWidget,
        help_text=gettext_lazy("For a refusal: until then the claim still counts as pending."),
    )  # fmt: skip
    # Required by the service (a gating fact changes only with its reason): its refusal, with the
    # rule's code, is shown on this field.
    note = forms.CharField(
        label=gettext_lazy("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Why the status changes. Ending the bar to return (refused, withdrawn, ceased) "
                               "needs a supervisor."),
    )  # fmt: skip


class SetAsideForm(OnDateForm):
    decision = forms.CharField(label=gettext_lazy("Set aside by the decision"), max_length=200)


class StageForm(OnDateForm):
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=ProceedingStage.choices)
    court = forms.CharField(label=gettext_lazy("Court"), max_length=200, required=False)


class ReviewForm(forms.Form):
    review = forms.CharField(label=gettext_lazy("Review"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class CompensationStatusForm(OnDateForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=CompensationStatus.choices)
    amount_awarded = forms.DecimalField(
        label=gettext_lazy("Amount awarded"), max_digits=12, decimal_places=2, required=False
    )
