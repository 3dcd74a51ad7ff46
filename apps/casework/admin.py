"""Notes, the care plan, conferences and the case timeline in the admin.

The same scope and services as every channel. Staff users who hold an active caseworker
or supervisor membership work here; guardians ask for conferences for their wards and read
the timeline of their wards' cases. Superuser status and model permissions add nothing.
Lists are scoped by the selectors (a restricted note outside the user's level is not in
the list, the count or a page: a 404); records are added through the services, never
edited in place and never deleted; what follows a record (a goal's status, an action
done, a review held) is an admin action that calls its service.
"""

from collections.abc import Callable
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Agency, Role, User
from apps.audit.models import Channel
from apps.cases.access import Action, cases_for
from apps.cases.models import Case
from apps.cases.reading import Denial, ReadLoggedAdmin, current_reader
from apps.casework import selectors, services
from apps.casework.models import (
    NOT_AN_INVESTIGATIVE_ACCOUNT,
    CarePlanAction,
    CarePlanGoal,
    CarePlanReview,
    CaseConference,
    CaseNote,
    ConferenceDecision,
    ConferenceRequest,
    GoalArea,
    GoalStatus,
    NoteAccess,
    Responsible,
)
from apps.core.admin import ACTION_REFUSALS, ACTION_TEMPLATE, ServiceRefusalsMixin, staff_roles

CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
TIMELINE_ROLES = CASE_ROLES | {Role.GUARDIAN}
TIMELINE_TEMPLATE = "admin/casework/timeline.html"


def actor_of(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def roles_of(request: HttpRequest) -> set[str]:
    """The roles the staff user holds in any agency now; read once per request."""
    return set(staff_roles(request))


def became(obj: models.Model, created: models.Model) -> None:
    """The admin's unsaved instance takes the values of the record the service created."""
    for field in created._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False


def timeline_link(case: Case) -> str:
    """A link to the case's timeline page, for the case's own page."""
    url = reverse("admin:casework_case_timeline", args=[case.pk])
    return format_html('<a href="{}">{}</a>', url, _("Open the case timeline"))


def opened(obj: models.Model, column: str, *, case: Case | None = None) -> str:
    """A sealed value of a record reached through a scoped selector (of `case`, or its own), for
    the person the page is for: the read is logged by the page's reader."""
    of_case = case if case is not None else cast("Case", getattr(obj, "case"))  # noqa: B009 - any record
    value = current_reader().text(obj, column, case=of_case)
    return _("Anonymised") if value is None else value


# --- Forms ----------------------------------------------------------------------------------------
class ServiceForm(forms.ModelForm):  # type: ignore[type-arg]
    """The arguments of one service call; the service validates them and writes."""

    actor: User | None = None  # set per request by ScopedAdmin.get_form

    case = forms.ModelChoiceField(label=gettext_lazy("Case"), queryset=Case.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self.choices("case").queryset = self.cases(self.actor)

    def cases(self, actor: User) -> QuerySet[Case]:
        return cases_for(actor, Action.WORK).order_by("reference")

    def choices(self, name: str) -> "forms.ModelChoiceField[Any]":
        return cast("forms.ModelChoiceField[Any]", self.fields[name])

    def _post_clean(self) -> None:
        pass

    def arguments(self) -> dict[str, Any]:
        raise NotImplementedError


def text_field(label: Any, *, required: bool = True, help_text: Any = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text
    )


def people() -> QuerySet[User]:
    return User.objects.filter(is_active=True, memberships__isnull=False).distinct().order_by("full_name", "email")


class NoteAddForm(ServiceForm):
    access = forms.ChoiceField(label=gettext_lazy("Who may read it"), choices=NoteAccess.choices)
    body_text = text_field(gettext_lazy("Note"), rows=8, help_text=NOT_AN_INVESTIGATIVE_ACCOUNT)
    # Not required here: the service refuses an undeclared note, and says why.
    not_investigative = forms.BooleanField(
        label=gettext_lazy("This note is not an investigative account"), required=False,
        help_text=gettext_lazy("Required. The exploitation narrative, suspects and evidence are the police's."),
    )  # fmt: skip
    supersedes = forms.ModelChoiceField(
        label=gettext_lazy("Corrects"), queryset=CaseNote.objects.none(), required=False,
        help_text=gettext_lazy("Notes are never changed: a correction is a new note that supersedes the old one."),
    )  # fmt: skip

    class Meta:
        model = CaseNote
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self.choices("supersedes").queryset = selectors.note_list(actor=self.actor)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "access": data["access"], "body": data["body_text"],
                "not_investigative": data["not_investigative"], "supersedes": data["supersedes"]}  # fmt: skip


class GoalAddForm(ServiceForm):
    area = forms.ChoiceField(label=gettext_lazy("Area"), choices=GoalArea.choices)
    goal_text = text_field(gettext_lazy("Goal"), help_text=gettext_lazy("Stored sealed with the child's own key."))

    class Meta:
        model = CarePlanGoal
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "area": data["area"], "text": data["goal_text"]}


