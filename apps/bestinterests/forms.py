"""The forms of best-interests assessments and determinations: each hands its values to one
service (apps/bestinterests/services.py), which validates them and writes; the admin and the
pages use the same ones."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.bestinterests import selectors
from apps.bestinterests.models import (
    BIA_SECTIONS,
    BestInterestsAssessment,
    BestInterestsDetermination,
    BestInterestsReview,
    DeterminationKind,
    Discipline,
    OptionWeighed,
    PanelMember,
    SolutionKind,
)
from apps.cases.access import Action, cases_for
from apps.cases.reading import current_reader
from apps.core.admin import ServiceForm, text_field

SEALED_HELP = gettext_lazy("Stored sealed with the child's own key.")


class BiaAddForm(ServiceForm):
    """The case (offered by the admin: those the actor works on) whose assessment starts."""

    class Meta:
        model = BestInterestsAssessment
        fields = ()


class BiaChangeForm(ServiceForm):
    case = None  # type: ignore[assignment]  # not chosen: the record names it
    needs_text = text_field(gettext_lazy("The child's needs"), help_text=SEALED_HELP)
    safety_text = text_field(gettext_lazy("Safety"), help_text=SEALED_HELP)
    family_text = text_field(gettext_lazy("Family"), help_text=SEALED_HELP)
    health_text = text_field(gettext_lazy("Health"), help_text=SEALED_HELP)
    education_text = text_field(gettext_lazy("Education"), help_text=SEALED_HELP)
    child_views_text = text_field(gettext_lazy("The child's views"), help_text=SEALED_HELP)

    class Meta:
        model = BestInterestsAssessment
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            reader = current_reader()
            for name in BIA_SECTIONS:
                self.fields[f"{name}_text"].initial = selectors.sealed_text(
                    self.instance, name, case=self.instance.case, actor=reader.actor, channel=reader.channel
                )


class DeterminationAddForm(ServiceForm):
    kind = forms.ChoiceField(label=gettext_lazy("Made by"), choices=DeterminationKind.choices)
    review = forms.ModelChoiceField(
        label=gettext_lazy("Answers the review"),
        queryset=BestInterestsReview.objects.none(),
        required=False,
        help_text=gettext_lazy("While a decided determination stands, a new one only answers a review of it."),
    )

    class Meta:
        model = BestInterestsDetermination
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self.choices("review").queryset = selectors.review_list(actor=self.actor)


class DeterminationChangeForm(ServiceForm):
    case = None  # type: ignore[assignment]  # not chosen: the record names it
    recommendation = forms.ChoiceField(
        label=gettext_lazy("Recommendation"), choices=[("", "---------"), *SolutionKind.choices], required=False
    )
    reasons_text = text_field(gettext_lazy("Reasons"), help_text=SEALED_HELP)
    authority_name = forms.CharField(label=gettext_lazy("Court or authority"), max_length=200, required=False)
    authority_reference = forms.CharField(label=gettext_lazy("Decision reference"), max_length=100, required=False)
    authority_decided_on = forms.DateField(label=gettext_lazy("Decided by the court or authority on"), required=False)
    risk_assessment = forms.ModelChoiceField(
        label=gettext_lazy("Risk and security assessment"), queryset=BestInterestsDetermination.objects.none(),
        required=False,
    )  # fmt: skip
    no_risk_assessment_reason_text = text_field(gettext_lazy("Why no risk assessment applies"), help_text=SEALED_HELP)
    child_objects = forms.BooleanField(label=gettext_lazy("The child objects to the recommendation"), required=False)
    objection_reasons_text = text_field(
        gettext_lazy("Why it is still in the child's best interests"),
        help_text=gettext_lazy("Required when the child objects. Stored sealed with the child's own key."),
    )

    class Meta:
        model = BestInterestsDetermination
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from apps.family.models import RiskSecurityAssessment

        super().__init__(*args, **kwargs)
        bid = self.instance
        risk = self.choices("risk_assessment")
        risk.queryset = RiskSecurityAssessment.objects.filter(case_id=bid.case_id)
        self.fields["recommendation"].initial = bid.recommendation
        for name in ("authority_name", "authority_reference", "authority_decided_on", "child_objects"):
            self.fields[name].initial = getattr(bid, name)
        risk.initial = bid.risk_assessment_id
        reader = current_reader()
        for name in ("reasons", "no_risk_assessment_reason", "objection_reasons"):
            self.fields[f"{name}_text"].initial = selectors.sealed_text(
                bid, name, case=bid.case, actor=reader.actor, channel=reader.channel
            )


class PanelMemberAddForm(ServiceForm):
    case = None  # type: ignore[assignment]  # not chosen: the record names it
    determination = forms.ModelChoiceField(
        label=gettext_lazy("Determination"), queryset=BestInterestsDetermination.objects.none()
    )
    member = forms.ModelChoiceField(label=gettext_lazy("Member"), queryset=User.objects.filter(is_active=True))
    discipline = forms.ChoiceField(label=gettext_lazy("Discipline"), choices=Discipline.choices)

    class Meta:
        model = PanelMember
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            drafts = selectors.determination_list(actor=self.actor).filter(decided_at__isnull=True)
            self.choices("determination").queryset = drafts


class OptionAddForm(ServiceForm):
    case = None  # type: ignore[assignment]  # not chosen: the record names it
    determination = forms.ModelChoiceField(
        label=gettext_lazy("Determination"), queryset=BestInterestsDetermination.objects.none()
    )
    solution = forms.ChoiceField(label=gettext_lazy("Solution"), choices=SolutionKind.choices)
    reasons_for_text = text_field(gettext_lazy("Reasons for"), help_text=SEALED_HELP)
    reasons_against_text = text_field(gettext_lazy("Reasons against"), help_text=SEALED_HELP)

    class Meta:
        model = OptionWeighed
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            drafts = selectors.determination_list(actor=self.actor).filter(decided_at__isnull=True)
            self.choices("determination").queryset = drafts


class ReviewAddForm(ServiceForm):
    case = None  # type: ignore[assignment]  # not chosen: the record names it
    determination = forms.ModelChoiceField(
        label=gettext_lazy("Determination to review"), queryset=BestInterestsDetermination.objects.none()
    )
    reason_text = text_field(gettext_lazy("What changed"), required=True, help_text=SEALED_HELP)

    class Meta:
        model = BestInterestsReview
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            visible = cases_for(self.actor, Action.WORK_OR_GUARD).values("pk")
            decided = BestInterestsDetermination.objects.filter(case__in=visible, decided_at__isnull=False)
            self.choices("determination").queryset = decided


class ChildToldForm(forms.Form):
    how = forms.CharField(
        label=gettext_lazy("How the child was told (language, who, how they understood)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_explained = forms.BooleanField(label=gettext_lazy("The child was told how to seek a review"), required=False)


class ReviewReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What changed"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
