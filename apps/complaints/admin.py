"""Complaints in the admin: lodged by guardians for their wards and by staff for a child.

The list and every page are `complaint_list`: a complaint that names the user does not
exist for them here (not listed, not counted, a 404 by id), whatever else they may see.
A complaint is lodged through `complaint_lodge`; its review is started and its answer
recorded through `complaint_review_start` and `complaint_answer` (admin actions). Nothing
is edited in place or deleted. Superuser status and model permissions add nothing.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Membership, Role, User
from apps.cases.access import Action, cases_for
from apps.cases.models import Case
from apps.casework.admin import CASE_ROLES, ScopedAdmin, ServiceForm, actor_of, opened, text_field
from apps.complaints import selectors, services
from apps.complaints.models import AnswerChannel, Complaint, ComplaintAbout, ComplaintStatus, LodgedBy
from apps.guardianship.selectors import active_appointments

COMPLAINT_ROLES = frozenset({*CASE_ROLES, Role.GUARDIAN, Role.AGENCY_ADMIN})


def lodgeable_cases(actor: User) -> QuerySet[Case]:
    """The actor's wards, and the cases they work on as staff (to record a child's complaint)."""
    return cases_for(actor, Action.WORK_OR_GUARD)


def nameable_people(cases: QuerySet[Case]) -> QuerySet[User]:
    """Staff of the agencies owning these cases, and the guardians appointed to them."""
    staff = Membership.objects.active().filter(agency__in=cases.values("owning_agency")).values("user_id")
    guardians = active_appointments(at=timezone.now()).filter(case__in=cases.values("pk")).values("guardian_id")
    return User.objects.filter(Q(pk__in=staff) | Q(pk__in=guardians), is_active=True).order_by("full_name", "email")


class ComplaintAddForm(ServiceForm):
    lodged_by = forms.ChoiceField(label=gettext_lazy("Lodged by"), choices=LodgedBy.choices)
    about = forms.ChoiceField(label=gettext_lazy("About"), choices=ComplaintAbout.choices)
    named_people = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Staff members it is about"), queryset=User.objects.none(), required=False,
        help_text=gettext_lazy("They will never see this complaint, anywhere."),
    )  # fmt: skip
    complaint_text = text_field(
        gettext_lazy("The complaint"), rows=8,
        help_text=gettext_lazy("In the child's or guardian's own words. Stored sealed with the child's own key."),
    )  # fmt: skip
    lodged_at = forms.SplitDateTimeField(
        label=gettext_lazy("Lodged"), required=False, widget=widgets.AdminSplitDateTime,
        help_text=gettext_lazy("Leave empty for now."),
    )  # fmt: skip

    class Meta:
        model = Complaint
        fields = ()

    def cases(self, actor: User) -> QuerySet[Case]:
        return lodgeable_cases(actor).order_by("reference")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self.choices("named_people").queryset = nameable_people(lodgeable_cases(self.actor))

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "lodged_by": data["lodged_by"], "about": data["about"],
                "named": list(data["named_people"]), "text": data["complaint_text"],
                "lodged_at": data["lodged_at"]}  # fmt: skip


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("The answer given to the child"), max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}), help_text=gettext_lazy("Stored sealed with the child's own key."),
    )  # fmt: skip
    channel = forms.ChoiceField(label=gettext_lazy("How it was given"), choices=AnswerChannel.choices)
    given_at = forms.SplitDateTimeField(
        label=gettext_lazy("Given"), required=False, widget=widgets.AdminSplitDateTime,
        help_text=gettext_lazy("Leave empty for now."),
    )  # fmt: skip


class StartForm(forms.Form):
    """Nothing to ask: the review starts now, with the user's name."""


class _StatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in ComplaintStatus.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(Complaint)
class ComplaintAdmin(ScopedAdmin):
    add_form = ComplaintAddForm
    add_fields = ("case", "lodged_by", "about", "named_people", "complaint_text", "lodged_at")
    fields = (
        "case", "lodged_by", "recorded_by", "lodged_at", "about", "people_named", "opened_text", "status",
        "reviewer", "reviewer_basis", "answer_due_at", "review_started_at", "opened_answer", "answered_at",
        "answer_channel", "answered_by",
    )  # fmt: skip
    view_roles = COMPLAINT_ROLES
    add_roles = frozenset({*CASE_ROLES, Role.GUARDIAN})
    list_display = ("__str__", "lodged_by", "about", "status", "lodged_at", "answer_due_at", "reviewer")
    list_filter = (_StatusFilter, "lodged_by", "about")
    list_select_related = ("case", "reviewer")
    search_fields = ("case__reference",)
    actions = ("start_review", "record_answer")

    def scope(self, actor: User) -> QuerySet[Complaint]:
        return selectors.complaint_list(actor=actor)

    def record(self, actor: User, arguments: dict[str, Any]) -> models.Model:
        return services.complaint_lodge(actor=actor, **arguments)

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
        return opened(obj, "text")

    @admin.display(description=gettext_lazy("the answer given to the child"))
    def opened_answer(self, obj: Complaint) -> str:
        return opened(obj, "answer") or "—"

    @admin.action(description=gettext_lazy("Start the review"))
    def start_review(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> HttpResponse | None:
        actor = actor_of(request)

        def apply(complaint: Complaint, data: dict[str, Any]) -> str:
            services.complaint_review_start(actor=actor, complaint=complaint)
            return _("%(complaint)s: under review.") % {"complaint": complaint}

        return self.confirm_then(request, queryset, action="start_review", title=_("Start the review"),
                                 form_class=StartForm, apply=apply)  # fmt: skip

    @admin.action(description=gettext_lazy("Record the answer given to the child"))
    def record_answer(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> HttpResponse | None:
        actor = actor_of(request)

        def apply(complaint: Complaint, data: dict[str, Any]) -> str:
            services.complaint_answer(actor=actor, complaint=complaint, answer=data["answer"],
                                      channel=data["channel"], given_at=data["given_at"])  # fmt: skip
            return _("%(complaint)s: answered.") % {"complaint": complaint}

        return self.confirm_then(request, queryset, action="record_answer",
                                 title=_("Record the answer given to the child"), form_class=AnswerForm,
                                 apply=apply)  # fmt: skip
