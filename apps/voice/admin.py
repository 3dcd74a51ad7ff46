"""The child's voice in the admin: the same scope and the same services as every other channel.

Who may open it: staff users who hold an active caseworker, supervisor or guardian
membership; superuser status and model permissions add nothing. Guardians work here for
their wards. Lists are scoped by the case visibility condition and a record outside it is a
404. Records are added through the services (`interpreter_register`,
`interpreter_declaration_record`, `communication_profile_set`, `information_session_record`,
`child_views_record`); an interpreter and a communication profile are changed through theirs
(`interpreter_update`, `communication_profile_set`); sessions and views are facts, never
edited in place (a new record of the child's views supersedes); nothing is deleted. What a
service refuses — a leaflet offered as a session included — is shown on the form.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Agency, Role, User
from apps.care.selectors import sealed_text
from apps.cases.access import Action, cases_for
from apps.cases.models import Case
from apps.cases.reading import ReadLoggedAdmin, current_reader
from apps.core.admin import ACTION_REFUSALS, ACTION_TEMPLATE, ServiceRefusalsMixin, staff_roles
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

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

VOICE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.GUARDIAN)
Label: TypeAlias = "str | _StrPromise"


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _roles(request: HttpRequest) -> set[str]:
    """The roles that open this admin, held by the staff user now; read once per request."""
    return set(staff_roles(request) & set(VOICE_ROLES))


def _became(obj: models.Model, created: models.Model) -> None:
    """The admin's unsaved instance takes the values of the record the service created."""
    for field in created._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False


def _opened(obj: Any, column: str) -> str:
    reader = current_reader()
    value = sealed_text(obj, column, actor=reader.actor, channel=reader.channel)
    return _("Anonymised") if value is None else value


