"""Notes, the care plan, conferences and the case timeline in the admin.

The same scope and services as every channel. Staff users who hold an active caseworker
or supervisor membership work here; guardians ask for conferences for their wards and read
the timeline of their wards' cases. Superuser status and model permissions add nothing.
Lists are scoped by the selectors (a restricted note outside the user's level is not in
the list, the count or a page: a 404); records are added through the services, never
edited in place and never deleted; what follows a record (a goal's status, an action
done, a review held) is an admin action that calls its service. The forms are in
apps/casework/forms.py; the admin base is the kit's `ServiceAdmin` (apps/core/admin.py).
"""

from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.audit.models import Channel
from apps.cases.access import Action, roles_for
from apps.cases.models import Case
from apps.cases.reading import Denial
from apps.casework import selectors, services
from apps.casework.forms import (
    ActionAddForm,
    ConferenceAddForm,
    ConferenceRequestAddForm,
    ConfirmForm,
    DecisionAddForm,
    GoalAddForm,
    NoteAddForm,
    ReviewAddForm,
    ReviewHeldForm,
    StatusForm,
)
from apps.casework.models import (
    CarePlanAction,
    CarePlanGoal,
    CarePlanReview,
    CaseConference,
    CaseNote,
    ConferenceDecision,
    ConferenceRequest,
)
from apps.core.admin import ServiceAdmin, acting_user, staff_roles

TIMELINE_TEMPLATE = "admin/casework/timeline.html"


def timeline_link(case: Case) -> str:
    """A link to the case's timeline page, for the case's own page."""
    url = reverse("admin:casework_case_timeline", args=[case.pk])
    return format_html('<a href="{}">{}</a>', url, _("Open the case timeline"))


