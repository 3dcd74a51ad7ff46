"""Best interests in the admin: the same scope and the same services as every other channel.

Who may open it: staff users who are caseworkers, supervisors or guardians, or who sit on a
panel; superuser status and model permissions add nothing. Lists are scoped by the selectors
(a record outside them is a 404). A draft BIA or determination is edited through
`bia_update` / `determination_update`; a completed BIA and a decided determination are shown
read-only (and the database refuses any change to them anyway). Completing, deciding,
approving, telling the child and signing an undertaking are actions that call the services;
what they refuse is shown with its code. Guardians see their wards' determinations and ask
for a review.
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.bestinterests import selectors, services
from apps.bestinterests.forms import (
    BiaAddForm,
    BiaChangeForm,
    ChildToldForm,
    DeterminationAddForm,
    DeterminationChangeForm,
    OptionAddForm,
    PanelMemberAddForm,
    ReviewAddForm,
    ReviewReasonForm,
)
from apps.bestinterests.models import (
    BIA_SECTIONS,
    BestInterestsAssessment,
    BestInterestsDetermination,
    BestInterestsReview,
    ConfidentialityUndertaking,
    OptionWeighed,
    PanelMember,
)
from apps.cases.access import Action, roles_for
from apps.cases.models import Case
from apps.cases.reading import current_reader
from apps.core.admin import ACTION_REFUSALS, ServiceAdmin, acting_user, became, staff_roles


def _may_open(request: HttpRequest, action: Action) -> bool:
    """Staff with a role the access policy lets do `action` on some case, or seated on a panel;
    read once per request and action."""
    answers: dict[Action, bool] = getattr(request, "_haven_bestinterests", None) or {}
    cached = answers.get(action)
    if cached is None:
        cached = bool(roles_for(action, staff_roles(request)))
        if not cached:
            user = request.user
            cached = bool(
                isinstance(user, User)
                and user.is_active
                and user.is_staff
                and PanelMember.objects.filter(member=user).exists()
            )
        answers[action] = cached
        setattr(request, "_haven_bestinterests", answers)  # noqa: B010 - HttpRequest declares no such attribute
    return cached


class BestInterestsAdmin(ServiceAdmin):
    """The kit's admin, also opened by the members of a panel; the add form is its fieldset, and
    a record the service may still complete shows its `change_form`."""

    def may_work(self, request: HttpRequest) -> bool:
        return _may_open(request, self.view_action)

    def may_add(self, request: HttpRequest) -> bool:
        return _may_open(request, Action.WORK_OR_GUARD)

    def case_of(self, obj: Any) -> Case:
        return cast("Case", obj.case if hasattr(obj, "case") else obj.determination.case)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": list(self.add_form.base_fields)})]
        if self.change_form is not None and self.has_change_permission(request, obj):
            return [(None, {"fields": list(self.change_form.base_fields) + self.extra_change_fields(obj)})]
        return super(ServiceAdmin, self).get_fieldsets(request, obj)

    def extra_change_fields(self, obj: Any) -> list[str]:
        return []

    def render_change_form(  # noqa: PLR0917 - Django's signature
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None:
            current_reader().note(self.case_of(obj))  # the page is a read of the case, a value opened or not
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def each(self, request: HttpRequest, queryset: QuerySet[Any], apply: Callable[[Any], str]) -> None:
        """An action with nothing to ask: the service for each selected record, its refusals as messages."""
        for record in queryset:
            try:
                done = apply(record)
            except ACTION_REFUSALS as refusal:
                self.message_refusal(request, refusal, about=str(record))
            else:
                self.message_user(request, done, messages.SUCCESS)


@admin.register(BestInterestsAssessment)
class BestInterestsAssessmentAdmin(BestInterestsAdmin):
    add_form = BiaAddForm
    change_form = BiaChangeForm
    list_display = ("__str__", "case", "started_at", "completed_at", "review_due_at")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("complete",)
    fields = (
        "case", "reviews", "opened_needs", "opened_safety", "opened_family", "opened_health", "opened_education",
        "opened_child_views", "started_at", "started_by", "completed_at", "completed_by", "review_due_at",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[BestInterestsAssessment]:
        return selectors.assessment_list(actor=actor)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A draft is written by the case's staff; a completed BIA is shown read-only.
        return bool(obj is not None and obj.completed_at is None and _may_open(request, Action.WORK_OR_GUARD))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = acting_user(request)
        if not change:
            became(obj, services.bia_start(actor=actor, case=form.cleaned_data["case"]))
            return
        sections = {name: form.cleaned_data[f"{name}_text"] for name in BIA_SECTIONS}
        services.bia_update(actor=actor, assessment=obj, sections=sections)

    def _section(self, obj: BestInterestsAssessment, name: str) -> str:
        return self.opened(obj, name, case=obj.case)

    @admin.display(description=gettext_lazy("the child's needs"))
    def opened_needs(self, obj: BestInterestsAssessment) -> str:
        return self._section(obj, "needs")

    @admin.display(description=gettext_lazy("safety"))
    def opened_safety(self, obj: BestInterestsAssessment) -> str:
        return self._section(obj, "safety")

    @admin.display(description=gettext_lazy("family"))
    def opened_family(self, obj: BestInterestsAssessment) -> str:
        return self._section(obj, "family")

    @admin.display(description=gettext_lazy("health"))
    def opened_health(self, obj: BestInterestsAssessment) -> str:
        return self._section(obj, "health")

    @admin.display(description=gettext_lazy("education"))
    def opened_education(self, obj: BestInterestsAssessment) -> str:
        return self._section(obj, "education")

    @admin.display(description=gettext_lazy("the child's views"))
    def opened_child_views(self, obj: BestInterestsAssessment) -> str:
        return self._section(obj, "child_views")

    @admin.action(description=gettext_lazy("Complete the assessment"))
    def complete(self, request: HttpRequest, queryset: QuerySet[BestInterestsAssessment]) -> None:
        actor = acting_user(request)

        def done(bia: BestInterestsAssessment) -> str:
            services.bia_complete(actor=actor, assessment=bia)
            return _("%(bia)s completed.") % {"bia": bia}

        self.each(request, queryset, done)


@admin.register(BestInterestsDetermination)
class BestInterestsDeterminationAdmin(BestInterestsAdmin):
    add_form = DeterminationAddForm
    change_form = DeterminationChangeForm
    list_display = ("__str__", "case", "kind", "recommendation", "decided_at", "approved_at", "child_told_at")
    list_filter = ("kind", "recommendation")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("decide", "approve", "child_told", "request_review")
    fields = (
        "case", "kind", "supersedes", "review", "recommendation", "opened_reasons", "authority_name",
        "authority_reference", "authority_decided_on", "panel_list", "options_list", "risk_assessment",
        "opened_no_risk_assessment_reason", "opened_tracing_summary", "child_objects", "opened_objection_reasons",
        "decided_at", "decided_by", "review_due_at", "approved_at", "approved_by", "child_told_at",
        "opened_child_told_how", "created_by", "created_at",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[BestInterestsDetermination]:
        return selectors.determination_list(actor=actor)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A decided determination is never edited: its page is read-only.
        return bool(obj is not None and obj.decided_at is None and _may_open(request, Action.WORK_OR_GUARD))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = acting_user(request)
        data = form.cleaned_data
        if not change:
            created = services.determination_start(actor=actor, case=data["case"], kind=data["kind"],
                                                   review=data["review"])  # fmt: skip
            became(obj, created)
            return
        services.determination_update(
            actor=actor, determination=obj, recommendation=data["recommendation"], reasons=data["reasons_text"],
            authority_name=data["authority_name"], authority_reference=data["authority_reference"],
            authority_decided_on=data["authority_decided_on"], risk_assessment=data["risk_assessment"],
            no_risk_assessment_reason=data["no_risk_assessment_reason_text"], child_objects=data["child_objects"],
            objection_reasons=data["objection_reasons_text"],
        )  # fmt: skip

    @admin.display(description=gettext_lazy("reasons"))
    def opened_reasons(self, obj: BestInterestsDetermination) -> str:
        return self.opened(obj, "reasons", case=obj.case)

    @admin.display(description=gettext_lazy("why no risk assessment applies"))
    def opened_no_risk_assessment_reason(self, obj: BestInterestsDetermination) -> str:
        return self.opened(obj, "no_risk_assessment_reason", case=obj.case)

    @admin.display(description=gettext_lazy("family tracing"))
    def opened_tracing_summary(self, obj: BestInterestsDetermination) -> str:
        return self.opened(obj, "tracing_summary", case=obj.case)

    @admin.display(description=gettext_lazy("why it is still in the child's best interests"))
    def opened_objection_reasons(self, obj: BestInterestsDetermination) -> str:
        return self.opened(obj, "objection_reasons", case=obj.case)

    @admin.display(description=gettext_lazy("how the child was told"))
    def opened_child_told_how(self, obj: BestInterestsDetermination) -> str:
        return self.opened(obj, "child_told_how", case=obj.case)

    @admin.display(description=gettext_lazy("panel"))
    def panel_list(self, obj: BestInterestsDetermination) -> str:
        signed = set(obj.undertakings.values_list("member_id", flat=True))
        return "; ".join(
            f"{seat.member} ({seat.get_discipline_display()}, "
            f"{_('undertaking signed') if seat.member_id in signed else _('no undertaking')})"
            for seat in obj.panel.select_related("member")
        )

    @admin.display(description=gettext_lazy("options weighed"))
    def options_list(self, obj: BestInterestsDetermination) -> str:
        return "; ".join(
            f"{option.get_solution_display()}: {_('for')} — {self.opened(option, 'reasons_for', case=obj.case)}; "
            f"{_('against')} — {self.opened(option, 'reasons_against', case=obj.case)}"
            for option in obj.options.all()
        )

    @admin.action(description=gettext_lazy("Decide the determination"))
    def decide(self, request: HttpRequest, queryset: QuerySet[BestInterestsDetermination]) -> None:
        actor = acting_user(request)

        def done(bid: BestInterestsDetermination) -> str:
            services.determination_decide(actor=actor, determination=bid)
            return _("%(bid)s decided.") % {"bid": bid}

        self.each(request, queryset, done)

    @admin.action(description=gettext_lazy("Approve the determination"))
    def approve(self, request: HttpRequest, queryset: QuerySet[BestInterestsDetermination]) -> None:
        actor = acting_user(request)

        def done(bid: BestInterestsDetermination) -> str:
            services.determination_approve(actor=actor, determination=bid)
            return _("%(bid)s approved.") % {"bid": bid}

        self.each(request, queryset, done)

    @admin.action(description=gettext_lazy("Record that the child was told the outcome"))
    def child_told(self, request: HttpRequest, queryset: QuerySet[BestInterestsDetermination]) -> HttpResponse | None:
        actor = acting_user(request)

        def told(bid: BestInterestsDetermination, data: dict[str, Any]) -> str:
            services.determination_child_told(actor=actor, determination=bid, how=data["how"],
                                              review_explained=data["review_explained"])  # fmt: skip
            return _("%(bid)s: the child was told.") % {"bid": bid}

        return self.confirm_then(request, queryset, action="child_told", title=_("The child was told the outcome"),
                                 form_class=ChildToldForm, apply=told)  # fmt: skip

    @admin.action(description=gettext_lazy("Ask for a review"))
    def request_review(
        self, request: HttpRequest, queryset: QuerySet[BestInterestsDetermination]
    ) -> HttpResponse | None:
        actor = acting_user(request)

        def ask(bid: BestInterestsDetermination, data: dict[str, Any]) -> str:
            services.determination_review_request(actor=actor, determination=bid, reason=data["reason"])
            return _("%(bid)s: a review was requested.") % {"bid": bid}

        return self.confirm_then(request, queryset, action="request_review", title=_("Ask for a review"),
                                 form_class=ReviewReasonForm, apply=ask)  # fmt: skip


@admin.register(PanelMember)
class PanelMemberAdmin(BestInterestsAdmin):
    add_form = PanelMemberAddForm
    list_display = ("member", "discipline", "determination", "added_at", "undertaking")
    list_select_related = ("member", "determination__case")
    actions = ("sign_undertaking", "remove")
    fields = ("determination", "member", "discipline", "added_by", "added_at")
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[PanelMember]:
        # Seats of the determinations the actor sees, and the actor's own seats (to sign).
        visible = selectors.determination_list(actor=actor).values("pk")
        return PanelMember.objects.filter(Q(determination__in=visible) | Q(member=actor)).annotate(
            signed=Exists(
                ConfidentialityUndertaking.objects.filter(
                    determination=OuterRef("determination"), member=OuterRef("member")
                )
            )
        )

    @admin.display(description=gettext_lazy("undertaking on file"), boolean=True)
    def undertaking(self, obj: Any) -> bool:
        return bool(obj.signed)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        created = services.panel_member_add(actor=acting_user(request), determination=data["determination"],
                                            member=data["member"], discipline=data["discipline"])  # fmt: skip
        became(obj, created)

    @admin.action(description=gettext_lazy("Sign the confidentiality undertaking"))
    def sign_undertaking(self, request: HttpRequest, queryset: QuerySet[PanelMember]) -> None:
        actor = acting_user(request)

        def sign(seat: PanelMember) -> str:
            services.undertaking_sign(actor=actor, determination=seat.determination, member=seat.member)
            return _("%(member)s: undertaking on file.") % {"member": seat.member}

        self.each(request, queryset, sign)

    @admin.action(description=gettext_lazy("Take off the panel"))
    def remove(self, request: HttpRequest, queryset: QuerySet[PanelMember]) -> None:
        actor = acting_user(request)

        def remove(seat: PanelMember) -> str:
            services.panel_member_remove(actor=actor, seat=seat)
            return _("%(member)s taken off the panel.") % {"member": seat.member}

        self.each(request, queryset, remove)


@admin.register(OptionWeighed)
class OptionWeighedAdmin(BestInterestsAdmin):
    add_form = OptionAddForm
    list_display = ("solution", "determination", "recorded_at")
    list_select_related = ("determination__case",)
    actions = ("remove",)
    fields = ("determination", "solution", "opened_for", "opened_against", "recorded_by", "recorded_at")
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[OptionWeighed]:
        return selectors.option_list(actor=actor)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        created = services.option_weigh(
            actor=acting_user(request), determination=data["determination"], solution=data["solution"],
            reasons_for=data["reasons_for_text"], reasons_against=data["reasons_against_text"],
        )  # fmt: skip
        became(obj, created)

    @admin.display(description=gettext_lazy("reasons for"))
    def opened_for(self, obj: OptionWeighed) -> str:
        return self.opened(obj, "reasons_for", case=obj.determination.case)

    @admin.display(description=gettext_lazy("reasons against"))
    def opened_against(self, obj: OptionWeighed) -> str:
        return self.opened(obj, "reasons_against", case=obj.determination.case)

    @admin.action(description=gettext_lazy("Remove the option"))
    def remove(self, request: HttpRequest, queryset: QuerySet[OptionWeighed]) -> None:
        actor = acting_user(request)

        def remove(option: OptionWeighed) -> str:
            services.option_remove(actor=actor, option=option)
            return _("%(option)s removed.") % {"option": option}

        self.each(request, queryset, remove)


@admin.register(BestInterestsReview)
class BestInterestsReviewAdmin(BestInterestsAdmin):
    add_form = ReviewAddForm
    list_display = ("__str__", "case", "requested_at", "requested_by")
    list_select_related = ("case", "determination", "requested_by")
    fields = ("case", "determination", "opened_reason", "requested_by", "requested_at")
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[BestInterestsReview]:
        return selectors.review_list(actor=actor)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        created = services.determination_review_request(actor=acting_user(request), determination=data["determination"],
                                                        reason=data["reason_text"])  # fmt: skip
        became(obj, created)

    @admin.display(description=gettext_lazy("what changed"))
    def opened_reason(self, obj: BestInterestsReview) -> str:
        return self.opened(obj, "reason", case=obj.case)
