"""The forms of the child's voice: each hands its values to one service (apps/voice/services.py),
which validates them and writes; the admin and the pages use the same ones."""

from typing import Any

from django import forms
from django.contrib.admin import widgets
from django.utils.translation import gettext, gettext_lazy

from apps.accounts.models import Agency
from apps.cases.models import Case
from apps.cases.reading import current_reader
from apps.core.admin import ServiceForm, text_field, when_field
from apps.voice import selectors, services
from apps.voice.models import (
    LEAFLET_ONLY,
    ChildViews,
    CommunicationProfile,
    Gender,
    GenderPreference,
    HowExpressed,
    InformationSession,
    Interpreter,
    InterpreterDeclaration,
    NotHeardReason,
    SessionFormat,
    SessionMaterial,
    SessionTopic,
    ViewsDecision,
)


def _words(value: str) -> list[str]:
    return [word.strip() for word in value.split(",") if word.strip()]


SEALED_HELP = gettext_lazy("Stored sealed with the child's own key.")
GENDER_CHOICES = [("", gettext_lazy("Not recorded")), *Gender.choices]
# A leaflet alone is offered so that whoever tries it is told why it is not a session.
FORMAT_CHOICES = [
    ("", "---------"),
    *SessionFormat.choices,
    (LEAFLET_ONLY, gettext_lazy("A leaflet handed over, nothing more")),
]
HEARD_CHOICES = [
    ("yes", gettext_lazy("Yes: record their views")),
    ("no", gettext_lazy("No: record why, and the method that was tried")),
]
HEARD_FIELDS = ("views_text", "how_expressed", "language", "interpreter", "heard_by_gender", "gender_reason_text",
                "objects")  # fmt: skip


def _opened(record: Any, column: str) -> str:
    """A sealed value of the record, opened for the page's reader (the read logged)."""
    value = current_reader().text(record, column, case=record.case)
    return gettext("Anonymised") if value is None else value


