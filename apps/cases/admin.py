"""Cases in the admin: the same scope and the same services as every other channel.

Who may open it: staff users who hold an active caseworker or supervisor membership.
Superuser status and model permissions add nothing; every list and page is scoped by
`case_visibility`, and a case outside it is a 404. Rule-bearing fields are read-only,
details are saved through `case_details_update`, new cases go through `case_register`
and workflow moves are admin actions that call `case_transition`. Nothing is deleted.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.options import IS_POPUP_VAR, InlineModelAdmin
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Agency, Role, User
from apps.accounts.selectors import membership_list_for_user
from apps.audit.models import Channel
from apps.audit.services import record_access_log
from apps.cases import htcds, services
from apps.cases.models import Case, CaseState, CaseTransition, Child, Document, PossibleDuplicateNotice
from apps.cases.selectors import case_visibility
from apps.cases.workflow import transitions
from apps.core.crypto import KeyUnavailable
from apps.core.errors import StaleRecord, TransitionNotAllowed
from apps.core.rules import RuleViolation

CASE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)

# The plain details `case_details_update` accepts from the admin. Team and assigned
# caseworker decide who sees the case, so they stay read-only here.
DETAIL_FIELDS = (
    "identification_method",
    "identification_status",
    "risk_level",
    "scope",
    "reflection_period_start",
    "reflection_period_end",
    "exploitation_forms",
    "control_methods",
    "recruitment_methods",
    "technology_uses",
    "relationship_to_trafficker",
    "police_evidence_reference",
)
CHILD_FACT_FIELDS = ("sex", "birth_date_basis", "nationalities", "country_of_origin", "unaccompanied", "separated")


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _case_roles(request: HttpRequest) -> set[str]:
    """The case roles the staff user holds in any agency now; read once per request."""
    cached: set[str] | None = getattr(request, "_haven_case_roles", None)
    if cached is None:
        user = request.user
        cached = set()
        if isinstance(user, User) and user.is_active and user.is_staff:
            roles = membership_list_for_user(user=user).filter(role__in=CASE_ROLES).values_list("role", flat=True)
            cached = set(roles)
        setattr(request, "_haven_case_roles", cached)  # noqa: B010 - HttpRequest declares no such attribute
    return cached


# --- Refusals -----------------------------------------------------------------------------
# What the services refuse with. On a form save a refusal becomes the form's errors; in an
# action it becomes one error message per refusal, naming the record.
FORM_REFUSALS = (RuleViolation, ValidationError)
ACTION_REFUSALS = (RuleViolation, ValidationError, StaleRecord, TransitionNotAllowed, PermissionDenied)
_REFUSAL = "_haven_refusal"


def refusal_messages(refusal: Exception) -> list[str]:
    """Every message a refusal carries: each violation of a RuleViolation, each error of a ValidationError."""
    if isinstance(refusal, RuleViolation):
        return refusal.messages
    if isinstance(refusal, ValidationError):
        return [str(m) for m in refusal.messages]
    return [str(refusal)]


def _refusal_errors(refusal: Exception) -> Iterable[tuple[str | None, str]]:
    if isinstance(refusal, ValidationError) and hasattr(refusal, "error_dict"):
        for name, errors in refusal.message_dict.items():
            for message in errors:
                yield (None if name == NON_FIELD_ERRORS else name), message
        return
    for message in refusal_messages(refusal):
        yield None, message


def _with_refusal(form_class: type[forms.ModelForm], refusal: Exception) -> type[forms.ModelForm]:  # type: ignore[type-arg]
    """The same form, invalid with the refusal's messages (on their fields where they name one)."""

    class Refused(form_class):  # type: ignore[valid-type,misc]
        def clean(self) -> dict[str, Any]:
            cleaned: dict[str, Any] = super().clean()
            for name, message in _refusal_errors(refusal):
                if name is None or name in self.fields:
                    self.add_error(name, message)
                else:
                    self.add_error(None, f"{name}: {message}")
            return cleaned

    return Refused


