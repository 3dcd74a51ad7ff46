"""Status and rights in the admin: the same scope and the same services as every other channel.

Staff users with an active caseworker or supervisor membership record; a guardian (staff, with
an active guardian membership) reads their wards' records and records nothing. Superuser
status and model permissions add nothing. Lists are scoped by the case visibility condition
and a record outside it is a 404. Records are added through the services and never edited in
place nor deleted; what follows them (a claim's decision, an extension, a renewal, a stage, a
measure's decision) is an action that calls its service. Refusals — GUARDIAN_REQUIRED for a
police or immigration interview included — are shown on the form with their code.
"""

from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.cases.access import Action
from apps.cases.models import Case
from apps.cases.reading import current_reader
from apps.core.admin import ServiceAdmin, acting_user, became
from apps.rights import selectors, services
from apps.rights.forms import (
    ClaimStatusForm,
    CompensationClaimForm,
    CompensationStatusForm,
    CriminalProceedingForm,
    IdentificationChangeForm,
    InterviewForm,
    NonRefoulementFindingForm,
    OnDateForm,
    ProtectionClaimForm,
    ReflectionPeriodForm,
    RepresentativeForm,
    ResidencePermitForm,
    ReviewForm,
    SetAsideForm,
    SpecialMeasureRequestForm,
    StageForm,
)
from apps.rights.models import (
    CompensationClaim,
    CriminalProceeding,
    IdentificationChange,
    NonRefoulementFinding,
    ProceedingInterview,
    ProceedingRepresentative,
    ProtectionClaim,
    ProtectionClaimStatusChange,
    ReflectionPeriodChange,
    ResidencePermit,
    SpecialMeasureRequest,
)


class RightsAdmin(ServiceAdmin):
    """The kit's admin: guardians read their wards' records here, the case's staff record."""

    add_action = Action.WORK
    refusal_on_form = True  # a reason to give, a supervisor needed: corrected on the same page

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # A guardian reads; the actions record.
        return super().get_actions(request) if self.may_add(request) else {}


@admin.register(IdentificationChange)
class IdentificationChangeAdmin(RightsAdmin):
    add_form = IdentificationChangeForm
    record = services.identification_status_change
    sealed = ("note",)
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "case",
                    "to_status",
                    "decided_on",
                    "authority",
                    "authority_name",
                    "authority_reference",
                    "note_text",
                )
            },
        ),
    )
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
    add_fieldsets = ((None, {"fields": ("case", "starts_on", "ends_on", "reason_text")}),)
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
                actor=acting_user(request), case=case, starts_on=data["starts_on"] or data["ends_on"],
                ends_on=data["ends_on"], reason=data["reason_text"],
            )  # fmt: skip
        else:
            created = services.reflection_period_change(
                actor=acting_user(request), case=case, ends_on=data["ends_on"], reason=data["reason_text"]
            )
        became(obj, created)


@admin.register(ResidencePermit)
class ResidencePermitAdmin(RightsAdmin):
    add_form = ResidencePermitForm
    record = services.residence_permit_record
    sealed = ("number",)
    add_fieldsets = (
        (None, {"fields": ("case", "kind", "number_text", "issued_by", "issued_on", "expires_on", "renews")}),
    )
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
        actor = acting_user(request)

        def apply(permit: ResidencePermit, data: dict[str, Any]) -> str:
            services.residence_permit_renewal_apply(actor=actor, permit=permit, applied_on=data["on"])
            return _("%(permit)s: renewal applied for.") % {"permit": permit}

        return self.confirm_then(request, queryset, action="renewal_applied", title=_("Renewal applied for"),
                                 form_class=OnDateForm, apply=apply)  # fmt: skip


@admin.register(ProtectionClaim)
class ProtectionClaimAdmin(RightsAdmin):
    add_form = ProtectionClaimForm
    record = services.protection_claim_lodge
    add_fieldsets = ((None, {"fields": ("case", "kind", "lodged_on", "authority", "authority_reference")}),)
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
        actor = acting_user(request)

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
    add_fieldsets = ((None, {"fields": ("case", "found_on", "source_kind", "source", "reference", "summary_text")}),)
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
        actor = acting_user(request)

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
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "case",
                    "child_role",
                    "reference",
                    "prosecutor",
                    "prosecutor_name",
                    "court",
                    "stage",
                    "stage_since",
                )
            },
        ),
    )
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
        actor = acting_user(request)

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
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "proceeding",
                    "held_at",
                    "interviewer_kind",
                    "interviewer",
                    "place_text",
                    "special_measures",
                    "urgent",
                    "urgent_reason_text",
                )
            },
        ),
    )
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
        if self.may_add(request):
            return actions
        return (
            {name: action for name, action in actions.items() if name == "record_review"}
            if self.may_work(request)
            else {}
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        recorded = services.interview_record(actor=acting_user(request), **form.arguments())
        became(obj, recorded.interview)
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
        actor = acting_user(request)

        def review(interview: ProceedingInterview, data: dict[str, Any]) -> str:
            services.interview_review(actor=actor, interview=interview, review=data["review"])
            return _("%(interview)s reviewed.") % {"interview": interview}

        return self.confirm_then(request, queryset, action="record_review", title=_("Review interviews"),
                                 form_class=ReviewForm, apply=review)  # fmt: skip


@admin.register(SpecialMeasureRequest)
class SpecialMeasureRequestAdmin(ProceedingPartAdmin):
    add_form = SpecialMeasureRequestForm
    record = services.special_measure_request
    add_fieldsets = ((None, {"fields": ("proceeding", "measure", "requested_on")}),)
    list_display = ("proceeding", "measure", "requested_on", "decision", "decided_on")
    list_filter = ("decision", "measure")
    list_select_related = ("proceeding__case",)
    actions = ("grant", "refuse")
    fields = ("proceeding", "measure", "requested_on", "decision", "decided_on", "recorded_by", "recorded_at")
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[SpecialMeasureRequest]:
        return selectors.special_measure_request_list(actor=actor)

    def _decide(self, request: HttpRequest, queryset: QuerySet[SpecialMeasureRequest], granted: bool) -> Any:
        actor = acting_user(request)

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
    add_fieldsets = ((None, {"fields": ("proceeding", "kind", "name", "organisation", "legal_aid", "starts_on")}),)
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
        actor = acting_user(request)

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
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "case",
                    "against",
                    "respondent_text",
                    "proceeding",
                    "amount",
                    "currency",
                    "legal_aid",
                    "legal_aid_provider",
                    "status",
                    "status_since",
                )
            },
        ),
    )
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
        actor = acting_user(request)

        def apply(claim: CompensationClaim, data: dict[str, Any]) -> str:
            changed = services.compensation_claim_status_change(
                actor=actor, claim=claim, status=data["status"], since=data["on"],
                amount_awarded=data["amount_awarded"],
            )  # fmt: skip
            return _("%(claim)s recorded.") % {"claim": changed}

        return self.confirm_then(request, queryset, action="change_status", title=_("Record a change of status"),
                                 form_class=CompensationStatusForm, apply=apply)  # fmt: skip