class CaseServiceForm(ServiceForm):
    """A service form about one case (offered by the admin: those the actor works on or guards),
    with the interpreters on the roster the actor sees."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None and "interpreter" in self.fields:
            self.choices("interpreter").queryset = selectors.interpreter_list(actor=self.actor).filter(active=True)


class InterpreterForm(ServiceForm):
    case = None  # type: ignore[assignment]  # an interpreter is on a roster, not of a case
    roster_agency = forms.ModelChoiceField(label=gettext_lazy("On the roster of"), queryset=Agency.objects.none())
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    languages = forms.CharField(
        label=gettext_lazy("Languages"), max_length=600, help_text=gettext_lazy("Separated by commas.")
    )
    dialects = forms.CharField(
        label=gettext_lazy("Dialects"), max_length=600, required=False, help_text=gettext_lazy("Separated by commas.")
    )
    gender = forms.ChoiceField(label=gettext_lazy("Gender"), choices=Gender.choices)
    freelance = forms.BooleanField(label=gettext_lazy("Freelance"), required=False)
    agency_name = forms.CharField(
        label=gettext_lazy("Interpreting agency"), max_length=200, required=False,
        help_text=gettext_lazy("Blank for a freelance interpreter."),
    )  # fmt: skip
    active = forms.BooleanField(label=gettext_lazy("On the roster"), required=False, initial=True)

    class Meta:
        model = Interpreter
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self.choices("roster_agency").queryset = services.roster_agencies(actor=self.actor)
        if self.instance.pk is not None:
            interpreter = self.instance
            self.fields["roster_agency"].disabled = True
            self.initial.update(
                roster_agency=interpreter.roster_agency_id, name=interpreter.name,
                languages=", ".join(interpreter.languages), dialects=", ".join(interpreter.dialects),
                gender=interpreter.gender, freelance=interpreter.freelance, agency_name=interpreter.agency_name,
                active=interpreter.active,
            )  # fmt: skip
        else:
            del self.fields["active"]

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "languages": _words(data["languages"]),
            "dialects": _words(data["dialects"]),
            "gender": data["gender"],
            "freelance": data["freelance"],
            "agency_name": data["agency_name"],
        }


class DeclarationAddForm(CaseServiceForm):
    interpreter = forms.ModelChoiceField(label=gettext_lazy("Interpreter"), queryset=Interpreter.objects.none())
    declared_on = forms.DateField(
        label=gettext_lazy("Declared on"), required=False, widget=widgets.AdminDateWidget,
        help_text=gettext_lazy("Leave empty for today."),
    )  # fmt: skip

    class Meta:
        model = InterpreterDeclaration
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "interpreter": data["interpreter"], "declared_on": data["declared_on"]}


class ProfileForm(CaseServiceForm):
    preferred_language = forms.CharField(label=gettext_lazy("Preferred language"), max_length=60, required=False)
    preferred_dialect = forms.CharField(label=gettext_lazy("Preferred dialect"), max_length=60, required=False)
    preferred_interviewer_gender = forms.ChoiceField(
        label=gettext_lazy("Preferred gender of interviewer"), choices=GenderPreference.choices, required=False
    )
    needs_communication_support = forms.BooleanField(label=gettext_lazy("Needs support to communicate"),
                                                     required=False)  # fmt: skip
    communication_support_text = text_field(gettext_lazy("Communication support needed"), help_text=SEALED_HELP)

    class Meta:
        model = CommunicationProfile
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile = self.instance
        if profile.pk is not None:
            cases = self.choices("case")
            cases.queryset = Case.objects.filter(pk=profile.case_id)
            cases.disabled = True
            self.initial.update(
                case=profile.case_id, preferred_language=profile.preferred_language,
                preferred_dialect=profile.preferred_dialect,
                preferred_interviewer_gender=profile.preferred_interviewer_gender,
                needs_communication_support=profile.needs_communication_support,
                communication_support_text=_opened(profile, "communication_support"),
            )  # fmt: skip

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "preferred_language": data["preferred_language"],
            "preferred_dialect": data["preferred_dialect"],
            "preferred_interviewer_gender": data["preferred_interviewer_gender"],
            "needs_communication_support": data["needs_communication_support"],
            "communication_support": data["communication_support_text"],
        }


class SessionAddForm(CaseServiceForm):
    held_at = when_field(gettext_lazy("Held"))
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("Topics"), choices=SessionTopic.choices, widget=forms.CheckboxSelectMultiple
    )
    language = forms.CharField(label=gettext_lazy("Language"), max_length=60)
    dialect = forms.CharField(label=gettext_lazy("Dialect"), max_length=60, required=False)
    interpreter = forms.ModelChoiceField(
        label=gettext_lazy("Interpreter"), queryset=Interpreter.objects.none(), required=False,
        help_text=gettext_lazy("Only with their declaration of no link to this case's suspects."),
    )  # fmt: skip
    # What is posted reaches the service, which refuses a leaflet alone with its code rather
    # than as "not a valid choice".
    format = forms.CharField(
        label=gettext_lazy("Format"),
        max_length=32,
        widget=forms.Select(choices=FORMAT_CHOICES),
        help_text=gettext_lazy("A printed leaflet is not a session: note leaflets as materials of a real one."),
    )
    materials = forms.MultipleChoiceField(
        label=gettext_lazy("Materials handed over"), choices=SessionMaterial.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    understanding_text = text_field(
        gettext_lazy("How the child showed they understood"),
        help_text=gettext_lazy("Required. Stored sealed with the child's own key."),
    )
    held_by_gender = forms.ChoiceField(label=gettext_lazy("Gender of who held it"), choices=GENDER_CHOICES,
                                       required=False)  # fmt: skip
    gender_reason_text = text_field(
        gettext_lazy("Why not the gender the child prefers"),
        help_text=gettext_lazy("Required when the child's preference could not be respected. Stored sealed."),
    )

    class Meta:
        model = InformationSession
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "held_at": data["held_at"],
            "topics": data["topics"],
            "language": data["language"],
            "dialect": data["dialect"],
            "interpreter": data["interpreter"],
            "format": data["format"].strip(),
            "materials": data["materials"],
            "understanding": data["understanding_text"],
            "held_by_gender": data["held_by_gender"],
            "gender_reason": data["gender_reason_text"],
        }


class ViewsAddForm(CaseServiceForm):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=ViewsDecision.choices)
    subject = forms.CharField(
        label=gettext_lazy("Which one"), max_length=64, required=False,
        help_text=gettext_lazy("The decision's own id, when there is one."),
    )  # fmt: skip
    heard = forms.TypedChoiceField(
        label=gettext_lazy("Was the child heard?"),
        choices=HEARD_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    views_text = text_field(gettext_lazy("The child's views"), help_text=SEALED_HELP)
    how_expressed = forms.ChoiceField(
        label=gettext_lazy("How expressed"), choices=[("", "---------"), *HowExpressed.choices], required=False
    )
    language = forms.CharField(label=gettext_lazy("Language"), max_length=60, required=False)
    interpreter = forms.ModelChoiceField(
        label=gettext_lazy("Interpreter"), queryset=Interpreter.objects.none(), required=False,
        help_text=gettext_lazy("Only with their declaration of no link to this case's suspects."),
    )  # fmt: skip
    heard_by_gender = forms.ChoiceField(label=gettext_lazy("Gender of who heard the child"), choices=GENDER_CHOICES,
                                        required=False)  # fmt: skip
    gender_reason_text = text_field(
        gettext_lazy("Why not the gender the child prefers"),
        help_text=gettext_lazy("Required when the child's preference could not be respected. Stored sealed."),
    )
    objects = forms.NullBooleanField(
        label=gettext_lazy("Does the child object to what is proposed?"), required=False,
        widget=forms.Select(choices=[("unknown", gettext_lazy("Not said")), ("true", gettext_lazy("Yes, objects")),
                                     ("false", gettext_lazy("No objection"))]),
    )  # fmt: skip
    not_heard_reasons = forms.MultipleChoiceField(
        label=gettext_lazy("Why the child could not be heard"), choices=NotHeardReason.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=gettext_lazy("Age alone is never a reason."),
    )  # fmt: skip
    method_tried_text = text_field(gettext_lazy("The method that was tried"), help_text=SEALED_HELP)

    class Meta:
        model = ChildViews
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "decision": data["decision"],
            "subject": data["subject"],
            "heard": data["heard"],
            "views": data["views_text"],
            "how_expressed": data["how_expressed"],
            "language": data["language"],
            "interpreter": data["interpreter"],
            "heard_by_gender": data["heard_by_gender"],
            "gender_reason": data["gender_reason_text"],
            "objects": data["objects"],
            "not_heard_reasons": data["not_heard_reasons"],
            "method_tried": data["method_tried_text"],
        }
