"""The forms of age disputes: declared fields only, each handed to a service (apps/age/services.py),
which validates them and writes; the admin and the pages use the same ones."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.age import selectors
from apps.age.models import (
    AdultTreatmentPurpose,
    AgeAssessment,
    AppealOutcome,
    AssessmentResult,
    AssessmentStatus,
    Discipline,
    DocumentKind,
    MethodKind,
    MethodOutcome,
    ResultGround,
)
from apps.age.rules import Consent, Professional
from apps.cases.models import Case
from apps.core.admin import ServiceForm, date_field, text_field

EMPTY = (("", "—"),)


class AgeForm(ServiceForm):
    """Carries no model fields (the admin is asked for none): a save writes only through services,
    which validate what they write (refusing with the rules' codes)."""

    case = None  # type: ignore[assignment]  # a form that picks a case is a CaseChoiceForm

    def _limit(self, name: str, queryset: QuerySet[Any]) -> None:
        if name in self.fields:
            self.choices(name).queryset = queryset


class CaseChoiceForm(AgeForm):
    """A record of one case, among those the admin offers (the cases the actor may see)."""

    case = forms.ModelChoiceField(  # type: ignore[assignment]
        label=gettext_lazy("Case"), queryset=Case.objects.none(), help_text=gettext_lazy("Cases you may see.")
    )


class DocumentAddForm(CaseChoiceForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=DocumentKind.choices)
    issuing_country = forms.CharField(
        label=gettext_lazy("Issuing country"), max_length=2, help_text=gettext_lazy("ISO 3166 code.")
    )
    birth_date = date_field(gettext_lazy("Birth date shown"))
    disputed = forms.BooleanField(label=gettext_lazy("The person disputes it"), required=False)
    dispute_reason = text_field(gettext_lazy("What the person says"))


class DocumentChangeForm(AgeForm):
    EVENTS = (
        ("flag", gettext_lazy("Flag as possibly false")),
        ("withdraw_flag", gettext_lazy("Withdraw the flag: shown genuine (supervisor)")),
        ("dispute", gettext_lazy("The person disputes it")),
        ("accept", gettext_lazy("The person no longer disputes it")),
    )
    event = forms.ChoiceField(label=gettext_lazy("Record"), choices=EMPTY + EVENTS, required=False)
    reason = text_field(gettext_lazy("Why"))


class ClaimAddForm(CaseChoiceForm):
    birth_date = date_field(gettext_lazy("Birth date the child gives"))


class ExternalDecisionAddForm(CaseChoiceForm):
    authority = forms.CharField(label=gettext_lazy("Authority"), max_length=200)
    authority_country = forms.CharField(label=gettext_lazy("Country of the authority"), max_length=2)
    decided_on = date_field(gettext_lazy("Decided on"))
    earliest_birth_date = date_field(gettext_lazy("Earliest birth date found"))
    latest_birth_date = date_field(
        gettext_lazy("Latest birth date found"), required=False
    )  # one date found: leave empty


class ExternalDecisionChangeForm(AgeForm):
    challenge = text_field(gettext_lazy("How it is challenged"))


class AssessmentAddForm(CaseChoiceForm):
    last_resort_reason = text_field(gettext_lazy("Why documents and interviews could not settle the age"))
    consent_given = forms.BooleanField(label=gettext_lazy("The child consents"), required=False)
    consent_language = forms.CharField(label=gettext_lazy("Language of the consent"), max_length=60, required=False)
    consent_explanation = text_field(gettext_lazy("What the child was told the assessment involves"))
    consent_told_no_penalty = forms.BooleanField(
        label=gettext_lazy("The child was told refusing carries no penalty"), required=False
    )
    professional_1 = forms.CharField(label=gettext_lazy("Professional"), max_length=200, required=False)
    discipline_1 = forms.ChoiceField(label=gettext_lazy("Discipline"), choices=EMPTY + tuple(Discipline.choices),
                                     required=False)  # fmt: skip
    professional_2 = forms.CharField(label=gettext_lazy("Professional"), max_length=200, required=False)
    discipline_2 = forms.ChoiceField(label=gettext_lazy("Discipline"), choices=EMPTY + tuple(Discipline.choices),
                                     required=False)  # fmt: skip
    professional_3 = forms.CharField(label=gettext_lazy("Professional"), max_length=200, required=False)
    discipline_3 = forms.ChoiceField(label=gettext_lazy("Discipline"), choices=EMPTY + tuple(Discipline.choices),
                                     required=False)  # fmt: skip
    child_has_disability = forms.BooleanField(
        label=gettext_lazy("The child has a disability"),
        required=False,
        help_text=gettext_lazy("A disability on the child's record counts too."),
    )
    disability_adaptation = text_field(gettext_lazy("How the assessment is adapted to it"))

    def consent(self) -> Consent:
        data = self.cleaned_data
        return Consent(
            given=data["consent_given"],
            language=data["consent_language"],
            explanation=data["consent_explanation"],
            told_no_penalty=data["consent_told_no_penalty"],
        )

    def professionals(self) -> list[Professional]:
        data = self.cleaned_data
        return [Professional(name=data[f"professional_{i}"], discipline=data[f"discipline_{i}"]) for i in (1, 2, 3)]


class AssessmentChangeForm(AgeForm):
    result = forms.ChoiceField(
        label=gettext_lazy("Result"), choices=EMPTY + tuple(AssessmentResult.choices), required=False
    )
    youngest_age = forms.IntegerField(label=gettext_lazy("Youngest possible age"), min_value=0, required=False)
    oldest_age = forms.IntegerField(label=gettext_lazy("Oldest possible age"), min_value=0, required=False)
    assessed_on = date_field(gettext_lazy("Assessment date"), required=False)
    grounds = forms.MultipleChoiceField(
        label=gettext_lazy("The result rests on"),
        choices=ResultGround.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    appeal_information = text_field(gettext_lazy("How the child was told to appeal"))
    approve = forms.BooleanField(label=gettext_lazy("Approve the conclusion (supervisor)"), required=False)
    stop_reason = text_field(
        gettext_lazy("Stop the assessment because"), help_text=gettext_lazy("The child withdrew consent, say.")
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("result") == AssessmentResult.RANGE:
            for name in ("youngest_age", "oldest_age"):
                if cleaned.get(name) is None:
                    self.add_error(name, _("Give the range of ages."))
        return cleaned


class MethodAddForm(AgeForm):
    assessment = forms.ModelChoiceField(label=gettext_lazy("Assessment"), queryset=AgeAssessment.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Method"), choices=MethodKind.choices)
    involves_undressing = forms.BooleanField(
        label=gettext_lazy("The child would be asked to undress, or genitals would be examined"), required=False
    )
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=MethodOutcome.choices)
    findings = text_field(gettext_lazy("Findings"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            open_ones = selectors.assessment_list(actor=self.actor).filter(status=AssessmentStatus.OPEN)
            self._limit("assessment", open_ones)


class AppealAddForm(AgeForm):
    assessment = forms.ModelChoiceField(label=gettext_lazy("Assessment"), queryset=AgeAssessment.objects.none())
    grounds = text_field(gettext_lazy("Grounds"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            approved = selectors.assessment_list(actor=self.actor).filter(
                status=AssessmentStatus.APPROVED, result=AssessmentResult.RANGE
            )
            self._limit("assessment", approved)


class AppealChangeForm(AgeForm):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=EMPTY + tuple(AppealOutcome.choices),
                                required=False)  # fmt: skip
    decided_by = forms.CharField(label=gettext_lazy("Decided by"), max_length=200, required=False)


class AdultTreatmentAddForm(CaseChoiceForm):
    purpose = forms.ChoiceField(label=gettext_lazy("What"), choices=AdultTreatmentPurpose.choices)
    reason = text_field(gettext_lazy("Why"), required=True)
    urgent = forms.BooleanField(
        label=gettext_lazy("Urgent protective action"),
        required=False,
        help_text=gettext_lazy("An emergency or safety placement where the only safe place is among adults."),
    )
