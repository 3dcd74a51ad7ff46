"""Cases in the admin: the same scope and the same services as every other channel.

Who may open it: staff users who hold an active caseworker or supervisor membership.
Superuser status and model permissions add nothing; every list and page is scoped by
`case_visibility`, and a case outside it is a 404. Rule-bearing fields are read-only,
details are saved through `case_details_update`, the team and caseworker through
`case_assign` (supervisors of the owning agency), the child's facts and identity through
`child_facts_update` and `child_identity_update` (with the page's reason for a change of a
fact that gates a rule; the history of those changes and the facts each decision relied on
are read-only inlines); new cases go through `case_register`,
workflow moves are admin actions that call `case_transition`, and anonymising a child is
an action that calls `child_anonymise` once the case reference is typed. Nothing is deleted.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.options import IS_POPUP_VAR, InlineModelAdmin
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.accounts.models import Agency, Membership, Role, Team, User
from apps.accounts.selectors import membership_list_for_user
from apps.audit.models import Channel
from apps.cases import htcds, services
from apps.cases.access import ALL_SECTIONS, Action, cases_for, readable_sections, roles_for
from apps.cases.models import (
    Case,
    CaseState,
    CaseTransition,
    Child,
    Document,
    FactsReliance,
    GatingFact,
    GatingFactChange,
    PossibleDuplicateNotice,
)
from apps.cases.reading import ReadLoggedAdmin, SealedReader, reader_for, visible_records
from apps.cases.referral_actions import CaseReferralActionsMixin
from apps.cases.sections import FIELDS, Section
from apps.cases.selectors import agency_roles
from apps.cases.workflow import transitions
from apps.core.admin import ACTION_REFUSALS, ServiceRefusalsMixin, staff_roles
from apps.core.crypto import KeyUnavailable
from apps.core.dates import BIRTH, CASE_EVENT, PlausibleDate

CASE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)

# The plain details `case_details_update` accepts from the admin. Team and assigned
# caseworker decide who sees the case: they go through `case_assign` instead.
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
ASSIGNMENT_FIELDS = ("team", "assigned_caseworker")
# The child's plain facts (`child_facts_update`) and the sealed identity the forms edit
# (`child_identity_update`; the other sealed values are kept as they are).
CHILD_FACT_FIELDS = (
    "sex",
    "birth_date_basis",
    "nationalities",
    "stateless",
    "languages",
    "country_of_origin",
    "unaccompanied",
    "separated",
    "parents_implicated",
    "parents_conflict_of_interest",
)
IDENTITY_FIELDS = ("given_names", "family_names", "aliases", "birth_date")
NAME_REQUIRED = gettext_lazy("Record at least a first name or an alias, even a provisional one.")

# What each field of the case page shows, by section (the catalogue's, for the page's own
# names): a partner's page keeps only the sections its referral shares. A name not here
# (the timeline link, the edit-only fields) is for those who hold the case.
PAGE_SECTIONS: dict[str, Section] = {
    **FIELDS[Child],
    **FIELDS[Case],
    "child_names": Section.IDENTITY,
    "child_aliases": Section.IDENTITY,
    "child_birth_date": Section.IDENTITY,
    **{f"sealed_{column}": FIELDS[Case][column] for column in services.CASE_SEALED},
    **{f"child_{column}": FIELDS[Child][column] for column in services.CHILD_SEALED},
}
for _edit_only in ("names", "aliases", "birth_date", "protection_needs", "exploitation_narrative", "suspects"):
    PAGE_SECTIONS.pop(_edit_only, None)
PAGE_SECTIONS.pop("health_notes", None)


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _supervises(request: HttpRequest, agency_id: int) -> bool:
    """Whether the user is a supervisor of this agency now; read once per request and agency."""
    cached: dict[int, bool] = getattr(request, "_haven_supervises", None) or {}
    if agency_id not in cached:
        cached[agency_id] = Role.SUPERVISOR in agency_roles(actor=_actor(request), agency_id=agency_id)
        setattr(request, "_haven_supervises", cached)  # noqa: B010 - HttpRequest declares no such attribute
    return cached[agency_id]


# --- Forms --------------------------------------------------------------------------------
def _choices_of(name: str) -> forms.MultipleChoiceField:
    array = cast("ArrayField[Any, Any]", Case._meta.get_field(name))
    return forms.MultipleChoiceField(
        label=str(array.verbose_name).capitalize(),
        choices=array.base_field.choices or (),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CommaSeparatedField(forms.Field):
    """A list of short values typed on one line, separated by commas."""

    widget = forms.TextInput

    def __init__(self, *, upper: bool = False, **kwargs: Any) -> None:
        self.upper = upper
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else value

    def to_python(self, value: Any) -> list[str]:
        items = [item.strip() for item in str(value or "").split(",") if item.strip()]
        return [item.upper() for item in items] if self.upper else items

    def has_changed(self, initial: Any, data: Any) -> bool:
        return list(initial or []) != self.to_python(data)


class CaseDetailsForm(forms.ModelForm):  # type: ignore[type-arg]
    """The plain details of a case; lists of HTCDS values as checkboxes."""

    exploitation_forms = _choices_of("exploitation_forms")
    control_methods = _choices_of("control_methods")
    recruitment_methods = _choices_of("recruitment_methods")
    technology_uses = _choices_of("technology_uses")

    class Meta:
        model = Case
        fields = DETAIL_FIELDS


class CaseAndChildForm(CaseDetailsForm):
    """The case's details with the child's identity (sealed) and plain facts."""

    given_names = forms.CharField(label=gettext_lazy("Given names"), max_length=200, required=False)
    family_names = forms.CharField(label=gettext_lazy("Family names"), max_length=200, required=False)
    aliases = CommaSeparatedField(
        label=gettext_lazy("Aliases"), help_text=gettext_lazy("Other names the child uses, separated by commas.")
    )
    birth_date = forms.DateField(
        label=gettext_lazy("Date of birth"),
        required=False,
        widget=widgets.AdminDateWidget,
        validators=[PlausibleDate(BIRTH, gettext_lazy("birth date"))],  # said early; the service refuses too
    )
    birth_date_basis = forms.ChoiceField(
        label=gettext_lazy("Date of birth is"), choices=Child.BirthDateBasis.choices, initial="unknown"
    )
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=htcds.Sex.choices, initial=htcds.Sex.UNKNOWN)
    nationalities = CommaSeparatedField(
        label=gettext_lazy("Nationalities"),
        upper=True,
        help_text=gettext_lazy("ISO 3166 codes separated by commas, e.g. MA, ES."),
    )
    stateless = forms.BooleanField(label=gettext_lazy("Stateless"), required=False)
    languages = CommaSeparatedField(
        label=gettext_lazy("Languages and dialects"), help_text=gettext_lazy("Separated by commas.")
    )
    country_of_origin = forms.CharField(
        label=gettext_lazy("Country of origin"), max_length=2, required=False, help_text=gettext_lazy("ISO 3166 code.")
    )
    unaccompanied = forms.BooleanField(label=gettext_lazy("Unaccompanied"), required=False)
    separated = forms.BooleanField(label=gettext_lazy("Separated"), required=False)
    parents_implicated = forms.BooleanField(label=gettext_lazy("Parents implicated in the trafficking"), required=False)
    parents_conflict_of_interest = forms.BooleanField(
        label=gettext_lazy("Parents in conflict of interest"), required=False
    )

    def clean_country_of_origin(self) -> str:
        return str(self.cleaned_data["country_of_origin"]).strip().upper()

    def child_facts(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CHILD_FACT_FIELDS}

    def identity(self, based_on: services.ChildIdentity | None = None) -> services.ChildIdentity:
        """The identity typed in; any sealed value the form does not show is kept from `based_on`."""
        data = self.cleaned_data
        typed = {
            "given_names": data["given_names"].strip(),
            "family_names": data["family_names"].strip(),
            "aliases": tuple(data["aliases"]),
            "birth_date": data["birth_date"],
        }
        return services.ChildIdentity(**typed) if based_on is None else dataclasses.replace(based_on, **typed)


class CaseChangeForm(CaseAndChildForm):
    # The version the form was opened with: the service refuses the save if it moved on.
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    gating_fact_reason = forms.CharField(
        label=gettext_lazy("Reason for changing a fact that gates a rule"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Needed when unaccompanied, separated, parents implicated or in conflict of interest, the date of "
            "birth or its basis change; kept in the child's history. A change that lifts a protection is a "
            "supervisor's."
        ),
    )

    # Set by CaseAdmin.get_form: the child's identity as it is now, None once anonymised.
    opened_identity: services.ChildIdentity | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case: Case = self.instance
        self.initial["expected_version"] = case.version
        self.initial.update({name: getattr(case.child, name) for name in CHILD_FACT_FIELDS})
        # Changed means changed on this page: compared with the values it was opened with, so
        # a save leaves alone what someone else changed in the meantime and this user did not.
        for name in (*CHILD_FACT_FIELDS, *IDENTITY_FIELDS):
            self.fields[name].show_hidden_initial = True
        identity = self.opened_identity
        if identity is None:
            # Anonymised: nothing left to show or to replace.
            for name in IDENTITY_FIELDS:
                del self.fields[name]
        else:
            self.initial.update(
                given_names=identity.given_names,
                family_names=identity.family_names,
                aliases=list(identity.aliases),
                birth_date=identity.birth_date,
            )
        # Only the owning agency's teams and caseworkers (and whoever holds the case now).
        if "team" in self.fields:
            team = cast("forms.ModelChoiceField[Team]", self.fields["team"])
            team.queryset = Team.objects.filter(agency_id=case.owning_agency_id).select_related("agency")
        if "assigned_caseworker" in self.fields:
            caseworkers = Membership.objects.active().filter(agency_id=case.owning_agency_id, role=Role.CASEWORKER)
            caseworker = cast("forms.ModelChoiceField[User]", self.fields["assigned_caseworker"])
            caseworker.queryset = User.objects.filter(
                Q(pk__in=caseworkers.values("user_id")) | Q(pk=case.assigned_caseworker_id)
            ).order_by("full_name", "email")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        identity_changed = any(name in self.changed_data for name in IDENTITY_FIELDS if name in self.fields)
        if identity_changed and not str(cleaned.get("given_names", "")).strip() and not cleaned.get("aliases"):
            self.add_error("given_names", str(NAME_REQUIRED))
        return cleaned


class CaseAddForm(CaseAndChildForm):
    """Registering a child and their case; every value goes to `case_register`."""

    actor: User | None = None  # set by CaseAdmin.get_form for the request

    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"),
        queryset=Agency.objects.none(),
        help_text=gettext_lazy("Agencies where you are a caseworker or supervisor."),
    )
    identified_at = forms.SplitDateTimeField(
        label=gettext_lazy("Identified"),
        required=False,
        widget=widgets.AdminSplitDateTime,
        help_text=gettext_lazy("Leave empty for now."),
        validators=[PlausibleDate(CASE_EVENT, gettext_lazy("identification date"))],
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
            "identity": self.identity(),
            "child_facts": self.child_facts(),
            "case_facts": case_facts,
        }


class TransitionReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Recorded with the move in the case's history."),
    )
    waiver_reason = forms.CharField(
        label=gettext_lazy("Supervisor's reason to move although a criterion is unmet"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Supervisors only, and only where a criterion allows it (closure before every follow-up is done, say)."
        ),
    )


class AnonymiseConfirmationForm(forms.Form):
    """Typing the case's reference: anonymising cannot be undone."""

    reference = forms.CharField(
        label=gettext_lazy("Case reference"),
        max_length=32,
        help_text=gettext_lazy("Type the reference of the case to confirm."),
    )

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_reference(self) -> str:
        typed = str(self.cleaned_data["reference"]).strip()
        if typed != self.expected:
            raise ValidationError(_("This is not the reference of the selected case."))
        return typed


