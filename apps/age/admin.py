"""Age in the admin (R2): the same scope and the same services as every other channel.

Who may open it: staff users who hold an active caseworker, supervisor or guardian
membership; superuser status and model permissions add nothing. Every list and page is
scoped by `case_visibility` (a record of a case outside it is a 404, logged as denied), and
a page that shows sealed values logs the read. Forms carry no model fields: every value goes
to a service, which refuses with every violation at once, shown as the form's errors —
documents and their flags and disputes, claims, external decisions and their challenge,
assessments (opening, result, approval, stopping), methods, appeals, and anything that would
treat the person as an adult. Nothing is edited directly and nothing is deleted.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.age import selectors, services
from apps.age.forms import (
    AdultTreatmentAddForm,
    AgeForm,
    AppealAddForm,
    AppealChangeForm,
    AssessmentAddForm,
    AssessmentChangeForm,
    ClaimAddForm,
    DocumentAddForm,
    DocumentChangeForm,
    ExternalDecisionAddForm,
    ExternalDecisionChangeForm,
    MethodAddForm,
)
from apps.age.models import (
    AdultTreatment,
    AgeAppeal,
    AgeAssessment,
    AgeClaim,
    AssessmentMethod,
    AssessmentProfessional,
    AssessmentResult,
    AssessmentStatus,
    DocumentEvent,
    ExternalAgeDecision,
    IdentityDocument,
)
from apps.cases.access import Action, roles_for
from apps.cases.models import Case
from apps.cases.reading import current_reader
from apps.cases.selectors import case_visibility
from apps.core.admin import ServiceAdmin, ServiceForm, acting_user, became, staff_roles


def _visible_cases(actor: User) -> QuerySet[Case]:
    return Case.objects.filter(case_visibility(actor=actor)).order_by("reference")


def _opened(record: models.Model, case: Case, column: str) -> str:
    """A sealed value shown on a page the user may see, the read logged by the page's reader;
    "Anonymised" once the key is gone."""
    value = current_reader().text(record, column, case=case)
    return _("Anonymised") if value is None else value


# --- Inlines ------------------------------------------------------------------------------
class _ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(roles_for(Action.WORK_OR_GUARD, staff_roles(request)))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DocumentEventInline(_ReadOnlyInline):
    model = DocumentEvent
    fields = ("at", "kind", "why", "by")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("why"))
    def why(self, obj: DocumentEvent) -> str:
        return _opened(obj, obj.document.case, "reason")


class ProfessionalInline(_ReadOnlyInline):
    model = AssessmentProfessional
    fields = ("name", "discipline")
    readonly_fields = fields


class MethodInline(_ReadOnlyInline):
    model = AssessmentMethod
    fields = ("recorded_at", "kind", "outcome", "recorded_by")
    readonly_fields = fields


class AppealInline(_ReadOnlyInline):
    model = AgeAppeal
    fields = ("lodged_at", "lodged_by", "outcome", "decided_at", "decided_by")
    readonly_fields = fields


# --- The base: scope, access log, services ------------------------------------------------
class AgeAdmin(ServiceAdmin):
    """The kit's admin, for the case's staff and the child's guardian: a record the service may
    still complete is changed on its page (`change_form`, `change_fieldsets`) unless `view_only`;
    `write` calls the service for an add or a change."""

    add_action = Action.WORK_OR_GUARD
    add_form: ClassVar[type[ServiceForm]] = AgeForm
    change_form: ClassVar[type[ServiceForm] | None] = AgeForm
    add_fieldsets: ClassVar[Any] = ()
    change_fieldsets: ClassVar[Any] = ()
    view_only = False  # records that are never changed once written

    def scope(self, actor: User) -> QuerySet[Any]:
        scoped = self.scoped(actor)
        # The changelist adds `list_select_related` only to a query that joins nothing yet.
        related = self.list_select_related
        return scoped.select_related(*related) if isinstance(related, list | tuple) else scoped

    def scoped(self, actor: User) -> QuerySet[Any]:
        # Each admin below narrows this to what the actor may see; the base shows nothing.
        nothing: QuerySet[Any] = self.model._default_manager.none()
        return nothing

    def case_choices(self, actor: User) -> QuerySet[Case]:
        # The cases the actor may see as one who holds them (staff, guardian).
        return _visible_cases(actor)

    def read_action(self) -> str:
        return f"age:{self.model._meta.model_name}"

    def write(self, actor: User, obj: Any, form: Any, change: bool) -> models.Model | None:
        raise NotImplementedError

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_work(request) and not self.view_only

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else self.change_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        actor = acting_user(request)
        base = self.add_form if obj is None else (self.change_form or self.add_form)
        kwargs["form"] = type(base.__name__, (base,), {"actor": actor, "cases": self.case_choices(actor)})
        kwargs["fields"] = ()  # declared fields only: nothing reaches the model but through a service
        # The kit's form, without the kit's choice of fields (which would let model fields through).
        return super(ServiceAdmin, self).get_form(request, obj, change=change, **kwargs)

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [] if obj is None else super().get_inline_instances(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        written = self.write(acting_user(request), obj, form, change)
        if written is not None:
            became(obj, written)

    def construct_change_message(
        self, request: HttpRequest, form: forms.Form, formsets: Any, add: bool = False
    ) -> list[dict[str, dict[str, list[str]]]]:
        return super().construct_change_message(request, form, [], add)


def _sealed_display(column: str, description: Any) -> Callable[[AgeAdmin, Any], str]:
    @admin.display(description=description)
    def show(self: AgeAdmin, obj: Any) -> str:
        return _opened(obj, self.case_of(obj), column)

    return show


# --- Documents -----------------------------------------------------------------------------
@admin.register(IdentityDocument)
class IdentityDocumentAdmin(AgeAdmin):
    sealed = ("birth_date",)
    list_display = ("case", "kind", "issuing_country", "recorded_at")
    list_select_related = ("case",)
    list_filter = ("kind",)
    search_fields = ("case__reference",)
    inlines = (DocumentEventInline,)
    add_form = DocumentAddForm
    change_form = DocumentChangeForm
    add_fieldsets = (
        (None, {"fields": ("case", "kind", "issuing_country", "birth_date")}),
        (gettext_lazy("Dispute"), {"fields": ("disputed", "dispute_reason")}),
    )
    change_fieldsets = (
        (
            None,
            {
                "fields": (
                    "case",
                    ("kind", "issuing_country"),
                    "shown_birth_date",
                    "status_now",
                    ("recorded_by", "recorded_at"),
                ),
                "description": gettext_lazy(
                    "The birth date is sealed with the child's key; opening this page is logged."
                ),
            },
        ),
        (gettext_lazy("Flag or dispute"), {"fields": ("event", "reason")}),
    )
    readonly_fields = (
        "case",
        "kind",
        "issuing_country",
        "shown_birth_date",
        "status_now",
        "recorded_by",
        "recorded_at",
    )

    shown_birth_date = _sealed_display("birth_date", gettext_lazy("birth date shown"))

    def scoped(self, actor: User) -> QuerySet[IdentityDocument]:
        return selectors.identity_document_list(actor=actor)

    @admin.display(description=gettext_lazy("now"))
    def status_now(self, obj: IdentityDocument) -> str:
        status = selectors.document_status(obj, timezone.now())
        parts = [_("disputed by the person") if status.disputed else _("not disputed")]
        parts.append(_("flagged as possibly false") if status.flagged else _("not flagged"))
        return ", ".join(parts)

    def write(self, actor: User, obj: Any, form: Any, change: bool) -> models.Model | None:
        data = form.cleaned_data
        if not change:
            return services.identity_document_record(
                actor=actor, case=data["case"], kind=data["kind"], issuing_country=data["issuing_country"],
                birth_date=data["birth_date"], disputed=data["disputed"], dispute_reason=data["dispute_reason"],
            )  # fmt: skip
        event, reason = data["event"], data["reason"]
        if event == "flag":
            services.identity_document_flag(actor=actor, document=obj, reason=reason)
        elif event == "withdraw_flag":
            services.identity_document_flag_withdraw(actor=actor, document=obj, reason=reason)
        elif event in {"dispute", "accept"}:
            services.identity_document_dispute(actor=actor, document=obj, disputed=event == "dispute", reason=reason)
        return None


# --- Claims --------------------------------------------------------------------------------
@admin.register(AgeClaim)
class AgeClaimAdmin(AgeAdmin):
    sealed = ("birth_date",)
    list_display = ("case", "recorded_at", "recorded_by")
    list_select_related = ("case", "recorded_by")
    search_fields = ("case__reference",)
    view_only = True
    add_form = ClaimAddForm
    add_fieldsets = ((None, {"fields": ("case", "birth_date")}),)
    change_fieldsets = ((None, {"fields": ("case", "claimed_birth_date", ("recorded_by", "recorded_at"))}),)
    readonly_fields = ("case", "claimed_birth_date", "recorded_by", "recorded_at")

    claimed_birth_date = _sealed_display("birth_date", gettext_lazy("birth date claimed"))

    def scoped(self, actor: User) -> QuerySet[AgeClaim]:
        return selectors.age_claim_list(actor=actor)

    def write(self, actor: User, obj: Any, form: Any, change: bool) -> models.Model | None:
        data = form.cleaned_data
        return services.age_claim_record(actor=actor, case=data["case"], birth_date=data["birth_date"])


# --- External decisions --------------------------------------------------------------------
@admin.register(ExternalAgeDecision)
class ExternalAgeDecisionAdmin(AgeAdmin):
    sealed = ("earliest_birth_date", "latest_birth_date", "challenge")
    list_display = ("case", "authority", "decided_on", "found_adult", "challenged_at")
    list_select_related = ("case",)
    search_fields = ("case__reference", "authority")
    add_form = ExternalDecisionAddForm
    change_form = ExternalDecisionChangeForm
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "case",
                    ("authority", "authority_country"),
                    "decided_on",
                    ("earliest_birth_date", "latest_birth_date"),
                ),
                "description": gettext_lazy(
                    "Another authority's decision is external and challengeable: it never ends the presumption of "
                    "minority by itself."
                ),
            },
        ),
    )
    change_fieldsets = (
        (
            None,
            {
                "fields": (
                    "case",
                    ("authority", "authority_country", "decided_on"),
                    ("found_earliest", "found_latest", "found_adult"),
                    ("recorded_by", "recorded_at"),
                    ("challenged_at", "challenged_by", "challenge_text"),
                )
            },
        ),
        (gettext_lazy("Challenge"), {"fields": ("challenge",)}),
    )
    readonly_fields = (
        "case", "authority", "authority_country", "decided_on", "found_earliest", "found_latest", "found_adult",
        "recorded_by", "recorded_at", "challenged_at", "challenged_by", "challenge_text",
    )  # fmt: skip

    found_earliest = _sealed_display("earliest_birth_date", gettext_lazy("earliest birth date found"))
    found_latest = _sealed_display("latest_birth_date", gettext_lazy("latest birth date found"))

    def scoped(self, actor: User) -> QuerySet[ExternalAgeDecision]:
        return selectors.external_decision_list(actor=actor)

    @admin.display(description=gettext_lazy("how it is challenged"))
    def challenge_text(self, obj: ExternalAgeDecision) -> str:
        return _opened(obj, obj.case, "challenge") if obj.challenged_at is not None else ""

    def write(self, actor: User, obj: Any, form: Any, change: bool) -> models.Model | None:
        data = form.cleaned_data
        if not change:
            earliest: date = data["earliest_birth_date"]
            return services.external_decision_record(
                actor=actor, case=data["case"], authority=data["authority"],
                authority_country=data["authority_country"], decided_on=data["decided_on"],
                earliest_birth_date=earliest, latest_birth_date=data["latest_birth_date"] or earliest,
            )  # fmt: skip
        if data["challenge"].strip():
            services.external_decision_challenge(actor=actor, decision=obj, challenge=data["challenge"])
        return None


# --- Assessments ---------------------------------------------------------------------------
@admin.register(AgeAssessment)
class AgeAssessmentAdmin(AgeAdmin):
    sealed = (
        "disability_adaptation",
        "last_resort_reason",
        "consent_language",
        "consent_explanation",
        "appeal_information",
        "stop_reason",
        "earliest_birth_date",
        "latest_birth_date",
    )
    list_display = ("case", "status", "result", "opened_at", "approved_at", "appeal_period_ends_at")
    list_select_related = ("case",)
    list_filter = ("status", "result")
    search_fields = ("case__reference",)
    inlines = (ProfessionalInline, MethodInline, AppealInline)
    add_form = AssessmentAddForm
    change_form = AssessmentChangeForm
    add_fieldsets = (
        (None, {"fields": ("case", "last_resort_reason")}),
        (
            gettext_lazy("The child's informed consent"),
            {"fields": ("consent_given", "consent_language", "consent_explanation", "consent_told_no_penalty")},
        ),
        (
            gettext_lazy("Professionals (at least two, of different disciplines)"),
            {
                "fields": (
                    ("professional_1", "discipline_1"),
                    ("professional_2", "discipline_2"),
                    ("professional_3", "discipline_3"),
                )
            },
        ),
        (gettext_lazy("Disability"), {"fields": ("child_has_disability", "disability_adaptation")}),
    )
    readonly_fields = (
        "case", "status", "opened_by", "opened_at", "overseen_by", "why_last_resort", "consent_given",
        "language_of_consent", "what_child_was_told", "consent_told_no_penalty", "child_has_disability", "adaptation",
        "result", "assessed_on", "birth_date_range", "grounds", "result_recorded_by", "result_recorded_at",
        "approved_by", "approved_at", "told_how_to_appeal", "appeal_period_ends_at", "standing_now",
        "treated_as_child_now", "stopped_at", "why_stopped",
    )  # fmt: skip
    record_fieldsets = (
        (
            None,
            {
                "fields": (
                    ("case", "status", "treated_as_child_now"),
                    ("opened_by", "opened_at", "overseen_by"),
                    "why_last_resort",
                    ("consent_given", "language_of_consent", "consent_told_no_penalty"),
                    "what_child_was_told",
                    ("child_has_disability", "adaptation"),
                ),
                "description": gettext_lazy(
                    "Sealed values are opened with the child's key; opening this page is logged."
                ),
            },
        ),
        (
            gettext_lazy("Result and approval"),
            {
                "fields": (
                    ("result", "assessed_on", "birth_date_range"),
                    "grounds",
                    ("result_recorded_by", "result_recorded_at"),
                    ("approved_by", "approved_at"),
                    "told_how_to_appeal",
                    ("appeal_period_ends_at", "standing_now"),
                    ("stopped_at", "why_stopped"),
                )
            },
        ),
    )
    result_fieldsets = (
        (
            gettext_lazy("Record the result"),
            {"fields": ("result", ("youngest_age", "oldest_age"), "assessed_on", "grounds")},
        ),
    )
    approval_fieldsets = ((gettext_lazy("Approve the conclusion"), {"fields": ("appeal_information", "approve")}),)
    stop_fieldsets = ((gettext_lazy("Stop"), {"fields": ("stop_reason",)}),)

    adaptation = _sealed_display("disability_adaptation", gettext_lazy("adaptation to the disability"))
    why_last_resort = _sealed_display(
        "last_resort_reason", gettext_lazy("why documents and interviews could not settle the age")
    )
    language_of_consent = _sealed_display("consent_language", gettext_lazy("language of the consent"))
    what_child_was_told = _sealed_display(
        "consent_explanation", gettext_lazy("what the child was told the assessment involves")
    )
    told_how_to_appeal = _sealed_display("appeal_information", gettext_lazy("how the child was told to appeal"))
    why_stopped = _sealed_display("stop_reason", gettext_lazy("why it stopped"))

    def scoped(self, actor: User) -> QuerySet[AgeAssessment]:
        return selectors.assessment_list(actor=actor)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        # The record read-only; below it, only the step its status allows.
        steps: Any = {
            AssessmentStatus.OPEN: self.result_fieldsets + self.stop_fieldsets,
            AssessmentStatus.CONCLUDED: self.approval_fieldsets + self.stop_fieldsets,
        }.get(obj.status, ())
        return self._record_fieldsets(obj) + steps

    def _record_fieldsets(self, obj: AgeAssessment) -> Any:
        # The step's own fields (result, grounds, ...) stand in for the read-only ones of the same name.
        if obj.status == AssessmentStatus.OPEN:
            return self.record_fieldsets[:1]
        if obj.status == AssessmentStatus.CONCLUDED:
            recorded = (
                ("result", "assessed_on", "birth_date_range"),
                "grounds",
                ("result_recorded_by", "result_recorded_at"),
            )
            return (*self.record_fieldsets[:1], (gettext_lazy("Result"), {"fields": recorded}))
        return self.record_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        editable = {
            AssessmentStatus.OPEN: {"result", "assessed_on", "grounds"},
        }.get(obj.status, set())
        return tuple(f for f in self.readonly_fields if f not in editable)

    @admin.display(description=gettext_lazy("range of birth dates"))
    def birth_date_range(self, obj: AgeAssessment) -> str:
        if obj.result != AssessmentResult.RANGE:
            return ""
        earliest = _opened(obj, obj.case, "earliest_birth_date")
        latest = _opened(obj, obj.case, "latest_birth_date")
        return _("%(earliest)s to %(latest)s (the latest counts)") % {"earliest": earliest, "latest": latest}

    @admin.display(description=gettext_lazy("appeals"))
    def standing_now(self, obj: AgeAssessment) -> str:
        if obj.status != AssessmentStatus.APPROVED or obj.result != AssessmentResult.RANGE:
            return ""
        labels = {
            selectors.Standing.PERIOD_RUNNING: _("appeal period running"),
            selectors.Standing.APPEAL_PENDING: _("appeal pending"),
            selectors.Standing.UPHELD: _("upheld on appeal"),
            selectors.Standing.OVERTURNED: _("overturned on appeal"),
            selectors.Standing.PERIOD_PASSED: _("appeal period passed"),
        }
        return str(labels[selectors.conclusion_standing(obj, timezone.now())])

    @admin.display(description=gettext_lazy("treated as a child now"), boolean=True)
    def treated_as_child_now(self, obj: AgeAssessment) -> bool:
        return selectors.is_treated_as_child(child=obj.case.child, at=timezone.now())

    def write(self, actor: User, obj: Any, form: Any, change: bool) -> models.Model | None:
        data = form.cleaned_data
        if not change:
            return services.assessment_open(
                actor=actor, case=data["case"], last_resort_reason=data["last_resort_reason"], consent=form.consent(),
                professionals=form.professionals(), child_has_disability=data["child_has_disability"],
                disability_adaptation=data["disability_adaptation"],
            )  # fmt: skip
        if data.get("stop_reason", "").strip():
            return services.assessment_stop(actor=actor, assessment=obj, reason=data["stop_reason"])
        if obj.status == AssessmentStatus.OPEN and data.get("result") == AssessmentResult.RANGE:
            return services.assessment_result_record(
                actor=actor, assessment=obj, youngest_age=data["youngest_age"], oldest_age=data["oldest_age"],
                grounds=data["grounds"], assessed_on=data["assessed_on"],
            )  # fmt: skip
        if obj.status == AssessmentStatus.OPEN and data.get("result") == AssessmentResult.INCONCLUSIVE:
            return services.assessment_inconclusive_record(actor=actor, assessment=obj)
        if obj.status == AssessmentStatus.CONCLUDED and data.get("approve"):
            return services.assessment_conclusion_approve(
                actor=actor, assessment=obj, appeal_information=data["appeal_information"]
            )
        return None


@admin.register(AssessmentMethod)
class AssessmentMethodAdmin(AgeAdmin):
    sealed = ("findings",)
    list_display = ("assessment", "kind", "outcome", "recorded_at")
    list_select_related = ("assessment__case",)
    search_fields = ("assessment__case__reference",)
    view_only = True
    add_form = MethodAddForm
    add_fieldsets = (
        (
            None,
            {
                "fields": ("assessment", "kind", "involves_undressing", "outcome", "findings"),
                "description": gettext_lazy(
                    "Least intrusive first: a medical method only after an inconclusive psycho-social assessment. "
                    "Genital or nude examination is never part of an assessment."
                ),
            },
        ),
    )
    change_fieldsets = ((None, {"fields": ("assessment", "kind", "outcome", "opened_findings", "recorded_by",
                                           "recorded_at")}),)  # fmt: skip
    readonly_fields = ("assessment", "kind", "outcome", "opened_findings", "recorded_by", "recorded_at")

    opened_findings = _sealed_display("findings", gettext_lazy("findings"))

    def case_of(self, obj: Any) -> Case:
        return cast("Case", obj.assessment.case)

    def scoped(self, actor: User) -> QuerySet[AssessmentMethod]:
        return selectors.assessment_method_list(actor=actor)

    def write(self, actor: User, obj: Any, form: Any, change: bool) -> models.Model | None:
        data = form.cleaned_data
        return services.assessment_method_record(
            actor=actor, assessment=data["assessment"], kind=data["kind"], outcome=data["outcome"],
            findings=data["findings"], involves_undressing=data["involves_undressing"],
        )  # fmt: skip


# --- Appeals -------------------------------------------------------------------------------
@admin.register(AgeAppeal)
class AgeAppealAdmin(AgeAdmin):
    sealed = ("grounds",)
    list_display = ("assessment", "lodged_at", "outcome", "decided_at")
    list_select_related = ("assessment__case",)
    search_fields = ("assessment__case__reference",)
    add_form = AppealAddForm
    change_form = AppealChangeForm
    add_fieldsets = ((None, {"fields": ("assessment", "grounds")}),)
    readonly_fields = (
        "assessment", "lodged_by", "lodged_at", "opened_grounds", "outcome", "decided_at", "decided_by",
        "decision_recorded_by",
    )  # fmt: skip

    opened_grounds = _sealed_display("grounds", gettext_lazy("grounds"))

    def case_of(self, obj: Any) -> Case:
        return cast("Case", obj.assessment.case)

    def scoped(self, actor: User) -> QuerySet[AgeAppeal]:
        return selectors.appeal_list(actor=actor)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        record = ((None, {"fields": ("assessment", ("lodged_by", "lodged_at"), "opened_grounds")}),)
        if obj.decided_at is None:
            return (*record, (gettext_lazy("Decision"), {"fields": ("outcome", "decided_by")}))
        return (*record, (gettext_lazy("Decision"), {"fields": (("outcome", "decided_at", "decided_by"),
                                                                "decision_recorded_by")}))  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        if obj.decided_at is None:
            return tuple(f for f in self.readonly_fields if f not in {"outcome", "decided_by"})
        return self.readonly_fields

    def write(self, actor: User, obj: Any, form: Any, change: bool) -> models.Model | None:
        data = form.cleaned_data
        if not change:
            return services.age_appeal_lodge(actor=actor, assessment=data["assessment"], grounds=data["grounds"])
        if data.get("outcome"):
            return services.age_appeal_decide(
                actor=actor, appeal=obj, outcome=data["outcome"], decided_by=data["decided_by"]
            )
        return None


# --- Treating the person as an adult -------------------------------------------------------
@admin.register(AdultTreatment)
class AdultTreatmentAdmin(AgeAdmin):
    sealed = ("reason",)
    list_display = ("case", "purpose", "urgent", "recorded_at")
    list_select_related = ("case",)
    list_filter = ("purpose", "urgent")
    search_fields = ("case__reference",)
    view_only = True
    add_form = AdultTreatmentAddForm
    add_fieldsets = (
        (
            None,
            {
                "fields": ("case", "purpose", "reason", "urgent"),
                "description": gettext_lazy(
                    "Refused while the person is presumed a child: until an undisputed identity document that is "
                    "not flagged as possibly false, or an approved assessment conclusion past its appeal period, "
                    "shows they are an adult."
                ),
            },
        ),
    )
    change_fieldsets = (
        (
            None,
            {
                "fields": (
                    "case", "purpose", "why", "urgent", ("ended_by_document", "ended_by_assessment"),
                    ("recorded_by", "recorded_at"),
                )
            },
        ),
    )  # fmt: skip
    readonly_fields = (
        "case", "purpose", "why", "urgent", "ended_by_document", "ended_by_assessment", "recorded_by", "recorded_at",
    )  # fmt: skip

    why = _sealed_display("reason", gettext_lazy("why"))

    def scoped(self, actor: User) -> QuerySet[AdultTreatment]:
        return selectors.adult_treatment_list(actor=actor)

    def write(self, actor: User, obj: Any, form: Any, change: bool) -> models.Model | None:
        data = form.cleaned_data
        return services.adult_treatment_record(
            actor=actor, case=data["case"], purpose=data["purpose"], reason=data["reason"], urgent=data["urgent"]
        )