class WhoFields(ServiceForm):
    responsible = forms.ChoiceField(label=gettext_lazy("Who does it"), choices=Responsible.choices)
    responsible_person = forms.ModelChoiceField(
        label=gettext_lazy("Person"), queryset=User.objects.none(), required=False
    )
    responsible_agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"), queryset=Agency.objects.filter(is_active=True), required=False
    )
    due_on = forms.DateField(label=gettext_lazy("By"), widget=widgets.AdminDateWidget)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices("responsible_person").queryset = people()

    def who(self) -> services.Who:
        data = self.cleaned_data
        return services.Who(data["responsible"], data["responsible_person"], data["responsible_agency"])


class ActionAddForm(WhoFields):
    goal = forms.ModelChoiceField(label=gettext_lazy("Goal"), queryset=CarePlanGoal.objects.none(), required=False)
    action_text = text_field(gettext_lazy("What is to be done"), rows=3)

    class Meta:
        model = CarePlanAction
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self.choices("goal").queryset = selectors.goal_list(actor=self.actor)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "goal": data["goal"], "text": data["action_text"], "who": self.who(),
                "due_on": data["due_on"]}  # fmt: skip


class ReviewAddForm(ServiceForm):
    due_on = forms.DateField(label=gettext_lazy("Review by"), widget=widgets.AdminDateWidget)

    class Meta:
        model = CarePlanReview
        fields = ()

    def arguments(self) -> dict[str, Any]:
        return {"case": self.cleaned_data["case"], "due_on": self.cleaned_data["due_on"]}


class ConferenceAddForm(ServiceForm):
    held_at = forms.SplitDateTimeField(label=gettext_lazy("Held"), widget=widgets.AdminSplitDateTime)
    participant_users = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Participants"), queryset=User.objects.none(), required=False
    )
    outside = text_field(
        gettext_lazy("Outside participants"), required=False, rows=3,
        help_text=gettext_lazy("One a line: name — agency."),
    )  # fmt: skip
    represented = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Agencies represented"), queryset=Agency.objects.filter(is_active=True), required=False
    )
    summary_text = text_field(gettext_lazy("Summary"), required=False)
    answers = forms.ModelChoiceField(
        label=gettext_lazy("Held at the guardian's request"), queryset=ConferenceRequest.objects.none(), required=False
    )

    class Meta:
        model = CaseConference
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices("participant_users").queryset = people()
        if self.actor is not None:
            open_requests = selectors.conference_request_list(actor=self.actor).filter(conference__isnull=True)
            self.choices("answers").queryset = open_requests

    def clean_outside(self) -> list[tuple[str, str]]:
        rows = []
        for line in str(self.cleaned_data["outside"]).splitlines():
            if not line.strip():
                continue
            name, _sep, agency = line.replace("—", "-").partition("-")
            if not name.strip() or not agency.strip():
                raise forms.ValidationError(_("Write each outside participant as: name — agency."))
            rows.append((name.strip(), agency.strip()))
        return rows

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "held_at": data["held_at"], "participants": data["participant_users"],
                "outside_participants": data["outside"], "agencies": data["represented"],
                "summary": data["summary_text"], "request": data["answers"]}  # fmt: skip


