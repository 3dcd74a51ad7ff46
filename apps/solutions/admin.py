"""Durable solutions in the admin: the same scope, the same services and the same refusals as
every other channel (the service-admin kit of apps/core/admin.py).

Solutions, reintegration plans, services on arrival and transition plans are added through
the services; deciding (a supervisor), implementing and withdrawing a solution, confirming a
service and recording a follow-up visit are actions that call them. A refusal shows every
missing condition with its code ("… (RETURN_REQUIRES_BID)"). Nothing is edited in place or
deleted; a superuser sees nothing without a case role.
"""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.core.admin import ReasonForm, ServiceAdmin, ServiceForm, acting_user, agency_field, text_field, when_field
from apps.family.models import Relative
from apps.family.selectors import relative_list
from apps.solutions import selectors, services
from apps.solutions.models import (
    DurableSolution,
    FollowUpVisit,
    ReintegrationPlan,
    ReintegrationService,
    ResidenceStatus,
    ServiceNeed,
    SolutionStatus,
    SolutionType,
    TransitionPlan,
    VisitOutcome,
)

SEALED_HELP = gettext_lazy("Stored sealed with the child's own key.")


# --- Forms -----------------------------------------------------------------------------------------
class SolutionAddForm(ServiceForm):
    kind = forms.ChoiceField(label=gettext_lazy("Solution"), choices=SolutionType.choices)
    country = forms.CharField(
        label=gettext_lazy("Country"), max_length=2, required=False,
        help_text=gettext_lazy("ISO 3166 code. Leave empty: the country of origin for a return, this country for a "
                               "solution inside it, where the relative lives for a reunification."),
    )  # fmt: skip
    relative = forms.ModelChoiceField(
        label=gettext_lazy("Relative or other adult"), queryset=Relative.objects.none(), required=False,
        help_text=gettext_lazy("Required for a reunification or a release."),
    )  # fmt: skip
    residence_status = forms.ChoiceField(
        label=gettext_lazy("Residence status"), choices=[("", "---------"), *ResidenceStatus.choices], required=False,
        help_text=gettext_lazy("Required for local integration."),
    )  # fmt: skip
    residence_permit_until = forms.DateField(
        label=gettext_lazy("Residence permit valid until"), required=False, widget=admin.widgets.AdminDateWidget
    )
    details_text = text_field(gettext_lazy("The plan in your words"), help_text=SEALED_HELP)

    class Meta:
        model = DurableSolution
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            field = cast("forms.ModelChoiceField[Relative]", self.fields["relative"])
            field.queryset = relative_list(actor=self.actor)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"], "kind": data["kind"], "country": data["country"], "relative": data["relative"],
            "residence_status": data["residence_status"], "residence_permit_until": data["residence_permit_until"],
            "details": data["details_text"],
        }  # fmt: skip


class NoCaseForm(forms.ModelForm):  # type: ignore[type-arg]
    """The arguments of one service call on a record that names its case itself."""

    actor: User | None = None  # set per request by ServiceAdmin.get_form

    def _post_clean(self) -> None:
        pass


class PlanAddForm(NoCaseForm):
    solution = forms.ModelChoiceField(label=gettext_lazy("Solution"), queryset=DurableSolution.objects.none())
    receiving_agency = agency_field(gettext_lazy("Receiving agency (in Haven)"))
    receiving_agency_name = forms.CharField(
        label=gettext_lazy("Receiving agency (not in Haven)"), max_length=200, required=False
    )
    caregiver_text = text_field(gettext_lazy("Caregiver: who, relationship, where"), help_text=SEALED_HELP)
    caregiver_agreed_at = when_field(gettext_lazy("The caregiver agreed"))
    caregiver_able = forms.NullBooleanField(label=gettext_lazy("The caregiver is able to care for the child"))
    escort = forms.CharField(label=gettext_lazy("Escort"), max_length=200, required=False)
    placement_abroad = forms.BooleanField(label=gettext_lazy("A placement in care abroad is planned"), required=False)
    state_consulted_at = when_field(gettext_lazy("The receiving state was consulted"))
    state_consultation_reference = forms.CharField(
        label=gettext_lazy("Consultation reference"), max_length=100, required=False
    )
    notes_text = text_field(gettext_lazy("Notes"), help_text=SEALED_HELP)

    class Meta:
        model = ReintegrationPlan
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            field = cast("forms.ModelChoiceField[DurableSolution]", self.fields["solution"])
            field.queryset = selectors.solution_list(actor=self.actor).filter(status=SolutionStatus.PLANNED)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "solution": data["solution"], "receiving_agency": data["receiving_agency"],
            "receiving_agency_name": data["receiving_agency_name"], "caregiver": data["caregiver_text"],
            "caregiver_agreed_at": data["caregiver_agreed_at"], "caregiver_able": data["caregiver_able"],
            "escort": data["escort"], "placement_abroad": data["placement_abroad"],
            "state_consulted_at": data["state_consulted_at"],
            "state_consultation_reference": data["state_consultation_reference"], "notes": data["notes_text"],
        }  # fmt: skip