@admin.register(CaseNote)
class CaseNoteAdmin(ServiceAdmin):
    add_form = NoteAddForm
    record = services.note_write
    sealed = ("body",)
    add_fieldsets = ((None, {"fields": ("case", "access", "body_text", "not_investigative", "supersedes")}),)
    fields = ("case", "access", "opened_body", "written_by", "written_at", "supersedes", "corrected_by")
    readonly_fields = fields
    list_display = ("__str__", "access", "written_by", "written_at", "supersedes")
    list_filter = ("access",)
    list_select_related = ("case", "written_by", "supersedes__case")
    search_fields = ("case__reference",)

    def scope(self, actor: User) -> QuerySet[CaseNote]:
        return selectors.note_list(actor=actor)

    @admin.display(description=gettext_lazy("note"))
    def opened_body(self, obj: CaseNote) -> str:
        return self.opened(obj, "body")

    @admin.display(description=gettext_lazy("corrected by"))
    def corrected_by(self, obj: CaseNote) -> str:
        # Only a correction the user may read is named.
        later = selectors.note_list(actor=self._viewer).filter(supersedes=obj).first()
        return str(later) if later is not None else "—"

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:  # fmt: skip
        self._viewer = acting_user(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    # The case timeline: a read-only page of its own, reached from the case's page.
    def get_urls(self) -> list[Any]:
        timeline = path(
            "timeline/<int:case_id>/", self.admin_site.admin_view(self.timeline_view), name="casework_case_timeline"
        )
        return [timeline, *super().get_urls()]

    def timeline_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        actor = acting_user(request)
        case = Case.objects.select_related("child", "owning_agency").filter(pk=case_id).first()
        if case is None or not roles_for(Action.WORK_OR_GUARD, staff_roles(request)):
            # Refused like any other read of a child's record: logged, with the case when there is one.
            Denial(actor=actor, case_ids=(case.pk if case else None,), action="timeline", channel=Channel.ADMIN).log()
            raise Http404
        entries = selectors.case_timeline(actor=actor, case=case, channel=Channel.ADMIN)
        case_url = (
            reverse("admin:cases_case_change", args=[case.pk]) if roles_for(Action.WORK, staff_roles(request)) else ""
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Timeline of %(case)s") % {"case": case.reference}, "subtitle": None, "case": case,
            "case_url": case_url, "entries": entries, "opts": self.opts,
        }  # fmt: skip
        return TemplateResponse(request, TIMELINE_TEMPLATE, context)


@admin.register(CarePlanGoal)
class CarePlanGoalAdmin(ServiceAdmin):
    add_form = GoalAddForm
    record = services.care_plan_goal_set
    sealed = ("text",)
    add_fieldsets = ((None, {"fields": ("case", "area", "goal_text")}),)
    fields = ("case", "area", "opened_text", "status", "status_changed_at", "recorded_by", "recorded_at")
    readonly_fields = fields
    list_display = ("__str__", "area", "status", "recorded_at")
    list_filter = ("area", "status")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("set_status",)

    def scope(self, actor: User) -> QuerySet[CarePlanGoal]:
        return selectors.goal_list(actor=actor)

    @admin.display(description=gettext_lazy("goal"))
    def opened_text(self, obj: CarePlanGoal) -> str:
        return self.opened(obj, "text")

    @admin.action(description=gettext_lazy("Change the goal's status"))
    def set_status(self, request: HttpRequest, queryset: QuerySet[CarePlanGoal]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(goal: CarePlanGoal, data: dict[str, Any]) -> str:
            done = services.care_plan_goal_status_set(actor=actor, goal=goal, status=data["status"])
            return _("%(goal)s: %(status)s.") % {"goal": goal, "status": done.get_status_display()}

        return self.confirm_then(request, queryset, action="set_status", title=_("Change the goals' status"),
                                 form_class=StatusForm, apply=apply)  # fmt: skip


@admin.register(CarePlanAction)
class CarePlanActionAdmin(ServiceAdmin):
    add_form = ActionAddForm
    record = services.care_plan_action_add
    sealed = ("text",)
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "case",
                    "goal",
                    "action_text",
                    "responsible",
                    "responsible_person",
                    "responsible_agency",
                    "due_on",
                )
            },
        ),
    )
    fields = ("case", "goal", "opened_text", "responsible", "responsible_person", "responsible_agency", "due_on",
              "done_at", "done_by", "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields
    list_display = ("__str__", "responsible", "responsible_person", "responsible_agency", "due_on", "done_at")
    list_filter = ("responsible", ("done_at", admin.EmptyFieldListFilter))
    list_select_related = ("case", "responsible_person", "responsible_agency")
    search_fields = ("case__reference",)
    actions = ("mark_done",)

    def scope(self, actor: User) -> QuerySet[CarePlanAction]:
        return selectors.action_list(actor=actor)

    @admin.display(description=gettext_lazy("what is to be done"))
    def opened_text(self, obj: CarePlanAction) -> str:
        return self.opened(obj, "text")

    @admin.action(description=gettext_lazy("Mark as done"))
    def mark_done(self, request: HttpRequest, queryset: QuerySet[CarePlanAction]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(action: CarePlanAction, data: dict[str, Any]) -> str:
            services.care_plan_action_done(actor=actor, action=action)
            return _("%(action)s: done.") % {"action": action}

        return self.confirm_then(request, queryset.filter(done_at__isnull=True), action="mark_done",
                                 title=_("Mark actions as done"), form_class=ConfirmForm, apply=apply)  # fmt: skip


@admin.register(CarePlanReview)
class CarePlanReviewAdmin(ServiceAdmin):
    add_form = ReviewAddForm
    record = services.care_plan_review_schedule
    sealed = ("outcome",)
    add_fieldsets = ((None, {"fields": ("case", "due_on")}),)
    fields = ("case", "due_on", "held_at", "held_by", "opened_outcome", "scheduled_by", "scheduled_at")
    readonly_fields = fields
    list_display = ("__str__", "due_on", "held_at")
    list_filter = (("held_at", admin.EmptyFieldListFilter),)
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("record_review",)

    def scope(self, actor: User) -> QuerySet[CarePlanReview]:
        return selectors.review_list(actor=actor)

    @admin.display(description=gettext_lazy("what the review found"))
    def opened_outcome(self, obj: CarePlanReview) -> str:
        return self.opened(obj, "outcome")

    @admin.action(description=gettext_lazy("Record the review"))
    def record_review(self, request: HttpRequest, queryset: QuerySet[CarePlanReview]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(review: CarePlanReview, data: dict[str, Any]) -> str:
            services.care_plan_review_record(actor=actor, review=review, outcome=data["outcome"],
                                             held_at=data["held_at"])  # fmt: skip
            return _("%(review)s: recorded.") % {"review": review}

        return self.confirm_then(request, queryset.filter(held_at__isnull=True), action="record_review",
                                 title=_("Record the review"), form_class=ReviewHeldForm, apply=apply)  # fmt: skip


@admin.register(CaseConference)
class CaseConferenceAdmin(ServiceAdmin):
    add_form = ConferenceAddForm
    record = services.conference_record
    sealed = ("summary",)
    add_fieldsets = (
        (
            None,
            {"fields": ("case", "held_at", "participant_users", "outside", "represented", "summary_text", "answers")},
        ),
    )
    fields = ("case", "held_at", "who_took_part", "agencies_represented", "opened_summary", "decisions_taken",
              "request", "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields
    list_display = ("__str__", "held_at", "recorded_by")
    list_select_related = ("case", "recorded_by")
    search_fields = ("case__reference",)

    def scope(self, actor: User) -> QuerySet[CaseConference]:
        return selectors.conference_list(actor=actor)

    @admin.display(description=gettext_lazy("who took part"))
    def who_took_part(self, obj: CaseConference) -> str:
        names = [str(p) for p in obj.participants.all()] + [str(p) for p in obj.outside_participants.all()]
        return ", ".join(names)

    @admin.display(description=gettext_lazy("agencies represented"))
    def agencies_represented(self, obj: CaseConference) -> str:
        return ", ".join(str(a) for a in obj.agencies.all())

    @admin.display(description=gettext_lazy("summary"))
    def opened_summary(self, obj: CaseConference) -> str:
        return self.opened(obj, "summary")

    @admin.display(description=gettext_lazy("decisions"))
    def decisions_taken(self, obj: CaseConference) -> str:
        rows = []
        for decision in obj.decisions.select_related("responsible_person", "responsible_agency"):
            who = str(decision.responsible_person or decision.responsible_agency or decision.get_responsible_display())
            text = self.opened(decision, "text", case=obj.case)
            rows.append(f"{text} — {who}, {decision.due_on}")
        return " / ".join(rows) or "—"


@admin.register(ConferenceDecision)
class ConferenceDecisionAdmin(ServiceAdmin):
    add_form = DecisionAddForm
    record = services.conference_decision_add
    sealed = ("text",)
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "conference",
                    "decision_text",
                    "responsible",
                    "responsible_person",
                    "responsible_agency",
                    "due_on",
                )
            },
        ),
    )
    fields = ("conference", "opened_text", "responsible", "responsible_person", "responsible_agency", "due_on")
    readonly_fields = fields
    list_display = ("__str__", "conference", "responsible", "due_on")
    list_select_related = ("conference__case",)

    def scope(self, actor: User) -> QuerySet[ConferenceDecision]:
        conferences = selectors.conference_list(actor=actor).values("pk")
        return ConferenceDecision.objects.filter(conference__in=conferences).select_related(
            "conference__case__child", "responsible_person", "responsible_agency"
        )

    def case_of(self, obj: Any) -> Case:
        return cast("Case", obj.conference.case)

    @admin.display(description=gettext_lazy("decision"))
    def opened_text(self, obj: ConferenceDecision) -> str:
        return self.opened(obj, "text", case=obj.conference.case)


@admin.register(ConferenceRequest)
class ConferenceRequestAdmin(ServiceAdmin):
    add_form = ConferenceRequestAddForm
    record = services.conference_request
    sealed = ("reason",)
    add_fieldsets = ((None, {"fields": ("case", "reason_text")}),)
    fields = ("case", "requested_by", "requested_at", "opened_reason", "held_as")
    readonly_fields = fields
    add_action = Action.GUARD
    list_display = ("__str__", "requested_by", "requested_at", "held_as")
    list_select_related = ("case", "requested_by", "conference")

    def scope(self, actor: User) -> QuerySet[ConferenceRequest]:
        return selectors.conference_request_list(actor=actor)

    @admin.display(description=gettext_lazy("why a conference is needed"))
    def opened_reason(self, obj: ConferenceRequest) -> str:
        return self.opened(obj, "reason")

    @admin.display(description=gettext_lazy("held"))
    def held_as(self, obj: ConferenceRequest) -> str:
        conference = getattr(obj, "conference", None)
        return str(conference) if conference is not None else _("Not yet")