class DecisionAddForm(WhoFields):
    conference = forms.ModelChoiceField(label=gettext_lazy("Conference"), queryset=CaseConference.objects.none())
    decision_text = text_field(gettext_lazy("Decision"), rows=3)

    class Meta:
        model = ConferenceDecision
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].required = False
        if self.actor is not None:
            staff = cases_for(self.actor, Action.WORK).values("pk")
            self.choices("conference").queryset = selectors.conference_list(actor=self.actor).filter(case__in=staff)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        decision = services.DecisionInput(text=data["decision_text"], who=self.who(), due_on=data["due_on"])
        return {"conference": data["conference"], "decision": decision}


class ConferenceRequestAddForm(ServiceForm):
    reason_text = text_field(gettext_lazy("Why a conference is needed"), rows=4)

    class Meta:
        model = ConferenceRequest
        fields = ()

    def cases(self, actor: User) -> QuerySet[Case]:
        return cases_for(actor, Action.GUARD).order_by("reference")

    def arguments(self) -> dict[str, Any]:
        return {"case": self.cleaned_data["case"], "reason": self.cleaned_data["reason_text"]}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=GoalStatus.choices)


class ConfirmForm(forms.Form):
    """Nothing to ask: the action is recorded with the user's name and the time."""


class ReviewHeldForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("What the review found"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5})
    )
    held_at = forms.SplitDateTimeField(
        label=gettext_lazy("Held"), required=False, widget=widgets.AdminSplitDateTime,
        help_text=gettext_lazy("Leave empty for now."),
    )  # fmt: skip