class ServiceRefusalsMixin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shows what the services refuse: form errors on a save, error messages in actions.

    `save_model` calls a service; a RuleViolation (every violation) or ValidationError it
    raises rolls the save back and the form is shown again with the messages as errors.
    A StaleRecord sends the user back to the record as it is now, with the message.
    Actions call `message_refusal` for each record a service refused.
    """

    def message_refusal(self, request: HttpRequest, refusal: Exception, *, about: str = "") -> None:
        for message in refusal_messages(refusal):
            self.message_user(request, f"{about}: {message}" if about else message, messages.ERROR)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleRecord as stale:
            # The form was built on an older version: nothing was written; show the record as it is now.
            self.message_refusal(request, stale)
            return HttpResponseRedirect(request.get_full_path())
        except FORM_REFUSALS as refusal:
            # The save was rolled back; build the same form again, invalid with the refusal's messages.
            setattr(request, _REFUSAL, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal: Exception | None = getattr(request, _REFUSAL, None)
        return form if refusal is None else _with_refusal(form, refusal)


# --- Forms --------------------------------------------------------------------------------
def _choices_of(name: str) -> forms.MultipleChoiceField:
    array = cast("ArrayField[Any, Any]", Case._meta.get_field(name))
    return forms.MultipleChoiceField(
        label=str(array.verbose_name).capitalize(),
        choices=array.base_field.choices or (),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CaseDetailsForm(forms.ModelForm):  # type: ignore[type-arg]
    """The plain details of a case; lists of HTCDS values as checkboxes."""

    exploitation_forms = _choices_of("exploitation_forms")
    control_methods = _choices_of("control_methods")
    recruitment_methods = _choices_of("recruitment_methods")
    technology_uses = _choices_of("technology_uses")

    class Meta:
        model = Case
        fields = DETAIL_FIELDS


class CaseChangeForm(CaseDetailsForm):
    # The version the form was opened with: the service refuses the save if it moved on.
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version


class CaseAddForm(CaseDetailsForm):
    """Registering a child and their case; every value goes to `case_register`."""

    actor: User | None = None  # set by CaseAdmin.get_form for the request

    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"),
        queryset=Agency.objects.none(),
        help_text=gettext_lazy("Agencies where you are a caseworker or supervisor."),
    )
    given_names = forms.CharField(label=gettext_lazy("Given names"), max_length=200, required=False)
    family_names = forms.CharField(label=gettext_lazy("Family names"), max_length=200, required=False)
    aliases = forms.CharField(
        label=gettext_lazy("Aliases"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Other names the child uses, separated by commas."),
    )
    birth_date = forms.DateField(label=gettext_lazy("Date of birth"), required=False, widget=widgets.AdminDateWidget)
    birth_date_basis = forms.ChoiceField(
        label=gettext_lazy("Date of birth is"), choices=Child.BirthDateBasis.choices, initial="unknown"
    )
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=htcds.Sex.choices, initial=htcds.Sex.UNKNOWN)
    nationalities = forms.CharField(
        label=gettext_lazy("Nationalities"),
        required=False,
        help_text=gettext_lazy("ISO 3166 codes separated by commas, e.g. MA, ES."),
    )
    country_of_origin = forms.CharField(
        label=gettext_lazy("Country of origin"), max_length=2, required=False, help_text=gettext_lazy("ISO 3166 code.")
    )
    unaccompanied = forms.BooleanField(label=gettext_lazy("Unaccompanied"), required=False)
    separated = forms.BooleanField(label=gettext_lazy("Separated"), required=False)
    identified_at = forms.SplitDateTimeField(
        label=gettext_lazy("Identified"),
        required=False,
        widget=widgets.AdminSplitDateTime,
        help_text=gettext_lazy("Leave empty for now."),
    )
    protection_needs_text = forms.CharField(
        label=gettext_lazy("What the child needs for protection"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = cast("forms.ModelChoiceField[Agency]", self.fields["agency"])
        if self.actor is not None:
            roles = membership_list_for_user(user=self.actor).filter(role__in=CASE_ROLES)
            agency_field.queryset = Agency.objects.filter(pk__in=roles.values("agency_id"))

    def clean_aliases(self) -> list[str]:
        return [a.strip() for a in str(self.cleaned_data["aliases"]).split(",") if a.strip()]

    def clean_nationalities(self) -> list[str]:
        return [c.strip().upper() for c in str(self.cleaned_data["nationalities"]).split(",") if c.strip()]

    def clean_country_of_origin(self) -> str:
        return str(self.cleaned_data["country_of_origin"]).strip().upper()

    def registration(self) -> dict[str, Any]:
        """Keyword arguments for `case_register`, apart from the actor."""
        data = self.cleaned_data
        case_facts = {name: data[name] for name in DETAIL_FIELDS}
        if data["identified_at"]:
            case_facts["identified_at"] = data["identified_at"]
        if data["protection_needs_text"]:
            case_facts["protection_needs"] = data["protection_needs_text"]
        return {
            "agency": data["agency"],
            "identity": services.ChildIdentity(
                given_names=data["given_names"].strip(),
                family_names=data["family_names"].strip(),
                aliases=tuple(data["aliases"]),
                birth_date=data["birth_date"],
            ),
            "child_facts": {name: data[name] for name in CHILD_FACT_FIELDS},
            "case_facts": case_facts,
        }


class TransitionReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Recorded with the move in the case's history."),
    )


# --- Inlines ------------------------------------------------------------------------------
class _ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """Shown on a case page the user already may see; never written from here."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_case_roles(request))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseTransitionInline(_ReadOnlyInline):
    model = CaseTransition
    verbose_name = gettext_lazy("workflow step")
    verbose_name_plural = gettext_lazy("workflow history")
    fields = ("at", "name", "from_state", "to_state", "actor", "reason")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseTransition]:
        return super().get_queryset(request).select_related("actor")


