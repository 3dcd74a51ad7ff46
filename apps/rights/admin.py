"""Status and rights in the admin: the same scope and the same services as every other channel.

Staff users with an active caseworker or supervisor membership record; a guardian (staff, with
an active guardian membership) reads their wards' records and records nothing. Superuser
status and model permissions add nothing. Lists are scoped by the case visibility condition
and a record outside it is a 404. Records are added through the services and never edited in
place nor deleted; what follows them (a claim's decision, an extension, a renewal, a stage, a
measure's decision) is an action that calls its service. Refusals — GUARDIAN_REQUIRED for a
police or immigration interview included — are shown on the form with their code.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Agency, Role, User
from apps.cases import htcds
from apps.cases.access import Action, cases_for
from apps.cases.models import Case
from apps.cases.reading import ReadLoggedAdmin, current_reader
from apps.core.admin import ACTION_REFUSALS, ACTION_TEMPLATE, ServiceRefusalsMixin, refusal_messages, staff_roles
from apps.rights import selectors, services
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
    ProtectionClaimStatusChange,
    ReflectionPeriodChange,
    RepresentativeKind,
    ResidencePermit,
    SpecialMeasure,
    SpecialMeasureRequest,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

CASE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)
READ_ROLES = (*CASE_ROLES, Role.GUARDIAN)
Label: TypeAlias = "str | _StrPromise"


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _roles(request: HttpRequest) -> set[str]:
    """The roles the staff user holds now, among those that use this screen; read once per request."""
    return set(staff_roles(request) & set(READ_ROLES))


def _became(obj: models.Model, created: models.Model) -> None:
    for field in created._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False


def _date(label: Label, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=widgets.AdminDateWidget)


def _text(label: Label, *, required: bool = False, help_text: Label = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text
    )


def _line(label: Label, *, required: bool = False, help_text: Label = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=200, required=required, help_text=help_text)


def _agencies(label: Label) -> "forms.ModelChoiceField[Agency]":
    return forms.ModelChoiceField(label=label, queryset=Agency.objects.filter(is_active=True), required=False)


SEALED_HELP = gettext_lazy("Stored sealed with the child's own key.")


# --- Forms --------------------------------------------------------------------------------
class ServiceForm(forms.ModelForm):  # type: ignore[type-arg]
    """The arguments of one service call; the service validates them and writes."""

    actor: User | None = None  # set per request by RightsAdmin.get_form

    def _post_clean(self) -> None:
        pass

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class CaseForm(ServiceForm):
    case = forms.ModelChoiceField(label=gettext_lazy("Case"), queryset=Case.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            offered = cases_for(self.actor, Action.WORK).order_by("reference")
            cast("forms.ModelChoiceField[Case]", self.fields["case"]).queryset = offered


class ProceedingForm(ServiceForm):
    proceeding = forms.ModelChoiceField(label=gettext_lazy("Proceedings"), queryset=CriminalProceeding.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            works_on = cases_for(self.actor, Action.WORK)
            own = selectors.criminal_proceeding_list(actor=self.actor).filter(case__in=works_on)
            cast("forms.ModelChoiceField[CriminalProceeding]", self.fields["proceeding"]).queryset = own


class IdentificationChangeForm(CaseForm):
    to_status = forms.ChoiceField(label=gettext_lazy("New status"), choices=htcds.IdentificationStatus.choices)
    decided_on = _date(gettext_lazy("Decided on"), required=False)
    authority = _agencies(gettext_lazy("Competent authority"))
    authority_name = _line(gettext_lazy("Competent authority, when not an agency here"))
    authority_reference = _line(gettext_lazy("Authority's reference"))
    note_text = _text(
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
    starts_on = _date(gettext_lazy("From"), required=False)
    ends_on = _date(gettext_lazy("Until"))
    reason_text = _text(
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
    issued_on = _date(gettext_lazy("Issued"))
    expires_on = _date(gettext_lazy("Expires"), required=False)
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
            cast("forms.ModelChoiceField[ResidencePermit]", self.fields["renews"]).queryset = renewable

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["number"] = data.pop("number_text")
        return data


class ProtectionClaimForm(CaseForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ClaimKind.choices)
    lodged_on = _date(gettext_lazy("Lodged"))
    authority = _line(gettext_lazy("Authority"), required=True)
    authority_reference = _line(gettext_lazy("Authority's reference"))

    class Meta:
        model = ProtectionClaim
        fields = ()


class NonRefoulementFindingForm(CaseForm):
    found_on = _date(gettext_lazy("Found on"))
    source_kind = forms.ChoiceField(label=gettext_lazy("Found by"), choices=FindingSource.choices)
    source = _line(gettext_lazy("Authority or court"), required=True)
    reference = _line(gettext_lazy("Decision reference"))
    summary_text = _text(gettext_lazy("Summary"), help_text=SEALED_HELP)

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
    stage_since = _date(gettext_lazy("Stage since"), required=False)

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
    urgent_reason_text = _text(gettext_lazy("Urgent because"), help_text=SEALED_HELP)

    class Meta:
        model = ProceedingInterview
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["place"], data["urgent_reason"] = data.pop("place_text"), data.pop("urgent_reason_text")
        return data


class SpecialMeasureRequestForm(ProceedingForm):
    measure = forms.ChoiceField(label=gettext_lazy("Measure"), choices=SpecialMeasure.choices)
    requested_on = _date(gettext_lazy("Requested"))

    class Meta:
        model = SpecialMeasureRequest
        fields = ()


class RepresentativeForm(ProceedingForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RepresentativeKind.choices)
    name = _line(gettext_lazy("Name"), required=True)
    organisation = _agencies(gettext_lazy("Organisation"))
    legal_aid = forms.BooleanField(label=gettext_lazy("Free legal aid"), required=False)
    starts_on = _date(gettext_lazy("From"))

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
    status_since = _date(gettext_lazy("Status since"), required=False)

    class Meta:
        model = CompensationClaim
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            works_on = cases_for(self.actor, Action.WORK)
            own = selectors.criminal_proceeding_list(actor=self.actor).filter(case__in=works_on)
            cast("forms.ModelChoiceField[CriminalProceeding]", self.fields["proceeding"]).queryset = own

    def arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["respondent"] = data.pop("respondent_text")
        return data


class OnDateForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("On"), widget=widgets.AdminDateWidget)


def _refused_on(form: forms.Form, refusal: Exception) -> None:
    """A service's refusal as the form's errors: on the field it names, else on the form (with the rule's code)."""
    if isinstance(refusal, ValidationError) and hasattr(refusal, "error_dict"):
        for name, errors in refusal.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields and name != NON_FIELD_ERRORS else None, message)
        return
    for message in refusal_messages(refusal):
        form.add_error(None, message)


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