# --- Inlines ------------------------------------------------------------------------------
class _ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """Shown on a case page the user already may see; never written from here."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(roles_for(Action.READ, staff_roles(request)))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # A partner sees the rows of the sections its referral shares (documents by kind).
        return visible_records(super().get_queryset(request), actor=request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _page_reader(case: Case) -> SealedReader:
    """The reader of this case page: the case's values and its history's reasons are one logged read."""
    reader: SealedReader | None = getattr(case, "_admin_page_reader", None)
    if reader is None:
        reader = reader_for(actor=getattr(case, "_admin_reader", None), channel=Channel.ADMIN)
        setattr(case, "_admin_page_reader", reader)  # noqa: B010 - cached on this instance only
    return reader


class _CaseHistoryInline(_ReadOnlyInline):
    """A history whose reasons are sealed: opened with the case page's own reader."""

    _case: Case | None = None  # the case of the page (inline instances are made per request)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        self._case = obj
        return super().get_formset(request, obj, **kwargs)

    def opened(self, record: Any, column: str) -> str:
        case = self._case
        if case is None:
            return ""
        text = _page_reader(case).text(record, column, case=case)
        return _("Anonymised") if text is None else text


class CaseTransitionInline(_CaseHistoryInline):
    model = CaseTransition
    verbose_name = gettext_lazy("workflow step")
    verbose_name_plural = gettext_lazy("workflow history")
    fields = ("at", "name", "from_state", "to_state", "actor", "opened_reason", "opened_waiver_reason")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseTransition]:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=gettext_lazy("reason"))
    def opened_reason(self, obj: CaseTransition) -> str:
        return self.opened(obj, "reason")

    @admin.display(description=gettext_lazy("supervisor's waiver"))
    def opened_waiver_reason(self, obj: CaseTransition) -> str:
        return self.opened(obj, "waiver_reason")