# --- The admins ---------------------------------------------------------------------------
class ScopedAdmin(ServiceRefusalsMixin, ReadLoggedAdmin):
    """Scoped by a selector; added through a service; never changed in place or deleted."""

    add_form: ClassVar[type[ServiceForm]]
    add_fields: ClassVar[tuple[str, ...]]
    view_roles: ClassVar[frozenset[str]] = CASE_ROLES
    add_roles: ClassVar[frozenset[str]] = CASE_ROLES
    # Sealed values the record's page opens: a read of the child's record, logged.
    opens_sealed: ClassVar[bool] = True
    show_full_result_count = False

    def scope(self, actor: User) -> QuerySet[Any]:
        nothing: QuerySet[Any] = self.model._default_manager.none()
        return nothing

    def record(self, actor: User, arguments: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(roles_of(request) & self.view_roles)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(roles_of(request) & self.view_roles)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(roles_of(request) & self.add_roles)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scope(actor_of(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404  # out of scope answers like a record that does not exist
        return found

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = type(self.add_form.__name__, (self.add_form,), {"actor": actor_of(request)})
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        became(obj, self.record(actor_of(request), form.arguments()))

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
        if obj is not None and obj.pk is not None and self.opens_sealed:
            current_reader().note(self.case_of(obj))  # the page is a read of the case
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def case_of(self, obj: Any) -> Case:
        return cast("Case", obj.case)

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
        """Ask for the form's values, then apply them to each selected record through a service."""
        records = list(queryset)
        form = form_class(request.POST if request.POST.get("confirm") else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": title, "subtitle": None, "opts": self.opts, "action": action, "records": records,
                "form": form, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, "media": self.media + form.media,
            }  # fmt: skip
            return TemplateResponse(request, ACTION_TEMPLATE, context)
        for record in records:
            try:
                done = apply(record, form.cleaned_data)
            except ACTION_REFUSALS as refusal:
                self.message_refusal(request, refusal, about=str(record))
            else:
                self.message_user(request, done, messages.SUCCESS)
        return None


@admin.register(CaseNote)
class CaseNoteAdmin(ScopedAdmin):
    add_form = NoteAddForm
    add_fields = ("case", "access", "body_text", "not_investigative", "supersedes")
    fields = ("case", "access", "opened_body", "written_by", "written_at", "supersedes", "corrected_by")
    list_display = ("__str__", "access", "written_by", "written_at", "supersedes")
    list_filter = ("access",)
    list_select_related = ("case", "written_by", "supersedes__case")
    search_fields = ("case__reference",)

    def scope(self, actor: User) -> QuerySet[CaseNote]:
        return selectors.note_list(actor=actor)

    def record(self, actor: User, arguments: dict[str, Any]) -> models.Model:
        return services.note_write(actor=actor, **arguments)

    @admin.display(description=gettext_lazy("note"))
    def opened_body(self, obj: CaseNote) -> str:
        return opened(obj, "body")

    @admin.display(description=gettext_lazy("corrected by"))
    def corrected_by(self, obj: CaseNote) -> str:
        # Only a correction the user may read is named.
        later = selectors.note_list(actor=self._viewer).filter(supersedes=obj).first()
        return str(later) if later is not None else "—"

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:  # fmt: skip
        self._viewer = actor_of(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    # The case timeline: a read-only page of its own, reached from the case's page.
    def get_urls(self) -> list[Any]:
        timeline = path(
            "timeline/<int:case_id>/", self.admin_site.admin_view(self.timeline_view), name="casework_case_timeline"
        )
        return [timeline, *super().get_urls()]

    def timeline_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        actor = actor_of(request)
        case = Case.objects.select_related("child", "owning_agency").filter(pk=case_id).first()
        if case is None or not roles_of(request) & TIMELINE_ROLES:
            # Refused like any other read of a child's record: logged, with the case when there is one.
            Denial(actor=actor, case_ids=(case.pk if case else None,), action="timeline", channel=Channel.ADMIN).log()
            raise Http404
        entries = selectors.case_timeline(actor=actor, case=case, channel=Channel.ADMIN)
        case_url = reverse("admin:cases_case_change", args=[case.pk]) if roles_of(request) & CASE_ROLES else ""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Timeline of %(case)s") % {"case": case.reference}, "subtitle": None, "case": case,
            "case_url": case_url, "entries": entries, "opts": self.opts,
        }  # fmt: skip
        return TemplateResponse(request, TIMELINE_TEMPLATE, context)


@admin.register(CarePlanGoal)
class CarePlanGoalAdmin(ScopedAdmin):
    add_form = GoalAddForm
    add_fields = ("case", "area", "goal_text")
    fields = ("case", "area", "opened_text", "status", "status_changed_at", "recorded_by", "recorded_at")
    list_display = ("__str__", "area", "status", "recorded_at")
    list_filter = ("area", "status")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("set_status",)

    def scope(self, actor: User) -> QuerySet[CarePlanGoal]:
        return selectors.goal_list(actor=actor)

    def record(self, actor: User, arguments: dict[str, Any]) -> models.Model:
        return services.care_plan_goal_set(actor=actor, **arguments)

    @admin.display(description=gettext_lazy("goal"))
    def opened_text(self, obj: CarePlanGoal) -> str:
        return opened(obj, "text")

    @admin.action(description=gettext_lazy("Change the goal's status"))
    def set_status(self, request: HttpRequest, queryset: QuerySet[CarePlanGoal]) -> HttpResponse | None:
        actor = actor_of(request)

        def apply(goal: CarePlanGoal, data: dict[str, Any]) -> str:
            done = services.care_plan_goal_status_set(actor=actor, goal=goal, status=data["status"])
            return _("%(goal)s: %(status)s.") % {"goal": goal, "status": done.get_status_display()}

        return self.confirm_then(request, queryset, action="set_status", title=_("Change the goals' status"),
                                 form_class=StatusForm, apply=apply)  # fmt: skip


@admin.register(CarePlanAction)
class CarePlanActionAdmin(ScopedAdmin):
    add_form = ActionAddForm
    add_fields = ("case", "goal", "action_text", "responsible", "responsible_person", "responsible_agency", "due_on")
    fields = ("case", "goal", "opened_text", "responsible", "responsible_person", "responsible_agency", "due_on",
              "done_at", "done_by", "recorded_by", "recorded_at")  # fmt: skip
    list_display = ("__str__", "responsible", "responsible_person", "responsible_agency", "due_on", "done_at")
    list_filter = ("responsible", ("done_at", admin.EmptyFieldListFilter))
    list_select_related = ("case", "responsible_person", "responsible_agency")
    search_fields = ("case__reference",)
    actions = ("mark_done",)

    def scope(self, actor: User) -> QuerySet[CarePlanAction]:
        return selectors.action_list(actor=actor)

    def record(self, actor: User, arguments: dict[str, Any]) -> models.Model:
        return services.care_plan_action_add(actor=actor, **arguments)

    @admin.display(description=gettext_lazy("what is to be done"))
    def opened_text(self, obj: CarePlanAction) -> str:
        return opened(obj, "text")

    @admin.action(description=gettext_lazy("Mark as done"))
    def mark_done(self, request: HttpRequest, queryset: QuerySet[CarePlanAction]) -> HttpResponse | None:
        actor = actor_of(request)

        def apply(action: CarePlanAction, data: dict[str, Any]) -> str:
            services.care_plan_action_done(actor=actor, action=action)
            return _("%(action)s: done.") % {"action": action}

        return self.confirm_then(request, queryset.filter(done_at__isnull=True), action="mark_done",
                                 title=_("Mark actions as done"), form_class=ConfirmForm, apply=apply)  # fmt: skip


@admin.register(CarePlanReview)
class CarePlanReviewAdmin(ScopedAdmin):
    add_form = ReviewAddForm
    add_fields = ("case", "due_on")
    fields = ("case", "due_on", "held_at", "held_by", "opened_outcome", "scheduled_by", "scheduled_at")
    list_display = ("__str__", "due_on", "held_at")
    list_filter = (("held_at", admin.EmptyFieldListFilter),)
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("record_review",)

    def scope(self, actor: User) -> QuerySet[CarePlanReview]:
        return selectors.review_list(actor=actor)

    def record(self, actor: User, arguments: dict[str, Any]) -> models.Model:
        return services.care_plan_review_schedule(actor=actor, **arguments)

    @admin.display(description=gettext_lazy("what the review found"))
    def opened_outcome(self, obj: CarePlanReview) -> str:
        return opened(obj, "outcome")

    @admin.action(description=gettext_lazy("Record the review"))
    def record_review(self, request: HttpRequest, queryset: QuerySet[CarePlanReview]) -> HttpResponse | None:
        actor = actor_of(request)

        def apply(review: CarePlanReview, data: dict[str, Any]) -> str:
            services.care_plan_review_record(actor=actor, review=review, outcome=data["outcome"],
                                             held_at=data["held_at"])  # fmt: skip
            return _("%(review)s: recorded.") % {"review": review}

        return self.confirm_then(request, queryset.filter(held_at__isnull=True), action="record_review",
                                 title=_("Record the review"), form_class=ReviewHeldForm, apply=apply)  # fmt: skip


@admin.register(CaseConference)
class CaseConferenceAdmin(ScopedAdmin):
    add_form = ConferenceAddForm
    add_fields = ("case", "held_at", "participant_users", "outside", "represented", "summary_text", "answers")
    fields = ("case", "held_at", "who_took_part", "agencies_represented", "opened_summary", "decisions_taken",
              "request", "recorded_by", "recorded_at")  # fmt: skip
    view_roles = TIMELINE_ROLES
    list_display = ("__str__", "held_at", "recorded_by")
    list_select_related = ("case", "recorded_by")
    search_fields = ("case__reference",)

    def scope(self, actor: User) -> QuerySet[CaseConference]:
        return selectors.conference_list(actor=actor)

    def record(self, actor: User, arguments: dict[str, Any]) -> models.Model:
        return services.conference_record(actor=actor, **arguments)

    @admin.display(description=gettext_lazy("who took part"))
    def who_took_part(self, obj: CaseConference) -> str:
        names = [str(p) for p in obj.participants.all()] + [str(p) for p in obj.outside_participants.all()]
        return ", ".join(names)

    @admin.display(description=gettext_lazy("agencies represented"))
    def agencies_represented(self, obj: CaseConference) -> str:
        return ", ".join(str(a) for a in obj.agencies.all())

    @admin.display(description=gettext_lazy("summary"))
    def opened_summary(self, obj: CaseConference) -> str:
        return opened(obj, "summary")

    @admin.display(description=gettext_lazy("decisions"))
    def decisions_taken(self, obj: CaseConference) -> str:
        rows = []
        for decision in obj.decisions.select_related("responsible_person", "responsible_agency"):
            who = str(decision.responsible_person or decision.responsible_agency or decision.get_responsible_display())
            text = opened(decision, "text", case=obj.case)
            rows.append(f"{text} — {who}, {decision.due_on}")
        return " / ".join(rows) or "—"


@admin.register(ConferenceDecision)
class ConferenceDecisionAdmin(ScopedAdmin):
    add_form = DecisionAddForm
    add_fields = ("conference", "decision_text", "responsible", "responsible_person", "responsible_agency", "due_on")
    fields = ("conference", "opened_text", "responsible", "responsible_person", "responsible_agency", "due_on")
    view_roles = TIMELINE_ROLES
    list_display = ("__str__", "conference", "responsible", "due_on")
    list_select_related = ("conference__case",)

    def scope(self, actor: User) -> QuerySet[ConferenceDecision]:
        conferences = selectors.conference_list(actor=actor).values("pk")
        return ConferenceDecision.objects.filter(conference__in=conferences).select_related(
            "conference__case__child", "responsible_person", "responsible_agency"
        )

    def record(self, actor: User, arguments: dict[str, Any]) -> models.Model:
        return services.conference_decision_add(actor=actor, **arguments)

    def case_of(self, obj: Any) -> Case:
        return cast("Case", obj.conference.case)

    @admin.display(description=gettext_lazy("decision"))
    def opened_text(self, obj: ConferenceDecision) -> str:
        return opened(obj, "text", case=obj.conference.case)


@admin.register(ConferenceRequest)
class ConferenceRequestAdmin(ScopedAdmin):
    add_form = ConferenceRequestAddForm
    add_fields = ("case", "reason_text")
    fields = ("case", "requested_by", "requested_at", "opened_reason", "held_as")
    view_roles = TIMELINE_ROLES
    add_roles = frozenset({Role.GUARDIAN})
    list_display = ("__str__", "requested_by", "requested_at", "held_as")
    list_select_related = ("case", "requested_by", "conference")

    def scope(self, actor: User) -> QuerySet[ConferenceRequest]:
        return selectors.conference_request_list(actor=actor)

    def record(self, actor: User, arguments: dict[str, Any]) -> models.Model:
        return services.conference_request(actor=actor, **arguments)

    @admin.display(description=gettext_lazy("why a conference is needed"))
    def opened_reason(self, obj: ConferenceRequest) -> str:
        return opened(obj, "reason")

    @admin.display(description=gettext_lazy("held"))
    def held_as(self, obj: ConferenceRequest) -> str:
        conference = getattr(obj, "conference", None)
        return str(conference) if conference is not None else _("Not yet")