# --- The admins ---------------------------------------------------------------------------
class RightsAdmin(ServiceRefusalsMixin, ReadLoggedAdmin):
    """Scoped by case visibility; added through a service; never changed in place or deleted."""

    add_form: ClassVar[type[ServiceForm]]
    add_fields: ClassVar[tuple[str, ...]]
    record: ClassVar[Callable[..., Any]]
    sealed: ClassVar[tuple[str, ...]] = ()
    show_full_result_count = False

    def scope(self, actor: User) -> QuerySet[Any]:
        nothing: QuerySet[Any] = self.model._default_manager.none()
        return nothing

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(_roles(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_roles(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(_roles(request) & set(CASE_ROLES))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # records are facts; what follows them is an action through a service

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # A guardian reads; the actions record.
        return super().get_actions(request) if _roles(request) & set(CASE_ROLES) else {}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scope(_actor(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404  # out of scope answers like a record that does not exist
        return found

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return ((None, {"fields": self.add_fields}),) if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = type(self.add_form.__name__, (self.add_form,), {"actor": _actor(request)})
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        created = type(self).record(actor=_actor(request), **form.arguments())
        _became(obj, created)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing besides the service writes."""

    def case_of(self, obj: Any) -> Case:
        return cast("Case", obj.case)

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
            current_reader().note(self.case_of(obj))  # the page is a read of the case
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def opened(self, obj: Any, column: str) -> str:
        reader = current_reader()
        value = selectors.sealed_text(obj, column, case=self.case_of(obj), actor=reader.actor, channel=reader.channel)
        return _("Anonymised") if value is None else value

    def confirm_then(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        *,
        action: str,
        title: str,
        form_class: type[forms.Form],
        apply: Callable[[Any, dict[str, Any]], str],
    ) -> HttpResponse | None:
        """Ask for the form's values, then apply them to each selected record through a service.

        For one record, what the service refuses is shown on the form again (a reason to give,
        a supervisor needed), so that the user can correct it; for several, one message each."""
        records = list(queryset)
        form = form_class(request.POST if request.POST.get("confirm") else None)

        def ask() -> HttpResponse:
            context = {
                **self.admin_site.each_context(request), "title": title, "subtitle": None, "opts": self.opts,
                "action": action, "records": records, "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, "media": self.media,
            }  # fmt: skip
            return TemplateResponse(request, ACTION_TEMPLATE, context)

        if not form.is_valid():
            return ask()
        for record in records:
            try:
                done = apply(record, form.cleaned_data)
            except ACTION_REFUSALS as refusal:
                if len(records) == 1 and not isinstance(refusal, PermissionDenied):
                    _refused_on(form, refusal)
                    return ask()
                self.message_refusal(request, refusal, about=str(record))
            else:
                self.message_user(request, done, messages.SUCCESS)
        return None


@admin.register(IdentificationChange)
class IdentificationChangeAdmin(RightsAdmin):
    add_form = IdentificationChangeForm
    record = services.identification_status_change
    sealed = ("note",)
    add_fields = ("case", "to_status", "decided_on", "authority", "authority_name", "authority_reference",
                  "note_text")  # fmt: skip
    list_display = ("case", "from_status", "to_status", "decided_on", "authority_label", "authority_reference")
    list_filter = ("to_status",)
    list_select_related = ("case", "authority")
    search_fields = ("case__reference",)
    fields = ("case", "from_status", "to_status", "decided_on", "authority", "authority_name", "authority_reference",
              "opened_note", "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[IdentificationChange]:
        return selectors.identification_change_list(actor=actor).select_related("case__child")

    @admin.display(description=gettext_lazy("note"))
    def opened_note(self, obj: IdentificationChange) -> str:
        return self.opened(obj, "note")


@admin.register(ReflectionPeriodChange)
class ReflectionPeriodChangeAdmin(RightsAdmin):
    """Adding grants the period; for a case that has one, it extends it or ends it early."""

    add_form = ReflectionPeriodForm
    sealed = ("reason",)
    add_fields = ("case", "starts_on", "ends_on", "reason_text")
    list_display = ("case", "kind", "starts_on", "ends_on", "previous_end", "recorded_at")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    fields = ("case", "kind", "starts_on", "ends_on", "previous_end", "opened_reason", "recorded_by", "recorded_at")
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[ReflectionPeriodChange]:
        return selectors.reflection_period_change_list(actor=actor).select_related("case__child")

    @admin.display(description=gettext_lazy("reason"))
    def opened_reason(self, obj: ReflectionPeriodChange) -> str:
        return self.opened(obj, "reason")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        case: Case = data["case"]
        if case.reflection_period_start is None:
            created = services.reflection_period_grant(
                actor=_actor(request), case=case, starts_on=data["starts_on"] or data["ends_on"],
                ends_on=data["ends_on"], reason=data["reason_text"],
            )  # fmt: skip
        else:
            created = services.reflection_period_change(
                actor=_actor(request), case=case, ends_on=data["ends_on"], reason=data["reason_text"]
            )
        _became(obj, created)


@admin.register(ResidencePermit)
class ResidencePermitAdmin(RightsAdmin):
    add_form = ResidencePermitForm
    record = services.residence_permit_record
    sealed = ("number",)
    add_fields = ("case", "kind", "number_text", "issued_by", "issued_on", "expires_on", "renews")
    list_display = ("case", "kind", "issued_on", "expires_on", "renewal_applied_on", "renewed_by")
    list_filter = ("kind",)
    list_select_related = ("case", "renewed_by")
    search_fields = ("case__reference",)
    actions = ("renewal_applied",)
    fields = ("case", "kind", "opened_number", "issued_by", "issued_on", "expires_on", "renewal_applied_on",
              "renewed_by", "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[ResidencePermit]:
        return selectors.residence_permit_list(actor=actor).select_related("renewed_by", "case__child")

    @admin.display(description=gettext_lazy("permit number"))
    def opened_number(self, obj: ResidencePermit) -> str:
        return self.opened(obj, "number")

    @admin.action(description=gettext_lazy("Record that renewal was applied for"))
    def renewal_applied(self, request: HttpRequest, queryset: QuerySet[ResidencePermit]) -> HttpResponse | None:
        actor = _actor(request)

        def apply(permit: ResidencePermit, data: dict[str, Any]) -> str:
            services.residence_permit_renewal_apply(actor=actor, permit=permit, applied_on=data["on"])
            return _("%(permit)s: renewal applied for.") % {"permit": permit}

        return self.confirm_then(request, queryset, action="renewal_applied", title=_("Renewal applied for"),
                                 form_class=OnDateForm, apply=apply)  # fmt: skip


@admin.register(ProtectionClaim)
class ProtectionClaimAdmin(RightsAdmin):
    add_form = ProtectionClaimForm
    record = services.protection_claim_lodge
    add_fields = ("case", "kind", "lodged_on", "authority", "authority_reference")
    list_display = ("case", "kind", "lodged_on", "authority", "status", "status_since")
    list_filter = ("kind", "status")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("change_status",)
    fields = ("case", "kind", "lodged_on", "authority", "authority_reference", "status", "status_since", "history",
              "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[ProtectionClaim]:
        return selectors.protection_claim_list(actor=actor).select_related("case__child")

    @admin.display(description=gettext_lazy("history"))
    def history(self, obj: ProtectionClaim) -> str:
        reader = current_reader()

        def note(change: ProtectionClaimStatusChange) -> str:
            text = selectors.sealed_text(change, "note", case=obj.case, actor=reader.actor, channel=reader.channel)
            return _("Anonymised") if text is None else text

        return "; ".join(
            f"{c.on}: {c.get_status_display()}"
            + (f" ({_('appeal until')} {c.appeal_until})" if c.appeal_until else "")
            + (f" — {note(c)}" if c.note is not None else "")
            for c in obj.status_changes.all()
        )

    @admin.action(description=gettext_lazy("Record a decision or step"))
    def change_status(self, request: HttpRequest, queryset: QuerySet[ProtectionClaim]) -> HttpResponse | None:
        actor = _actor(request)

        def apply(claim: ProtectionClaim, data: dict[str, Any]) -> str:
            changed = services.protection_claim_status_change(
                actor=actor, claim=claim, status=data["status"], on=data["on"], appeal_until=data["appeal_until"],
                note=data["note"],
            )  # fmt: skip
            return _("%(claim)s recorded.") % {"claim": changed}

        return self.confirm_then(request, queryset, action="change_status", title=_("Record a decision or step"),
                                 form_class=ClaimStatusForm, apply=apply)  # fmt: skip


@admin.register(NonRefoulementFinding)
class NonRefoulementFindingAdmin(RightsAdmin):
    add_form = NonRefoulementFindingForm
    record = services.non_refoulement_finding_record
    sealed = ("summary",)
    add_fields = ("case", "found_on", "source_kind", "source", "reference", "summary_text")
    list_display = ("case", "found_on", "source_kind", "source", "reference", "set_aside_on")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("set_aside",)
    fields = ("case", "found_on", "source_kind", "source", "reference", "opened_summary", "set_aside_on",
              "set_aside_by", "set_aside_recorded_by", "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[NonRefoulementFinding]:
        return selectors.non_refoulement_finding_list(actor=actor).select_related("case__child")

    @admin.display(description=gettext_lazy("summary"))
    def opened_summary(self, obj: NonRefoulementFinding) -> str:
        return self.opened(obj, "summary")

    @admin.action(description=gettext_lazy("Record that a later decision set it aside"))
    def set_aside(self, request: HttpRequest, queryset: QuerySet[NonRefoulementFinding]) -> HttpResponse | None:
        actor = _actor(request)

        def apply(finding: NonRefoulementFinding, data: dict[str, Any]) -> str:
            services.non_refoulement_finding_set_aside(actor=actor, finding=finding, set_aside_on=data["on"],
                                                       decision=data["decision"])  # fmt: skip
            return _("%(finding)s set aside.") % {"finding": finding}

        return self.confirm_then(request, queryset, action="set_aside", title=_("Set aside"), form_class=SetAsideForm,
                                 apply=apply)  # fmt: skip


@admin.register(CriminalProceeding)
class CriminalProceedingAdmin(RightsAdmin):
    add_form = CriminalProceedingForm
    record = services.criminal_proceeding_record
    add_fields = ("case", "child_role", "reference", "prosecutor", "prosecutor_name", "court", "stage", "stage_since")
    list_display = ("reference", "case", "child_role", "stage", "stage_since", "interviews_held")
    list_filter = ("stage",)
    list_select_related = ("case", "prosecutor")
    search_fields = ("case__reference", "reference")
    actions = ("change_stage",)
    fields = ("case", "child_role", "reference", "prosecutor", "prosecutor_name", "court", "stage", "stage_since",
              "interviews_held", "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[CriminalProceeding]:
        return selectors.criminal_proceeding_list(actor=actor)

    @admin.display(description=gettext_lazy("interviews"))
    def interviews_held(self, obj: CriminalProceeding) -> int:
        return int(getattr(obj, "interview_total", 0))

    @admin.action(description=gettext_lazy("Move to another stage"))
    def change_stage(self, request: HttpRequest, queryset: QuerySet[CriminalProceeding]) -> HttpResponse | None:
        actor = _actor(request)

        def apply(proceeding: CriminalProceeding, data: dict[str, Any]) -> str:
            moved = services.criminal_proceeding_stage_change(actor=actor, proceeding=proceeding, stage=data["stage"],
                                                              since=data["on"], court=data["court"])  # fmt: skip
            return _("%(proceeding)s moved.") % {"proceeding": moved}

        return self.confirm_then(request, queryset, action="change_stage", title=_("Move to another stage"),
                                 form_class=StageForm, apply=apply)  # fmt: skip


class ProceedingPartAdmin(RightsAdmin):
    def case_of(self, obj: Any) -> Case:
        return cast("Case", obj.proceeding.case)


@admin.register(ProceedingInterview)
class ProceedingInterviewAdmin(ProceedingPartAdmin):
    """An interview already held without a guardian is recorded and flagged; arranging a
    non-urgent one by police or immigration is refused (GUARDIAN_REQUIRED). Urgent and
    flagged interviews are reviewed here by a supervisor and by the guardian ("Record your
    review"), the guardian being the one reader who may use that action."""

    add_form = InterviewForm
    add_fields = ("proceeding", "held_at", "interviewer_kind", "interviewer", "place_text", "special_measures",
                  "urgent", "urgent_reason_text")  # fmt: skip
    sealed = ("place", "urgent_reason", "supervisor_review", "guardian_review")
    list_display = ("proceeding", "held_at", "interviewer_kind", "interviewer", "opened_place", "urgent",
                    "without_guardian", "review_due_at", "supervisor_reviewed_at", "guardian_reviewed_at")  # fmt: skip
    list_filter = ("interviewer_kind", "urgent", "without_guardian")
    list_select_related = ("proceeding__case__child",)
    search_fields = ("proceeding__case__reference", "proceeding__reference")
    actions = ("record_review",)
    fields = ("proceeding", "held_at", "interviewer_kind", "interviewer", "opened_place", "special_measures", "urgent",
              "opened_urgent_reason", "without_guardian", "review_due_at", "opened_supervisor_review",
              "supervisor_reviewed_by", "supervisor_reviewed_at", "opened_guardian_review", "guardian_reviewed_by",
              "guardian_reviewed_at", "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[ProceedingInterview]:
        return selectors.interview_list(actor=actor).select_related("proceeding__case__child")

    @admin.display(description=gettext_lazy("where"))
    def opened_place(self, obj: ProceedingInterview) -> str:
        return self.opened(obj, "place")

    @admin.display(description=gettext_lazy("urgent because"))
    def opened_urgent_reason(self, obj: ProceedingInterview) -> str:
        return self.opened(obj, "urgent_reason")

    @admin.display(description=gettext_lazy("supervisor's review"))
    def opened_supervisor_review(self, obj: ProceedingInterview) -> str:
        return self.opened(obj, "supervisor_review")

    @admin.display(description=gettext_lazy("guardian's review"))
    def opened_guardian_review(self, obj: ProceedingInterview) -> str:
        return self.opened(obj, "guardian_review")

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # The guardian records nothing else here, but reviews their ward's flagged interviews.
        actions = super(RightsAdmin, self).get_actions(request)
        if _roles(request) & set(CASE_ROLES):
            return actions
        return {name: action for name, action in actions.items() if name == "record_review"} if _roles(request) else {}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        recorded = services.interview_record(actor=_actor(request), **form.arguments())
        _became(obj, recorded.interview)
        self.message_user(
            request,
            _("The child has been interviewed %(count)s times in all.") % {"count": recorded.count},
            messages.INFO,
        )
        if recorded.interview.without_guardian:
            self.message_user(
                request,
                _("Recorded and flagged: the child was interviewed without a representative or guardian. The "
                  "supervisors and the guardian are alerted and review it."),
                messages.WARNING,
            )  # fmt: skip
        if recorded.repeated:
            self.message_user(request, recorded.warning, messages.WARNING)

    @admin.action(description=gettext_lazy("Record your review"))
    def record_review(self, request: HttpRequest, queryset: QuerySet[ProceedingInterview]) -> HttpResponse | None:
        actor = _actor(request)

        def review(interview: ProceedingInterview, data: dict[str, Any]) -> str:
            services.interview_review(actor=actor, interview=interview, review=data["review"])
            return _("%(interview)s reviewed.") % {"interview": interview}

        return self.confirm_then(request, queryset, action="record_review", title=_("Review interviews"),
                                 form_class=ReviewForm, apply=review)  # fmt: skip


@admin.register(SpecialMeasureRequest)
class SpecialMeasureRequestAdmin(ProceedingPartAdmin):
    add_form = SpecialMeasureRequestForm
    record = services.special_measure_request
    add_fields = ("proceeding", "measure", "requested_on")
    list_display = ("proceeding", "measure", "requested_on", "decision", "decided_on")
    list_filter = ("decision", "measure")
    list_select_related = ("proceeding__case",)
    actions = ("grant", "refuse")
    fields = ("proceeding", "measure", "requested_on", "decision", "decided_on", "recorded_by", "recorded_at")
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[SpecialMeasureRequest]:
        return selectors.special_measure_request_list(actor=actor)

    def _decide(self, request: HttpRequest, queryset: QuerySet[SpecialMeasureRequest], granted: bool) -> Any:
        actor = _actor(request)

        def apply(measure: SpecialMeasureRequest, data: dict[str, Any]) -> str:
            decided = services.special_measure_decide(actor=actor, request=measure, granted=granted,
                                                      decided_on=data["on"])  # fmt: skip
            return str(decided)

        action = "grant" if granted else "refuse"
        return self.confirm_then(request, queryset, action=action, title=_("Record the decision"),
                                 form_class=OnDateForm, apply=apply)  # fmt: skip

    @admin.action(description=gettext_lazy("Record that it was granted"))
    def grant(self, request: HttpRequest, queryset: QuerySet[SpecialMeasureRequest]) -> HttpResponse | None:
        return cast("HttpResponse | None", self._decide(request, queryset, True))

    @admin.action(description=gettext_lazy("Record that it was refused"))
    def refuse(self, request: HttpRequest, queryset: QuerySet[SpecialMeasureRequest]) -> HttpResponse | None:
        return cast("HttpResponse | None", self._decide(request, queryset, False))


@admin.register(ProceedingRepresentative)
class ProceedingRepresentativeAdmin(ProceedingPartAdmin):
    add_form = RepresentativeForm
    record = services.representative_appoint
    add_fields = ("proceeding", "kind", "name", "organisation", "legal_aid", "starts_on")
    list_display = ("proceeding", "kind", "name", "organisation", "legal_aid", "starts_on", "ends_on")
    list_select_related = ("proceeding__case", "organisation")
    actions = ("end",)
    fields = ("proceeding", "kind", "name", "organisation", "legal_aid", "starts_on", "ends_on", "recorded_by",
              "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[ProceedingRepresentative]:
        return selectors.representative_list(actor=actor)

    @admin.action(description=gettext_lazy("End the representation"))
    def end(self, request: HttpRequest, queryset: QuerySet[ProceedingRepresentative]) -> HttpResponse | None:
        actor = _actor(request)

        def apply(representative: ProceedingRepresentative, data: dict[str, Any]) -> str:
            services.representative_end(actor=actor, representative=representative, ends_on=data["on"])
            return _("%(representative)s ended.") % {"representative": representative}

        return self.confirm_then(request, queryset, action="end", title=_("End the representation"),
                                 form_class=OnDateForm, apply=apply)  # fmt: skip


@admin.register(CompensationClaim)
class CompensationClaimAdmin(RightsAdmin):
    add_form = CompensationClaimForm
    record = services.compensation_claim_record
    sealed = ("respondent",)
    add_fields = ("case", "against", "respondent_text", "proceeding", "amount", "currency", "legal_aid",
                  "legal_aid_provider", "status", "status_since")  # fmt: skip
    list_display = ("case", "against", "amount", "currency", "legal_aid", "status", "status_since")
    list_filter = ("against", "status")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("change_status",)
    fields = ("case", "against", "opened_respondent", "proceeding", "amount", "currency", "amount_awarded",
              "legal_aid", "legal_aid_provider", "status", "status_since", "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[CompensationClaim]:
        return selectors.compensation_claim_list(actor=actor).select_related("case__child")

    @admin.display(description=gettext_lazy("respondent"))
    def opened_respondent(self, obj: CompensationClaim) -> str:
        return self.opened(obj, "respondent")

    @admin.action(description=gettext_lazy("Record a change of status"))
    def change_status(self, request: HttpRequest, queryset: QuerySet[CompensationClaim]) -> HttpResponse | None:
        actor = _actor(request)

        def apply(claim: CompensationClaim, data: dict[str, Any]) -> str:
            changed = services.compensation_claim_status_change(
                actor=actor, claim=claim, status=data["status"], since=data["on"],
                amount_awarded=data["amount_awarded"],
            )  # fmt: skip
            return _("%(claim)s recorded.") % {"claim": changed}

        return self.confirm_then(request, queryset, action="change_status", title=_("Record a change of status"),
                                 form_class=CompensationStatusForm, apply=apply)  # fmt: skip