def _text(label: Label, *, required: bool = False, help_text: Label = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text
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


# --- Forms --------------------------------------------------------------------------------
class ServiceForm(forms.ModelForm):  # type: ignore[type-arg]
    """The arguments of one service call; the service validates them and writes."""

    actor: User | None = None  # set per request by VoiceAdmin.get_form

    def _post_clean(self) -> None:
        pass

    def arguments(self) -> dict[str, Any]:
        raise NotImplementedError


class CaseServiceForm(ServiceForm):
    case = forms.ModelChoiceField(label=gettext_lazy("Case"), queryset=Case.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            offered = cases_for(self.actor, Action.WORK_OR_GUARD).order_by("reference")
            cast("forms.ModelChoiceField[Case]", self.fields["case"]).queryset = offered
            if "interpreter" in self.fields:
                usable = selectors.interpreter_list(actor=self.actor).filter(active=True)
                cast("forms.ModelChoiceField[Interpreter]", self.fields["interpreter"]).queryset = usable


class InterpreterForm(ServiceForm):
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
            agencies = cast("forms.ModelChoiceField[Any]", self.fields["roster_agency"])
            agencies.queryset = services.roster_agencies(actor=self.actor)
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
    communication_support_text = _text(gettext_lazy("Communication support needed"), help_text=SEALED_HELP)

    class Meta:
        model = CommunicationProfile
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile = self.instance
        if profile.pk is not None:
            cases = cast("forms.ModelChoiceField[Case]", self.fields["case"])
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
    held_at = forms.SplitDateTimeField(
        label=gettext_lazy("Held"), required=False, widget=widgets.AdminSplitDateTime,
        help_text=gettext_lazy("Leave empty for now."),
    )  # fmt: skip
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
    understanding_text = _text(
        gettext_lazy("How the child showed they understood"),
        help_text=gettext_lazy("Required. Stored sealed with the child's own key."),
    )
    held_by_gender = forms.ChoiceField(label=gettext_lazy("Gender of who held it"), choices=GENDER_CHOICES,
                                       required=False)  # fmt: skip
    gender_reason_text = _text(
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
    views_text = _text(gettext_lazy("The child's views"), help_text=SEALED_HELP)
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
    gender_reason_text = _text(
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
    method_tried_text = _text(gettext_lazy("The method that was tried"), help_text=SEALED_HELP)

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


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


# --- The admins ---------------------------------------------------------------------------
class VoiceAdmin(ServiceRefusalsMixin, ReadLoggedAdmin):
    """Scoped by case visibility; written through a service; never deleted."""

    form_class: ClassVar[type[ServiceForm]]
    add_fieldsets: ClassVar[Any]
    # The service that records what the add form holds.
    record: ClassVar[Callable[..., models.Model]]
    # Sealed columns the record's page opens (a read of the child's record, logged).
    sealed: ClassVar[bool] = True
    show_full_result_count = False

    def scope(self, actor: User) -> QuerySet[Any]:
        nothing: QuerySet[Any] = self.model._default_manager.none()
        return nothing

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(_roles(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_roles(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(_roles(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scope(_actor(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404  # out of scope answers like a record that does not exist
        return found

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or self.has_change_permission(request, obj):
            return self.add_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or self.has_change_permission(request, obj):
            return ()
        return self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None or self.has_change_permission(request, obj):
            kwargs["form"] = type(self.form_class.__name__, (self.form_class,), {"actor": _actor(request)})
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        created = type(self).record(actor=_actor(request), **form.arguments())
        _became(obj, created)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing besides the service writes."""

    def render_change_form(  # noqa: PLR0917 - Django's signature
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None and self.sealed:
            current_reader().note(obj.case)  # the page is a read of the case, a value opened or not
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


@admin.register(Interpreter)
class InterpreterAdmin(VoiceAdmin):
    form_class = InterpreterForm
    sealed = False
    list_display = ("name", "languages", "dialects", "gender", "freelance", "agency_name", "roster_agency", "active")
    list_filter = ("gender", "freelance", "active")
    list_select_related = ("roster_agency",)
    search_fields = ("name",)
    add_fieldsets = (
        (None, {"fields": ("roster_agency", "name", "languages", "dialects", "gender")}),
        (gettext_lazy("Works for"), {"fields": ("freelance", "agency_name")}),
    )
    fields = ("roster_agency", "name", "languages", "dialects", "gender", "freelance", "agency_name", "active",
              "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[Interpreter]:
        return selectors.interpreter_list(actor=actor)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """The keepers of the interpreter's roster correct it; others only see it."""
        if obj is None:
            return False
        return services.roster_agencies(actor=_actor(request)).filter(pk=obj.roster_agency_id).exists()

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self.has_change_permission(request, obj):
            return (*fieldsets, (gettext_lazy("Roster"), {"fields": ("active",)}))
        return fieldsets

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = _actor(request)
        if change:
            done = services.interpreter_update(actor=actor, interpreter=obj, active=form.cleaned_data["active"],
                                               **form.arguments())  # fmt: skip
        else:
            done = services.interpreter_register(actor=actor, agency=form.cleaned_data["roster_agency"],
                                                 **form.arguments())  # fmt: skip
        _became(obj, done)


@admin.register(InterpreterDeclaration)
class InterpreterDeclarationAdmin(VoiceAdmin):
    form_class = DeclarationAddForm
    record = services.interpreter_declaration_record
    list_display = ("interpreter", "case", "declared_on", "withdrawn_at")
    list_filter = (("withdrawn_at", admin.EmptyFieldListFilter),)
    list_select_related = ("interpreter", "case")
    search_fields = ("case__reference", "interpreter__name")
    actions = ("withdraw",)
    add_fieldsets = (
        (
            None,
            {
                "fields": ("case", "interpreter", "declared_on"),
                "description": gettext_lazy(
                    "The interpreter declares that they have no link to the suspects of this case. Without it they "
                    "cannot interpret at the case's sessions or when the child is heard."
                ),
            },
        ),
    )
    fields = ("interpreter", "case", "declared_on", "withdrawn_at", "opened_withdrawn_reason", "recorded_by",
              "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[InterpreterDeclaration]:
        return selectors.declaration_list(actor=actor)

    @admin.display(description=gettext_lazy("why withdrawn"))
    def opened_withdrawn_reason(self, obj: InterpreterDeclaration) -> str:
        return "" if obj.withdrawn_reason is None else _opened(obj, "withdrawn_reason")

    @admin.action(description=gettext_lazy("Withdraw the declaration (a link to the suspects came to light)"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[InterpreterDeclaration]) -> HttpResponse | None:
        actor = _actor(request)
        records = list(queryset.filter(withdrawn_at__isnull=True))
        form = WithdrawForm(request.POST if request.POST.get("confirm") else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Withdraw declarations"),
                "subtitle": None,
                "opts": self.opts,
                "action": "withdraw",
                "records": records,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(request, ACTION_TEMPLATE, context)
        for record in records:
            try:
                services.interpreter_declaration_withdraw(actor=actor, declaration=record,
                                                          reason=form.cleaned_data["reason"])  # fmt: skip
            except ACTION_REFUSALS as refusal:
                self.message_refusal(request, refusal, about=str(record))
            else:
                self.message_user(request, _("%(record)s withdrawn.") % {"record": record}, messages.SUCCESS)
        return None


@admin.register(CommunicationProfile)
class CommunicationProfileAdmin(VoiceAdmin):
    form_class = ProfileForm
    record = services.communication_profile_set
    list_display = ("case", "preferred_language", "preferred_dialect", "preferred_interviewer_gender",
                    "needs_communication_support", "updated_at")  # fmt: skip
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    add_fieldsets = (
        (None, {"fields": ("case", "preferred_language", "preferred_dialect", "preferred_interviewer_gender")}),
        (gettext_lazy("Support to communicate"),
         {"fields": ("needs_communication_support", "communication_support_text")}),
    )  # fmt: skip
    fields = ("case", "preferred_language", "preferred_dialect", "preferred_interviewer_gender",
              "needs_communication_support", "opened_support", "updated_by", "updated_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[CommunicationProfile]:
        return selectors.communication_profile_list(actor=actor)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return False
        return services.staff_or_guardian_of(actor=_actor(request), case=obj.case)

    @admin.display(description=gettext_lazy("communication support needed"))
    def opened_support(self, obj: CommunicationProfile) -> str:
        return _opened(obj, "communication_support")


@admin.register(InformationSession)
class InformationSessionAdmin(VoiceAdmin):
    form_class = SessionAddForm
    record = services.information_session_record
    list_display = ("case", "held_at", "format", "language", "interpreter", "held_by")
    list_filter = ("format",)
    list_select_related = ("case", "interpreter", "held_by")
    search_fields = ("case__reference",)
    add_fieldsets = (
        (None, {"fields": ("case", "held_at", "topics", "format", "materials")}),
        (gettext_lazy("Language"), {"fields": ("language", "dialect", "interpreter")}),
        (gettext_lazy("Understanding"), {"fields": ("understanding_text",)}),
        (gettext_lazy("Who held it"), {"fields": ("held_by_gender", "gender_reason_text")}),
    )
    fields = ("case", "held_at", "topics", "format", "materials", "language", "dialect", "interpreter", "held_by",
              "held_by_gender", "opened_gender_reason", "opened_understanding", "recorded_by",
              "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[InformationSession]:
        return selectors.information_session_list(actor=actor)

    @admin.display(description=gettext_lazy("how the child showed they understood"))
    def opened_understanding(self, obj: InformationSession) -> str:
        return _opened(obj, "understanding")

    @admin.display(description=gettext_lazy("why not the gender the child prefers"))
    def opened_gender_reason(self, obj: InformationSession) -> str:
        return "" if obj.gender_reason is None else _opened(obj, "gender_reason")


@admin.register(ChildViews)
class ChildViewsAdmin(VoiceAdmin):
    form_class = ViewsAddForm
    record = services.child_views_record
    list_display = ("case", "decision", "subject", "heard", "objects", "recorded_at", "recorded_by")
    list_filter = ("decision", "heard")
    list_select_related = ("case", "recorded_by")
    search_fields = ("case__reference",)
    add_fieldsets = (
        (None, {"fields": ("case", "decision", "subject", "heard")}),
        (gettext_lazy("Heard"), {"fields": HEARD_FIELDS}),
        (gettext_lazy("Not heard"), {"fields": ("not_heard_reasons", "method_tried_text")}),
    )
    fields = ("case", "decision", "subject", "heard", "opened_views", "how_expressed", "language", "interpreter",
              "heard_by_gender", "opened_gender_reason", "objects", "not_heard_reasons", "opened_method_tried",
              "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[ChildViews]:
        return selectors.child_views_list(actor=actor)

    @admin.display(description=gettext_lazy("the child's views"))
    def opened_views(self, obj: ChildViews) -> str:
        return "" if obj.views is None else _opened(obj, "views")

    @admin.display(description=gettext_lazy("the method that was tried"))
    def opened_method_tried(self, obj: ChildViews) -> str:
        return "" if obj.method_tried is None else _opened(obj, "method_tried")

    @admin.display(description=gettext_lazy("why not the gender the child prefers"))
    def opened_gender_reason(self, obj: ChildViews) -> str:
        return "" if obj.gender_reason is None else _opened(obj, "gender_reason")
