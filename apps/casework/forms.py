"""The forms of notes, the care plan and conferences: each hands its values to one service
(apps/casework/services.py), which validates them and writes; the admin and the pages use the same ones."""

from typing import Any, cast

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Agency, User
from apps.cases.access import Action, cases_for
from apps.casework import selectors, services
from apps.casework.models import (
    NOT_AN_INVESTIGATIVE_ACCOUNT,
    CarePlanAction,
    CarePlanGoal,
    CarePlanReview,
    CaseConference,
    CaseNote,
    ConferenceDecision,
    ConferenceRequest,
    GoalArea,
    GoalStatus,
    NoteAccess,
    Responsible,
)
from apps.core.admin import ServiceForm, date_field, text_field, when_field


def people() -> QuerySet[User]:
    return User.objects.filter(is_active=True, memberships__isnull=False).distinct().order_by("full_name", "email")


class NoteAddForm(ServiceForm):
    access = forms.ChoiceField(label=gettext_lazy("Who may read it"), choices=NoteAccess.choices)
    body_text = text_field(gettext_lazy("Note"), required=True, rows=8, help_text=NOT_AN_INVESTIGATIVE_ACCOUNT)
    # Not required here: the service refuses an undeclared note, and says why.
    not_investigative = forms.BooleanField(
        label=gettext_lazy("This note is not an investigative account"), required=False,
        help_text=gettext_lazy("Required. The exploitation narrative, suspects and evidence are the police's."),
    )  # fmt: skip
    supersedes = forms.ModelChoiceField(
        label=gettext_lazy("Corrects"), queryset=CaseNote.objects.none(), required=False,
        help_text=gettext_lazy("Notes are never changed: a correction is a new note that supersedes the old one."),
    )  # fmt: skip

    class Meta:
        model = CaseNote
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self.choices("supersedes").queryset = selectors.note_list(actor=self.actor)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "access": data["access"], "body": data["body_text"],
                "not_investigative": data["not_investigative"], "supersedes": data["supersedes"]}  # fmt: skip


class GoalAddForm(ServiceForm):
    area = forms.ChoiceField(label=gettext_lazy("Area"), choices=GoalArea.choices)
    goal_text = text_field(
        gettext_lazy("Goal"), required=True, rows=4, help_text=gettext_lazy("Stored sealed with the child's own key.")
    )

    class Meta:
        model = CarePlanGoal
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "area": data["area"], "text": data["goal_text"]}