class ServiceAddForm(NoCaseForm):
    plan = forms.ModelChoiceField(label=gettext_lazy("Reintegration plan"), queryset=ReintegrationPlan.objects.none())
    need = forms.ChoiceField(label=gettext_lazy("Service"), choices=ServiceNeed.choices)
    provider = forms.CharField(label=gettext_lazy("Provided by"), max_length=200, required=False)
    confirmed = forms.BooleanField(label=gettext_lazy("Confirmed available now"), required=False)

    class Meta:
        model = ReintegrationService
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            field = cast("forms.ModelChoiceField[ReintegrationPlan]", self.fields["plan"])
            field.queryset = selectors.reintegration_plan_list(actor=self.actor)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("plan", "need", "provider", "confirmed")}


class TransitionPlanAddForm(ServiceForm):
    plan_text = text_field(gettext_lazy("The plan"), required=True, help_text=SEALED_HELP)

    class Meta:
        model = TransitionPlan
        fields = ()

    def arguments(self) -> dict[str, Any]:
        return {"case": self.cleaned_data["case"], "plan": self.cleaned_data["plan_text"]}


class DecideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why you decide it"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NothingForm(forms.Form):
    """Only the confirmation."""


class VisitForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=VisitOutcome.choices)
    visited_at = forms.SplitDateTimeField(
        label=gettext_lazy("Visited"), required=False, widget=admin.widgets.AdminSplitDateTime,
        help_text=gettext_lazy("Leave empty for now."),
    )  # fmt: skip
    visited_by = forms.CharField(label=gettext_lazy("Visited by"), max_length=200, required=False)
    notes = forms.CharField(
        label=gettext_lazy("What was found"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=SEALED_HELP,
    )  # fmt: skip


# --- The admins ----------------------------------------------------------------------------------
@admin.register(DurableSolution)
class DurableSolutionAdmin(ServiceAdmin):
    add_form = SolutionAddForm
    record = services.solution_plan
    sealed = ("details",)
    list_display = ("case", "kind", "status", "country", "planned_at", "decided_at", "implemented_at")
    list_filter = ("kind", "status")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("decide", "implement", "withdraw")
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "case",
                    "kind",
                    "country",
                    "relative",
                    "residence_status",
                    "residence_permit_until",
                    "details_text",
                ),
                "description": gettext_lazy(
                    "A supervisor decides the solution once its conditions hold: for a return or any move across a "
                    "border, all of R4's return gate; for a release, the adult's verification."
                ),
            },
        ),
    )
    fields = (
        "case", "kind", "status", "country", "relative", "residence_status", "residence_permit_until",
        "opened_details", "planned_by", "planned_at", "decided_by", "decided_at", "opened_decision_reason",
        "implemented_by", "implemented_at", "withdrawn_by", "withdrawn_at", "opened_withdrawn_reason",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[DurableSolution]:
        return selectors.solution_list(actor=actor)

    @admin.display(description=gettext_lazy("the plan in the caseworker's words"))
    def opened_details(self, obj: DurableSolution) -> str:
        return self.opened(obj, "details")

    @admin.display(description=gettext_lazy("why the supervisor decided it"))
    def opened_decision_reason(self, obj: DurableSolution) -> str:
        return self.opened(obj, "decision_reason")

    @admin.display(description=gettext_lazy("why it was withdrawn"))
    def opened_withdrawn_reason(self, obj: DurableSolution) -> str:
        return self.opened(obj, "withdrawn_reason")

    @admin.action(description=gettext_lazy("Decide the solution (supervisor)"))
    def decide(self, request: HttpRequest, queryset: QuerySet[DurableSolution]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(solution: DurableSolution, data: dict[str, Any]) -> str:
            services.solution_decide(actor=actor, solution=solution, reason=data["reason"])
            return _("%(solution)s decided.") % {"solution": solution.get_kind_display()}

        return self.confirm_then(request, queryset, action="decide", title=_("Decide the solution"),
                                 form_class=DecideForm, apply=apply)  # fmt: skip

    @admin.action(description=gettext_lazy("Record that the solution is in place"))
    def implement(self, request: HttpRequest, queryset: QuerySet[DurableSolution]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(solution: DurableSolution, data: dict[str, Any]) -> str:
            services.solution_implement(actor=actor, solution=solution)
            return _("%(solution)s in place; follow-ups scheduled where due.") % {
                "solution": solution.get_kind_display()
            }

        return self.confirm_then(request, queryset, action="implement", title=_("Record that the solution is in place"),
                                 form_class=NothingForm, apply=apply)  # fmt: skip

    @admin.action(description=gettext_lazy("Withdraw the solution"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[DurableSolution]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(solution: DurableSolution, data: dict[str, Any]) -> str:
            services.solution_withdraw(actor=actor, solution=solution, reason=data["reason"])
            return _("%(solution)s withdrawn.") % {"solution": solution.get_kind_display()}

        return self.confirm_then(request, queryset, action="withdraw", title=_("Withdraw the solution"),
                                 form_class=ReasonForm, apply=apply)  # fmt: skip


@admin.register(ReintegrationPlan)
class ReintegrationPlanAdmin(ServiceAdmin):
    add_form = PlanAddForm  # type: ignore[assignment]  # names no case: the solution does
    record = services.reintegration_plan_record
    sealed = ("caregiver", "notes")
    list_display = ("solution", "receiving_agency", "receiving_agency_name", "caregiver_agreed_at", "escort",
                    "state_consulted_at")  # fmt: skip
    list_select_related = ("solution__case", "receiving_agency")
    search_fields = ("solution__case__reference",)
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "solution",
                    "receiving_agency",
                    "receiving_agency_name",
                    "caregiver_text",
                    "caregiver_agreed_at",
                    "caregiver_able",
                    "escort",
                    "placement_abroad",
                    "state_consulted_at",
                    "state_consultation_reference",
                    "notes_text",
                ),
                "description": gettext_lazy(
                    "Recorded as a whole: adding it again for the same solution replaces it. Services on arrival are "
                    "added on their own page."
                ),
            },
        ),
    )
    fields = (
        "solution", "receiving_agency", "receiving_agency_name", "opened_caregiver", "caregiver_agreed_at",
        "caregiver_able", "escort", "placement_abroad", "state_consulted_at", "state_consultation_reference",
        "opened_notes", "updated_by", "updated_at",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[ReintegrationPlan]:
        return selectors.reintegration_plan_list(actor=actor)

    @admin.display(description=gettext_lazy("caregiver"))
    def opened_caregiver(self, obj: ReintegrationPlan) -> str:
        return self.opened(obj, "caregiver")

    @admin.display(description=gettext_lazy("notes"))
    def opened_notes(self, obj: ReintegrationPlan) -> str:
        return self.opened(obj, "notes")


@admin.register(ReintegrationService)
class ReintegrationServiceAdmin(ServiceAdmin):
    add_form = ServiceAddForm  # type: ignore[assignment]  # the plan names the case
    record = services.reintegration_service_record
    list_display = ("plan", "need", "provider", "confirmed_at")
    list_select_related = ("plan__solution__case",)
    actions = ("confirm",)
    add_fieldsets = ((None, {"fields": ("plan", "need", "provider", "confirmed")}),)
    fields = ("plan", "need", "provider", "confirmed_at", "confirmed_by", "recorded_by", "recorded_at")
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[ReintegrationService]:
        return selectors.reintegration_service_list(actor=actor)

    @admin.action(description=gettext_lazy("Confirm the service is available"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[ReintegrationService]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(service: ReintegrationService, data: dict[str, Any]) -> str:
            services.reintegration_service_confirm(actor=actor, service=service)
            return _("%(service)s confirmed.") % {"service": service}

        return self.confirm_then(request, queryset.filter(confirmed_at__isnull=True), action="confirm",
                                 title=_("Confirm the service"), form_class=NothingForm, apply=apply)  # fmt: skip


@admin.register(FollowUpVisit)
class FollowUpVisitAdmin(ServiceAdmin):
    add_form = ServiceForm
    sealed = ("notes",)
    list_display = ("case", "months_after", "due_at", "visited_at", "outcome")
    list_filter = ("outcome", ("visited_at", admin.EmptyFieldListFilter))
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("record_visit",)
    fields = ("case", "solution", "months_after", "due_at", "visited_at", "outcome", "visited_by", "opened_notes",
              "recorded_by")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[FollowUpVisit]:
        return selectors.follow_up_list(actor=actor)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # scheduled when a solution is implemented

    @admin.display(description=gettext_lazy("what was found"))
    def opened_notes(self, obj: FollowUpVisit) -> str:
        return self.opened(obj, "notes")

    @admin.action(description=gettext_lazy("Record the visit"))
    def record_visit(self, request: HttpRequest, queryset: QuerySet[FollowUpVisit]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(visit: FollowUpVisit, data: dict[str, Any]) -> str:
            services.follow_up_record(actor=actor, visit=visit, outcome=data["outcome"], visited_at=data["visited_at"],
                                      visited_by=data["visited_by"], notes=data["notes"])  # fmt: skip
            return _("%(visit)s recorded.") % {"visit": visit}

        return self.confirm_then(request, queryset, action="record_visit", title=_("Record the visit"),
                                 form_class=VisitForm, apply=apply)  # fmt: skip


@admin.register(TransitionPlan)
class TransitionPlanAdmin(ServiceAdmin):
    add_form = TransitionPlanAddForm
    record = services.transition_plan_record
    sealed = ("plan",)
    list_display = ("case", "prepared_at", "prepared_by")
    list_select_related = ("case", "prepared_by")
    search_fields = ("case__reference",)
    add_fieldsets = ((None, {"fields": ("case", "plan_text")}),)
    fields = ("case", "opened_plan", "prepared_at", "prepared_by")
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[TransitionPlan]:
        return selectors.transition_plan_list(actor=actor)

    @admin.display(description=gettext_lazy("the plan"))
    def opened_plan(self, obj: TransitionPlan) -> str:
        return self.opened(obj, "plan")