class GatingFactChangeInline(_CaseHistoryInline):
    """Changes of the facts that gate a rule, made through this case: what, why, who approved."""

    model = GatingFactChange
    fk_name = "case"
    verbose_name = gettext_lazy("change of a fact that gates a rule")
    verbose_name_plural = gettext_lazy("history of the facts that gate a rule")
    fields = ("at", "fact", "subject", "change", "rule", "lifts_protection", "approved_by", "actor", "opened_reason")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[GatingFactChange]:
        return super().get_queryset(request).select_related("actor", "approved_by")

    @admin.display(description=gettext_lazy("reason"))
    def opened_reason(self, obj: GatingFactChange) -> str:
        return self.opened(obj, "reason")

    @admin.display(description=gettext_lazy("change"))
    def change(self, obj: GatingFactChange) -> str:
        if obj.fact == GatingFact.BIRTH_DATE:
            # Sealed like the child's own date; the page shows the date as it is now.
            return _("earlier date (older)") if obj.lifts_protection else _("later or no date (younger)")
        return f"{_display(obj.before)} → {_display(obj.after)}"


class FactsRelianceInline(_ReadOnlyInline):
    """Which facts each decision on this case relied on, and the latest change before it."""

    model = FactsReliance
    verbose_name = gettext_lazy("facts a decision relied on")
    verbose_name_plural = gettext_lazy("facts the decisions relied on")
    fields = ("at", "decision_label", "relied_on", "last_change", "actor")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[FactsReliance]:
        return super().get_queryset(request).select_related("actor", "last_change")

    @admin.display(description=gettext_lazy("facts relied on"))
    def relied_on(self, obj: FactsReliance) -> str:
        labels = {choice.value: str(choice.label) for choice in GatingFact}
        return "; ".join(f"{labels.get(name, name)}: {_display(value)}" for name, value in sorted(obj.facts.items()))