class DocumentInline(_ReadOnlyInline):
    # File names are sealed and contents are opened only through document_open: neither is shown here.
    model = Document
    fields = ("kind", "size", "uploaded_at")
    readonly_fields = fields


# --- Cases --------------------------------------------------------------------------------
@dataclass
class _Opened:
    identity: services.ChildIdentity | None
    sealed: dict[str, str] = field(default_factory=dict)


class _OutOfScope(Http404):
    """A case id outside the user's scope: answered as a 404, like an id that does not exist."""

    def __init__(self, object_id: str) -> None:
        super().__init__()
        self.object_id = str(object_id)


def _transition_label(name: str, target: str) -> str:
    return f"{name.replace('_', ' ').capitalize()} → {CaseState(target).label}"


@admin.register(Case)
class CaseAdmin(ServiceRefusalsMixin):
    list_display = ("reference", "state", "owning_agency", "team", "assigned_caseworker", "risk_level", "created_at")
    list_filter = ("state", "risk_level")
    # Team.__str__ names its agency: select it too, or each row costs a query.
    list_select_related = ("owning_agency", "team__agency", "assigned_caseworker")
    search_fields = ("reference",)
    show_full_result_count = False
    inlines = (CaseTransitionInline, DocumentInline)
    transition_template = "admin/cases/case/transition_confirmation.html"

    add_fieldsets = (
        (gettext_lazy("Agency"), {"fields": ("agency",)}),
        (
            gettext_lazy("The child"),
            {
                "fields": (
                    ("given_names", "family_names"),
                    "aliases",
                    ("birth_date", "birth_date_basis"),
                    "sex",
                    ("nationalities", "country_of_origin"),
                    ("unaccompanied", "separated"),
                ),
                "description": gettext_lazy("Names and the date of birth are stored sealed with the child's own key."),
            },
        ),
        (
            gettext_lazy("The case"),
            {
                "fields": (
                    "identified_at",
                    "identification_method",
                    "identification_status",
                    "scope",
                    "risk_level",
                    "exploitation_forms",
                    "control_methods",
                    "recruitment_methods",
                    "technology_uses",
                    "relationship_to_trafficker",
                    "police_evidence_reference",
                    ("reflection_period_start", "reflection_period_end"),
                    "protection_needs_text",
                )
            },
        ),
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("reference", "state", "version"),
                    ("owning_agency", "team", "assigned_caseworker"),
                    ("registered_by", "created_at", "identified_at"),
                )
            },
        ),
        (
            gettext_lazy("The child"),
            {
                "fields": ("child", "child_names", "child_aliases", "child_birth_date"),
                "description": gettext_lazy("Sealed values, shown read-only; opening this page is logged."),
            },
        ),
        (
            gettext_lazy("Details"),
            {
                "fields": (
                    "expected_version",
                    "identification_method",
                    "identification_status",
                    "scope",
                    "risk_level",
                    "exploitation_forms",
                    "control_methods",
                    "recruitment_methods",
                    "technology_uses",
                    "relationship_to_trafficker",
                    "police_evidence_reference",
                    ("reflection_period_start", "reflection_period_end"),
                )
            },
        ),
        (
            gettext_lazy("Sealed notes"),
            {
                "fields": (
                    "sealed_protection_needs",
                    "sealed_exploitation_narrative",
                    "sealed_suspects",
                    "sealed_health_notes",
                )
            },
        ),
    )
    readonly_fields = (
        "reference",
        "state",
        "version",
        "owning_agency",
        "team",
        "assigned_caseworker",
        "registered_by",
        "created_at",
        "identified_at",
        "child",
        "child_names",
        "child_aliases",
        "child_birth_date",
        "sealed_protection_needs",
        "sealed_exploitation_narrative",
        "sealed_suspects",
        "sealed_health_notes",
    )

    # Access: case roles, never superuser status or model permissions.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(_case_roles(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_case_roles(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(_case_roles(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_case_roles(request))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return Case.objects.filter(case_visibility(actor=_actor(request)))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Case | None:
        """A case the user may see; any other id is a 404, as on every channel."""
        case: Case | None = super().get_object(request, object_id, from_field)
        if case is None:
            raise _OutOfScope(object_id)
        return case

    def _denied(self, request: HttpRequest, denied: _OutOfScope) -> Http404:
        # Logged once the view's transaction has rolled back, so the record of the attempt stays.
        existing = Case.objects.filter(pk=denied.object_id).first() if denied.object_id.isdigit() else None
        record_access_log(actor=request.user, case=existing, action="view", channel=Channel.ADMIN, allowed=False)
        return Http404()

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _OutOfScope as denied:
            raise self._denied(request, denied) from None

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        try:
            return super().delete_view(request, object_id, extra_context)
        except _OutOfScope as denied:
            raise self._denied(request, denied) from None

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        try:
            return super().history_view(request, object_id, extra_context)
        except _OutOfScope as denied:
            raise self._denied(request, denied) from None

    # Forms
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = type("CaseAddForm", (CaseAddForm,), {"actor": _actor(request)})
        else:
            kwargs["form"] = CaseChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def render_change_form(  # noqa: PLR0917 - Django's signature
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Case | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None:
            # The page shows the child's sealed values: a read of their record.
            record_access_log(actor=request.user, case=obj, action="view", channel=Channel.ADMIN, allowed=True)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def save_model(self, request: HttpRequest, obj: Case, form: Any, change: bool) -> None:
        actor = _actor(request)
        if not change:
            registration = services.case_register(actor=actor, **form.registration())
            obj.pk, obj.reference = registration.case.pk, registration.case.reference
            if registration.possible_duplicates:
                self.message_user(
                    request,
                    _("This child may already be known: %(references)s. Check before going on.")
                    % {"references": ", ".join(c.reference for c in registration.possible_duplicates)},
                    messages.WARNING,
                )
            return
        facts = {name: form.cleaned_data[name] for name in form.changed_data if name in DETAIL_FIELDS}
        if not facts:
            return
        updated = services.case_details_update(
            actor=actor, case=obj, expected_version=form.cleaned_data["expected_version"], facts=facts
        )
        obj.version = updated.version

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing besides the services writes: the inlines are read-only."""

    def construct_change_message(
        self, request: HttpRequest, form: forms.Form, formsets: Any, add: bool = False
    ) -> list[dict[str, dict[str, list[str]]]]:
        # The read-only inlines were never saved, so only the form's fields can have changed.
        return super().construct_change_message(request, form, [], add)

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[InlineModelAdmin]:  # type: ignore[type-arg]
        # A case being registered has no history or documents yet.
        return [] if obj is None else super().get_inline_instances(request, obj)

    # Sealed values, opened once per page
    def _opened(self, obj: Case) -> _Opened:
        opened: _Opened | None = getattr(obj, "_admin_opened", None)
        if opened is None:
            try:
                opened = _Opened(identity=services.child_identity(obj.child), sealed=services.case_sealed_values(obj))
            except KeyUnavailable:
                opened = _Opened(identity=None)
            setattr(obj, "_admin_opened", opened)  # noqa: B010 - cached on this instance only
        return opened

    def _identity_value(self, obj: Case, read: Callable[[services.ChildIdentity], str]) -> str:
        identity = self._opened(obj).identity
        return _("Anonymised") if identity is None else read(identity)

    @admin.display(description=gettext_lazy("names"))
    def child_names(self, obj: Case) -> str:
        return self._identity_value(obj, lambda i: " ".join(n for n in (i.given_names, i.family_names) if n))

    @admin.display(description=gettext_lazy("aliases"))
    def child_aliases(self, obj: Case) -> str:
        return self._identity_value(obj, lambda i: ", ".join(i.aliases))

    @admin.display(description=gettext_lazy("date of birth"))
    def child_birth_date(self, obj: Case) -> str:
        return self._identity_value(obj, lambda i: i.birth_date.isoformat() if i.birth_date else "")

    def _sealed(self, obj: Case, column: str) -> str:
        opened = self._opened(obj)
        return _("Anonymised") if opened.identity is None else opened.sealed.get(column, "")

    @admin.display(description=gettext_lazy("what the child needs for protection"))
    def sealed_protection_needs(self, obj: Case) -> str:
        return self._sealed(obj, "protection_needs")

    @admin.display(description=gettext_lazy("exploitation narrative"))
    def sealed_exploitation_narrative(self, obj: Case) -> str:
        return self._sealed(obj, "exploitation_narrative")

    @admin.display(description=gettext_lazy("suspects' details"))
    def sealed_suspects(self, obj: Case) -> str:
        return self._sealed(obj, "suspects")

    @admin.display(description=gettext_lazy("health"))
    def sealed_health_notes(self, obj: Case) -> str:
        return self._sealed(obj, "health_notes")

    # Workflow moves: one action per transition the state machine declares
    def get_actions(self, request: HttpRequest) -> Any:
        actions: dict[str, Any] = dict(super().get_actions(request))
        if self.actions is None or IS_POPUP_VAR in request.GET or not self.has_change_permission(request):
            return actions
        for name, (_sources, target) in sorted(transitions().items()):
            action_name = f"transition_{name}"
            actions[action_name] = (self._transition_action(name), action_name, _transition_label(name, target))
        return actions

    @staticmethod
    def _transition_action(transition: str) -> Callable[..., HttpResponse | None]:
        def action(modeladmin: "CaseAdmin", request: HttpRequest, queryset: QuerySet[Case]) -> HttpResponse | None:
            return modeladmin.transition_cases(request, queryset, transition)

        action.__name__ = f"transition_{transition}"
        return action

    def transition_cases(self, request: HttpRequest, queryset: QuerySet[Case], transition: str) -> HttpResponse | None:
        """Ask for a reason, then move each selected case through `case_transition`."""
        sources, target = transitions()[transition]
        cases = list(queryset.order_by("reference"))
        form = TransitionReasonForm(request.POST if request.POST.get("confirm") else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Move cases: %(move)s") % {"move": _transition_label(transition, target)},
                "subtitle": None,
                "opts": self.opts,
                "action": f"transition_{transition}",
                "move": _transition_label(transition, target),
                "rows": [{"case": case, "possible": case.state in sources} for case in cases],
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(request, self.transition_template, context)
        actor = _actor(request)
        for case in cases:
            # The version shown on the confirmation page: a move made since then is refused.
            seen = request.POST.get(f"version_{case.pk}", "")
            expected = int(seen) if seen.isdigit() else case.version
            try:
                moved = services.case_transition(
                    actor=actor,
                    case=case,
                    transition=transition,
                    expected_version=expected,
                    reason=form.cleaned_data["reason"],
                )
            except ACTION_REFUSALS as refusal:
                self.message_refusal(request, refusal, about=case.reference)
            else:
                self.message_user(
                    request,
                    _("%(case)s moved to “%(state)s”.") % {"case": moved.reference, "state": moved.get_state_display()},
                    messages.SUCCESS,
                )
        return None


# --- Possible duplicates ------------------------------------------------------------------
def _supervised_agencies(request: HttpRequest) -> QuerySet[Any]:
    user = request.user
    if not (isinstance(user, User) and user.is_active and user.is_staff):
        return Agency.objects.none().values("pk")
    return membership_list_for_user(user=user).filter(role=Role.SUPERVISOR).values("agency_id")


@admin.register(PossibleDuplicateNotice)
class PossibleDuplicateNoticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """What supervisors of an agency were told about a new registration that may match one of their children.

    Read-only: only the supervisors of the agency the notice is addressed to see it.
    """

    list_display = ("existing_case", "new_case_agency", "new_case_reference", "score", "created_at", "resolved_at")
    list_select_related = ("existing_case", "new_case__owning_agency")
    list_filter = ("resolved_at",)
    fields = ("agency", "existing_case", "new_case_agency", "new_case_reference", "score", "created_at", "resolved_at")
    readonly_fields = fields
    actions = None

    def _supervises(self, request: HttpRequest) -> bool:
        return Role.SUPERVISOR in _case_roles(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._supervises(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._supervises(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[PossibleDuplicateNotice]:
        return super().get_queryset(request).filter(agency_id__in=_supervised_agencies(request))

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> PossibleDuplicateNotice | None:
        notice: PossibleDuplicateNotice | None = super().get_object(request, object_id, from_field)
        if notice is None:
            raise Http404
        return notice

    # The other agency's case is named, never linked: it is not this agency's to open.
    @admin.display(description=gettext_lazy("registered by"))
    def new_case_agency(self, obj: PossibleDuplicateNotice) -> str:
        return obj.new_case.owning_agency.name

    @admin.display(description=gettext_lazy("their reference"))
    def new_case_reference(self, obj: PossibleDuplicateNotice) -> str:
        return obj.new_case.reference
