"""Complaints in the admin: lodged by guardians for their wards and by staff for a child.

The list and every page are `complaint_list`: a complaint that names the user does not
exist for them here (not listed, not counted, a 404 by id), whatever else they may see.
A complaint is lodged through `complaint_lodge`; its review is started and its answer
recorded through `complaint_review_start` and `complaint_answer` (admin actions). Nothing
is edited in place or deleted. Superuser status and model permissions add nothing.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role, User
from apps.cases.access import Action, roles_for
from apps.complaints import selectors, services
from apps.complaints.forms import AnswerForm, ComplaintAddForm, StartForm
from apps.complaints.models import Complaint, ComplaintStatus
from apps.core.admin import ServiceAdmin, acting_user, staff_roles


class _StatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in ComplaintStatus.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(Complaint)
class ComplaintAdmin(ServiceAdmin):
    add_form = ComplaintAddForm
    record = services.complaint_lodge
    sealed = ("text", "answer")
    add_fieldsets = ((None, {"fields": ("case", "lodged_by", "about", "named_people", "complaint_text", "lodged_at")}),)
    fields = (
        "case", "lodged_by", "recorded_by", "lodged_at", "about", "people_named", "opened_text", "status",
        "reviewer", "reviewer_basis", "answer_due_at", "review_started_at", "opened_answer", "answered_at",
        "answer_channel", "answered_by",
    )  # fmt: skip
    readonly_fields = fields
    # Guardians lodge for their wards, staff for a child; an agency's administrators review too.
    # Never a partner's: a complaint names staff, and no referral shares it.
    view_action = Action.WORK_OR_GUARD
    add_action = Action.WORK_OR_GUARD
    list_display = ("__str__", "lodged_by", "about", "status", "lodged_at", "answer_due_at", "reviewer")
    list_filter = (_StatusFilter, "lodged_by", "about")
    list_select_related = ("case", "reviewer")
    search_fields = ("case__reference",)
    actions = ("start_review", "record_answer")

    def scope(self, actor: User) -> QuerySet[Complaint]:
        return selectors.complaint_list(actor=actor)

    def may_work(self, request: HttpRequest) -> bool:
        held = staff_roles(request)
        return bool(roles_for(self.view_action, held)) or Role.AGENCY_ADMIN in held

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.reviewer_id is None:
            self.message_user(
                request,
                _("No one in the agency can review this complaint: every supervisor and administrator is named. "
                  "The guardian was told; it is routed as soon as someone can take it."),
                messages.WARNING,
            )  # fmt: skip

    @admin.display(description=gettext_lazy("people named"))
    def people_named(self, obj: Complaint) -> str:
        return ", ".join(str(person) for person in selectors.named_people(complaint=obj)) or "—"

    @admin.display(description=gettext_lazy("the complaint"))
    def opened_text(self, obj: Complaint) -> str:
        return self.opened(obj, "text")

    @admin.display(description=gettext_lazy("the answer given to the child"))
    def opened_answer(self, obj: Complaint) -> str:
        return self.opened(obj, "answer") or "—"

    @admin.action(description=gettext_lazy("Start the review"))
    def start_review(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(complaint: Complaint, data: dict[str, Any]) -> str:
            services.complaint_review_start(actor=actor, complaint=complaint)
            return _("%(complaint)s: under review.") % {"complaint": complaint}

        return self.confirm_then(request, queryset, action="start_review", title=_("Start the review"),
                                 form_class=StartForm, apply=apply)  # fmt: skip

    @admin.action(description=gettext_lazy("Record the answer given to the child"))
    def record_answer(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(complaint: Complaint, data: dict[str, Any]) -> str:
            services.complaint_answer(actor=actor, complaint=complaint, answer=data["answer"],
                                      channel=data["channel"], given_at=data["given_at"])  # fmt: skip
            return _("%(complaint)s: answered.") % {"complaint": complaint}

        return self.confirm_then(request, queryset, action="record_answer",
                                 title=_("Record the answer given to the child"), form_class=AnswerForm,
                                 apply=apply)  # fmt: skip