def _display(value: Any) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return _("none") if value in (None, "") else str(value)


class DocumentInline(_ReadOnlyInline):
    # File names are sealed and contents are opened only through document_open: neither is shown here.
    model = Document
    fields = ("kind", "size", "uploaded_at")
    readonly_fields = fields


# --- Cases --------------------------------------------------------------------------------
@dataclass
class _Opened:
    identity: services.ChildIdentity | None  # None: anonymised, or not shared with this reader
    sealed: dict[str, str] = field(default_factory=dict)
    anonymised: bool = False


def _transition_label(name: str, target: str) -> str:
    return f"{name.replace('_', ' ').capitalize()} → {CaseState(target).label}"


@admin.register(Case)
class CaseAdmin(CaseReferralActionsMixin, ServiceRefusalsMixin, ReadLoggedAdmin):
    list_display = ("reference", "state", "owning_agency", "team", "assigned_caseworker", "risk_level", "created_at")
    list_filter = ("state", "risk_level")
    # Team.__str__ names its agency: select it too, or each row costs a query.
    list_select_related = ("owning_agency", "team__agency", "assigned_caseworker")
    search_fields = ("reference",)
    show_full_result_count = False
    inlines = (CaseTransitionInline, GatingFactChangeInline, FactsRelianceInline, DocumentInline)
    transition_template = "admin/cases/case/transition_confirmation.html"

    anonymise_template = "admin/cases/case/anonymise_confirmation.html"
    actions = ("anonymise_child", "transfer_case", "ask_for_guardian")

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
                    ("stateless", "languages"),
                    ("unaccompanied", "separated"),
                    ("parents_implicated", "parents_conflict_of_interest"),
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
                    ("owning_agency", "case_timeline"),
                    ("registered_by", "created_at", "identified_at"),
                )
            },
        ),
        (
            gettext_lazy("Assignment"),
            {
                "fields": (("team", "assigned_caseworker"),),
                "description": gettext_lazy(
                    "Who holds the case decides who sees it: only a supervisor of the owning agency changes it, "
                    "to one of that agency's teams and caseworkers."
                ),
            },
        ),
        (
            gettext_lazy("The child"),
            {
                "fields": ("child", ("given_names", "family_names"), "aliases", ("birth_date", "birth_date_basis")),
                "description": gettext_lazy(
                    "Names and the date of birth are sealed with the child's own key; opening this page is logged."
                ),
            },
        ),
        (
            gettext_lazy("About the child"),
            {
                "fields": (
                    "sex",
                    ("nationalities", "country_of_origin"),
                    ("stateless", "languages"),
                    ("unaccompanied", "separated"),
                    ("parents_implicated", "parents_conflict_of_interest"),
                    "gating_fact_reason",
                )
            },
        ),
        (
            gettext_lazy("The child's sealed details"),
            {
                "fields": (
                    "child_gender_identity",
                    ("child_contacts", "child_address"),
                    "child_disabilities",
                    "child_family_situation",
                ),
                "description": gettext_lazy("Recorded at registration; sealed with the child's own key."),
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
    # Once the child is anonymised their names and date of birth are gone for good.
    anonymised_child_fields = ("child", "child_names", "child_aliases", ("child_birth_date", "birth_date_basis"))
    readonly_fields = (
        "case_timeline",
        "file_history",
        "reference",
        "state",
        "version",
        "owning_agency",
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
        *(f"child_{column}" for column in sorted(services.CHILD_SEALED)),
    )

    # Access: case roles, never superuser status or model permissions. A partner agency's
    # staff read the cases referred to them, the shared sections only, and change nothing.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(roles_for(Action.READ, staff_roles(request)))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(roles_for(Action.READ, staff_roles(request)))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(roles_for(Action.WORK, staff_roles(request)))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self._sections(request, obj) != ALL_SECTIONS:
            return False
        return bool(roles_for(Action.WORK, staff_roles(request)))

    def _sections(self, request: HttpRequest, obj: Case) -> frozenset[Section]:
        """The sections of this case the user reads (all, for those who hold it); once per page."""
        found: frozenset[Section] | None = getattr(obj, "_admin_sections", None)
        if found is None:
            found = readable_sections(_actor(request), obj)
            setattr(obj, "_admin_sections", found)  # noqa: B010 - cached on this instance only
        return found

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return cases_for(_actor(request), Action.READ)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Case | None:
        """A case the user may see, its read logged; any other id is a logged 404 (ReadLoggedAdmin)."""
        case: Case = super().get_object(request, object_id, from_field)
        setattr(case, "_admin_reader", _actor(request))  # noqa: B010 - whose read opening the sealed values is
        return case

    # Forms
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        sections = self._sections(request, obj)
        if sections != ALL_SECTIONS:
            return self._shared_fieldsets(sections)
        if _supervises(request, obj.owning_agency_id):
            # Who has seen and changed this file: the supervisors' page (apps/history).
            first, *rest = self.fieldsets
            name, options = first
            fieldsets: Any = ((name, {**options, "fields": (*options["fields"], "file_history")}), *rest)
        else:
            fieldsets = self.fieldsets
        if not self._opened(obj).anonymised:
            return fieldsets
        return tuple(
            (name, {**options, "fields": self.anonymised_child_fields})
            if "child" in options["fields"]
            else (name, options)
            for name, options in fieldsets
        )

    def _shared_fieldsets(self, sections: frozenset[Section]) -> Any:
        """The page's fields of the sections a partner reads, shown as they are (never the forms'
        edit fields), a fieldset left out when none of its fields is shared."""
        kept_sets = []
        for name, options in self.fieldsets:
            entries: Any = self.anonymised_child_fields if "child" in options["fields"] else options["fields"]
            kept: list[Any] = []
            for entry in entries:
                group = entry if isinstance(entry, tuple) else (entry,)
                shown = tuple(f for f in group if f in PAGE_SECTIONS and PAGE_SECTIONS[f] in sections)
                if shown:
                    kept.append(shown if len(shown) > 1 else shown[0])
            if kept:
                kept_sets.append((name, {**options, "fields": tuple(kept)}))
        return tuple(kept_sets)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        if self._sections(request, obj) != ALL_SECTIONS:
            return tuple(PAGE_SECTIONS)
        if self._may_assign(request, obj):
            return self.readonly_fields
        return (*self.readonly_fields, *ASSIGNMENT_FIELDS)

    def _may_assign(self, request: HttpRequest, obj: Case) -> bool:
        # The form offers what `case_assign` accepts; the service decides again on saving.
        return _supervises(request, obj.owning_agency_id)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = type("CaseAddForm", (CaseAddForm,), {"actor": _actor(request)})
        else:
            identity = self._opened(obj).identity
            kwargs["form"] = type("CaseChangeForm", (CaseChangeForm,), {"opened_identity": identity})
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
        # Loading the case logged its read (get_object), opened values or not (an anonymised child).
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
        # One transaction (the admin's): a refusal by any of these services writes nothing at all.
        data, changed = form.cleaned_data, set(form.changed_data)
        version = data["expected_version"]
        facts = {name: data[name] for name in DETAIL_FIELDS if name in changed}
        if facts:
            version = services.case_details_update(actor=actor, case=obj, expected_version=version, facts=facts).version
        if changed & set(ASSIGNMENT_FIELDS) and set(ASSIGNMENT_FIELDS) <= set(form.fields):
            version = services.case_assign(
                actor=actor,
                case=obj,
                expected_version=version,
                team=data["team"],
                caseworker=data["assigned_caseworker"],
            ).version
        obj.version = version
        reason = data.get("gating_fact_reason", "")
        child_facts = {name: value for name, value in form.child_facts().items() if name in changed}
        if child_facts:
            services.child_facts_update(actor=actor, case=obj, facts=child_facts, reason=reason)
        if form.opened_identity is not None and changed & set(IDENTITY_FIELDS):
            services.child_identity_update(
                actor=actor, case=obj, identity=form.identity(based_on=form.opened_identity), reason=reason
            )

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

    # Sealed values, opened once per page: one logged read ("view") by the user who loaded the case.
    def _opened(self, obj: Case) -> _Opened:
        opened: _Opened | None = getattr(obj, "_admin_opened", None)
        if opened is None:
            try:
                record = services.case_record_open(
                    actor=obj._admin_reader,  # type: ignore[attr-defined]
                    case=obj,
                    channel=Channel.ADMIN,
                    reader=_page_reader(obj),
                    sections=getattr(obj, "_admin_sections", None) or readable_sections(obj._admin_reader, obj),  # type: ignore[attr-defined]
                )
                opened = _Opened(identity=record.identity, sealed=record.sealed)
            except KeyUnavailable:
                opened = _Opened(identity=None, anonymised=True)
            setattr(obj, "_admin_opened", opened)  # noqa: B010 - cached on this instance only
        return opened

    def _identity_value(self, obj: Case, read: Callable[[services.ChildIdentity], str]) -> str:
        opened = self._opened(obj)
        if opened.anonymised:
            return _("Anonymised")
        return "" if opened.identity is None else read(opened.identity)

    @admin.display(description=gettext_lazy("timeline"))
    def case_timeline(self, obj: Case) -> str:
        from apps.casework.admin import timeline_link  # the casework app's page for this case

        return timeline_link(obj)

    @admin.display(description=gettext_lazy("file history"))
    def file_history(self, obj: Case) -> str:
        url = reverse("admin:history_change_case", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Who has seen and changed this file"))

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
        return _("Anonymised") if opened.anonymised else opened.sealed.get(column, "")

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

    @admin.display(description=gettext_lazy("gender identity"))
    def child_gender_identity(self, obj: Case) -> str:
        return self._sealed(obj, "gender_identity")

    @admin.display(description=gettext_lazy("contacts"))
    def child_contacts(self, obj: Case) -> str:
        return self._sealed(obj, "contacts")

    @admin.display(description=gettext_lazy("address"))
    def child_address(self, obj: Case) -> str:
        return self._sealed(obj, "address")

    @admin.display(description=gettext_lazy("disabilities and support needs"))
    def child_disabilities(self, obj: Case) -> str:
        return self._sealed(obj, "disabilities")

    @admin.display(description=gettext_lazy("family and contacts"))
    def child_family_situation(self, obj: Case) -> str:
        return self._sealed(obj, "family_situation")

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
                    waiver_reason=form.cleaned_data["waiver_reason"],
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

    # Anonymising: one case at a time, confirmed by typing its reference
    @admin.action(description=gettext_lazy("Anonymise the child (cannot be undone)"))
    def anonymise_child(self, request: HttpRequest, queryset: QuerySet[Case]) -> HttpResponse | None:
        """Destroy the child's data key through `child_anonymise`, once the user typed the case reference."""
        cases = list(queryset.select_related("child", "owning_agency")[:2])
        if len(cases) != 1:
            self.message_user(
                request, _("Select exactly one case to anonymise its child: it cannot be undone."), messages.WARNING
            )
            return None
        [case] = cases
        if case.child.anonymised_at is not None:
            self.message_user(
                request, _("The child of %(case)s is already anonymised.") % {"case": case.reference}, messages.INFO
            )
            return None
        form = AnonymiseConfirmationForm(request.POST if request.POST.get("confirm") else None, expected=case.reference)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Anonymise the child of %(case)s") % {"case": case.reference},
                "subtitle": None,
                "opts": self.opts,
                "action": "anonymise_child",
                "case": case,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(request, self.anonymise_template, context)
        try:
            services.child_anonymise(actor=_actor(request), child=case.child)
        except ACTION_REFUSALS as refusal:
            self.message_refusal(request, refusal, about=case.reference)
            return None
        self.message_user(
            request,
            _("The child of %(case)s is anonymised: their names, contacts, notes and documents can no longer be read.")
            % {"case": case.reference},
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
class PossibleDuplicateNoticeAdmin(ServiceRefusalsMixin, ReadLoggedAdmin):
    """What supervisors of an agency were told about a new registration that may match one of their children.

    Only the supervisors of the agency the notice is addressed to see it; nothing is edited
    here, and "Mark as dealt with" goes through `duplicate_notice_resolve`.
    """

    list_display = ("existing_case", "new_case_agency", "new_case_reference", "score", "created_at", "resolved_at")
    list_select_related = ("existing_case", "new_case__owning_agency")
    list_filter = ("resolved_at",)
    fields = ("agency", "existing_case", "new_case_agency", "new_case_reference", "score", "created_at", "resolved_at")
    readonly_fields = fields
    actions = ("mark_dealt_with",)

    def _supervises(self, request: HttpRequest) -> bool:
        return bool(roles_for(Action.SUPERVISE, staff_roles(request)))

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

    @admin.action(description=gettext_lazy("Mark as dealt with"))
    def mark_dealt_with(self, request: HttpRequest, queryset: QuerySet[PossibleDuplicateNotice]) -> None:
        actor = _actor(request)
        resolved = 0
        for notice in queryset.filter(resolved_at__isnull=True).select_related("existing_case"):
            try:
                services.duplicate_notice_resolve(actor=actor, notice=notice)
            except Http404:
                # No longer a supervisor of the agency told: not theirs to deal with.
                self.message_user(
                    request,
                    _("%(case)s: only a supervisor of the agency told may deal with this notice.")
                    % {"case": notice.existing_case.reference},
                    messages.ERROR,
                )
            except ACTION_REFUSALS as refusal:
                self.message_refusal(request, refusal, about=notice.existing_case.reference)
            else:
                resolved += 1
        if resolved:
            self.message_user(
                request,
                ngettext("%(count)d notice marked as dealt with.", "%(count)d notices marked as dealt with.", resolved)
                % {"count": resolved},
                messages.SUCCESS,
            )