class WhoFields(ServiceForm):
    responsible = forms.ChoiceField(label=gettext_lazy("Who does it"), choices=Responsible.choices)
    responsible_person = forms.ModelChoiceField(
        label=gettext_lazy("Person"), queryset=User.objects.none(), required=False
    )
    responsible_agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"), queryset=Agency.objects.filter(is_active=True), required=False
    )
    due_on = date_field(gettext_lazy("By"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices("responsible_person").queryset = people()

    def who(self) -> services.Who:
        data = self.cleaned_data
        return services.Who(data["responsible"], data["responsible_person"], data["responsible_agency"])


class ActionAddForm(WhoFields):
    goal = forms.ModelChoiceField(label=gettext_lazy("Goal"), queryset=CarePlanGoal.objects.none(), required=False)
    action_text = text_field(gettext_lazy("What is to be done"), required=True)

    class Meta:
        model = CarePlanAction
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self.choices("goal").queryset = selectors.goal_list(actor=self.actor)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "goal": data["goal"], "text": data["action_text"], "who": self.who(),
                "due_on": data["due_on"]}  # fmt: skip


class ReviewAddForm(ServiceForm):
    due_on = date_field(gettext_lazy("Review by"))

    class Meta:
        model = CarePlanReview
        fields = ()

    def arguments(self) -> dict[str, Any]:
        return {"case": self.cleaned_data["case"], "due_on": self.cleaned_data["due_on"]}


class ConferenceAddForm(ServiceForm):
    held_at = forms.SplitDateTimeField(label=gettext_lazy("Held"), widget=admin_widgets.AdminSplitDateTime)
    participant_users = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Participants"), queryset=User.objects.none(), required=False
    )
    outside = text_field(
        gettext_lazy("Outside participants"), required=False, rows=3,
        help_text=gettext_lazy("One a line: name — agency."),
    )  # fmt: skip
    represented = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Agencies represented"), queryset=Agency.objects.filter(is_active=True), required=False
    )
    summary_text = text_field(gettext_lazy("Summary"), rows=4)
    answers = forms.ModelChoiceField(
        label=gettext_lazy("Held at the guardian's request"), queryset=ConferenceRequest.objects.none(), required=False
    )

    class Meta:
        model = CaseConference
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices("participant_users").queryset = people()
        if self.actor is not None:
            open_requests = selectors.conference_request_list(actor=self.actor).filter(conference__isnull=True)
            self.choices("answers").queryset = open_requests

    def clean_outside(self) -> list[tuple[str, str]]:
        rows = []
        for line in str(self.cleaned_data["outside"]).splitlines():
            if not line.strip():
                continue
            name, _sep, agency = line.replace("—", "-").partition("-")
            if not name.strip() or not agency.strip():
                raise forms.ValidationError(_("Write each outside participant as: name — agency."))
            rows.append((name.strip(), agency.strip()))
        return rows

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "held_at": data["held_at"], "participants": data["participant_users"],
                "outside_participants": data["outside"], "agencies": data["represented"],
                "summary": data["summary_text"], "request": data["answers"]}  # fmt: skip


class DecisionAddForm(WhoFields):
    conference = forms.ModelChoiceField(label=gettext_lazy("Conference"), queryset=CaseConference.objects.none())
    decision_text = text_field(gettext_lazy("Decision"), required=True)

    class Meta:
        model = ConferenceDecision
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].required = False
        if self.actor is not None:
            staff = cases_for(self.actor, Action.WORK).values("pk")
            self.choices("conference").queryset = selectors.conference_list(actor=self.actor).filter(case__in=staff)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        decision = services.DecisionInput(text=data["decision_text"], who=self.who(), due_on=data["due_on"])
        return {"conference": data["conference"], "decision": decision}


class ConferenceRequestAddForm(ServiceForm):
    reason_text = text_field(gettext_lazy("Why a conference is needed"), required=True, rows=4)

    class Meta:
        model = ConferenceRequest
        fields = ()

    def arguments(self) -> dict[str, Any]:
        return {"case": self.cleaned_data["case"], "reason": self.cleaned_data["reason_text"]}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=GoalStatus.choices)


class ConfirmForm(forms.Form):
    """Nothing to ask: the action is recorded with the user's name and the time."""


class ReviewHeldForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("What the review found"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5})
    )
    held_at = when_field(gettext_lazy("Held"))


class CaseloadFilterForm(forms.Form):
    """What a caseload shows: whose cases, in which state and risk, in which order (GET: none of
    it names a child)."""

    scope = forms.ChoiceField(label=gettext_lazy("Cases"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    risk = forms.ChoiceField(label=gettext_lazy("Risk"), required=False)
    order = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[
            ("next_due", gettext_lazy("Next deadline")),
            ("risk", gettext_lazy("Risk, highest first")),
            ("identified", gettext_lazy("Identified, newest first")),
            ("reference", gettext_lazy("Reference")),
        ],
    )

    def __init__(self, *args: Any, scopes: list[Any], **kwargs: Any) -> None:
        from apps.cases.models import Case, CaseState

        super().__init__(*args, **kwargs)
        choices = {
            "scope": [(scope.value, scope.label) for scope in scopes],
            "state": [("", gettext_lazy("Open cases")), *CaseState.choices],
            "risk": [("", gettext_lazy("Any risk")), *Case.RiskLevel.choices],
        }
        for name, offered in choices.items():
            cast("forms.ChoiceField", self.fields[name]).choices = offered
