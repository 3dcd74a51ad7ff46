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
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Membership, Role, User
from apps.bestinterests import selectors, services
from apps.bestinterests.models import (
    BIA_SECTIONS,
    BestInterestsAssessment,
    BestInterestsDetermination,
    BestInterestsReview,
    ConfidentialityUndertaking,
    DeterminationKind,
    Discipline,
    OptionWeighed,
    PanelMember,
    SolutionKind,
)
from apps.cases.access import Action, cases_for
from apps.cases.models import Case
from apps.cases.reading import ReadLoggedAdmin, current_reader
from apps.core.admin import ACTION_REFUSALS, ACTION_TEMPLATE, ServiceRefusalsMixin

ADMIN_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.GUARDIAN)


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _may_open(request: HttpRequest) -> bool:
    """Staff with a case or guardian role, or seated on a panel; read once per request."""
    cached: bool | None = getattr(request, "_haven_bestinterests", None)
    if cached is None:
        user = request.user
        cached = bool(
            isinstance(user, User)
            and user.is_active
            and user.is_staff
            and (
                Membership.objects.active().filter(user=user, role__in=ADMIN_ROLES).exists()
                or PanelMember.objects.filter(member=user).exists()
            )
        )
        setattr(request, "_haven_bestinterests", cached)  # noqa: B010 - HttpRequest declares no such attribute
    return cached


def _text(label: Any, *, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text
    )


SEALED_HELP = gettext_lazy("Stored sealed with the child's own key.")


# --- Forms --------------------------------------------------------------------------------
class ServiceForm(forms.ModelForm):  # type: ignore[type-arg]
    """The arguments of one service call; the service validates them and writes."""

    actor: User | None = None
    instance_for: Any = None

    def _post_clean(self) -> None:
        pass


class BiaAddForm(ServiceForm):
    case = forms.ModelChoiceField(label=gettext_lazy("Case"), queryset=Case.objects.none())

    class Meta:
        model = BestInterestsAssessment
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            offered = cases_for(self.actor, Action.WORK).order_by("reference")
            cast("forms.ModelChoiceField[Case]", self.fields["case"]).queryset = offered


class BiaChangeForm(ServiceForm):
    needs_text = _text(gettext_lazy("The child's needs"), help_text=SEALED_HELP)
    safety_text = _text(gettext_lazy("Safety"), help_text=SEALED_HELP)
    family_text = _text(gettext_lazy("Family"), help_text=SEALED_HELP)
    health_text = _text(gettext_lazy("Health"), help_text=SEALED_HELP)
    education_text = _text(gettext_lazy("Education"), help_text=SEALED_HELP)
    child_views_text = _text(gettext_lazy("The child's views"), help_text=SEALED_HELP)

    class Meta:
        model = BestInterestsAssessment
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            reader = current_reader()
            for name in BIA_SECTIONS:
                self.fields[f"{name}_text"].initial = selectors.sealed_text(
                    self.instance, name, case=self.instance.case, actor=reader.actor, channel=reader.channel
                )


class DeterminationAddForm(ServiceForm):
    case = forms.ModelChoiceField(label=gettext_lazy("Case"), queryset=Case.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Made by"), choices=DeterminationKind.choices)
    review = forms.ModelChoiceField(
        label=gettext_lazy("Answers the review"),
        queryset=BestInterestsReview.objects.none(),
        required=False,
        help_text=gettext_lazy("While a decided determination stands, a new one only answers a review of it."),
    )

    class Meta:
        model = BestInterestsDetermination
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            offered = cases_for(self.actor, Action.WORK).order_by("reference")
            cast("forms.ModelChoiceField[Case]", self.fields["case"]).queryset = offered
            reviews = selectors.review_list(actor=self.actor)
            cast("forms.ModelChoiceField[BestInterestsReview]", self.fields["review"]).queryset = reviews


class DeterminationChangeForm(ServiceForm):
    recommendation = forms.ChoiceField(
        label=gettext_lazy("Recommendation"), choices=[("", "---------"), *SolutionKind.choices], required=False
    )
    reasons_text = _text(gettext_lazy("Reasons"), help_text=SEALED_HELP)
    authority_name = forms.CharField(label=gettext_lazy("Court or authority"), max_length=200, required=False)
    authority_reference = forms.CharField(label=gettext_lazy("Decision reference"), max_length=100, required=False)
    authority_decided_on = forms.DateField(label=gettext_lazy("Decided by the court or authority on"), required=False)
    risk_assessment = forms.ModelChoiceField(
        label=gettext_lazy("Risk and security assessment"), queryset=BestInterestsDetermination.objects.none(),
        required=False,
    )  # fmt: skip
    no_risk_assessment_reason_text = _text(gettext_lazy("Why no risk assessment applies"), help_text=SEALED_HELP)
    child_objects = forms.BooleanField(label=gettext_lazy("The child objects to the recommendation"), required=False)
    objection_reasons_text = _text(
        gettext_lazy("Why it is still in the child's best interests"),
        help_text=gettext_lazy("Required when the child objects. Stored sealed with the child's own key."),
    )

    class Meta:
        model = BestInterestsDetermination
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from apps.family.models import RiskSecurityAssessment

        super().__init__(*args, **kwargs)
        bid = self.instance
        risk = cast("forms.ModelChoiceField[Any]", self.fields["risk_assessment"])
        risk.queryset = RiskSecurityAssessment.objects.filter(case_id=bid.case_id)
        self.fields["recommendation"].initial = bid.recommendation
        for name in ("authority_name", "authority_reference", "authority_decided_on", "child_objects"):
            self.fields[name].initial = getattr(bid, name)
        risk.initial = bid.risk_assessment_id
        reader = current_reader()
        for name in ("reasons", "no_risk_assessment_reason", "objection_reasons"):
            self.fields[f"{name}_text"].initial = selectors.sealed_text(
                bid, name, case=bid.case, actor=reader.actor, channel=reader.channel
            )


class PanelMemberAddForm(ServiceForm):
    determination = forms.ModelChoiceField(
        label=gettext_lazy("Determination"), queryset=BestInterestsDetermination.objects.none()
    )
    member = forms.ModelChoiceField(label=gettext_lazy("Member"), queryset=User.objects.filter(is_active=True))
    discipline = forms.ChoiceField(label=gettext_lazy("Discipline"), choices=Discipline.choices)

    class Meta:
        model = PanelMember
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            drafts = selectors.determination_list(actor=self.actor).filter(decided_at__isnull=True)
            cast("forms.ModelChoiceField[Any]", self.fields["determination"]).queryset = drafts


class OptionAddForm(ServiceForm):
    determination = forms.ModelChoiceField(
        label=gettext_lazy("Determination"), queryset=BestInterestsDetermination.objects.none()
    )
    solution = forms.ChoiceField(label=gettext_lazy("Solution"), choices=SolutionKind.choices)
    reasons_for_text = _text(gettext_lazy("Reasons for"), help_text=SEALED_HELP)
    reasons_against_text = _text(gettext_lazy("Reasons against"), help_text=SEALED_HELP)

    class Meta:
        model = OptionWeighed
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            drafts = selectors.determination_list(actor=self.actor).filter(decided_at__isnull=True)
            cast("forms.ModelChoiceField[Any]", self.fields["determination"]).queryset = drafts


class ReviewAddForm(ServiceForm):
    determination = forms.ModelChoiceField(
        label=gettext_lazy("Determination to review"), queryset=BestInterestsDetermination.objects.none()
    )
    reason_text = _text(gettext_lazy("What changed"), required=True, help_text=SEALED_HELP)

    class Meta:
        model = BestInterestsReview
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            visible = cases_for(self.actor, Action.READ).values("pk")
            decided = BestInterestsDetermination.objects.filter(case__in=visible, decided_at__isnull=False)
            cast("forms.ModelChoiceField[Any]", self.fields["determination"]).queryset = decided


class ChildToldForm(forms.Form):
    how = forms.CharField(
        label=gettext_lazy("How the child was told (language, who, how they understood)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_explained = forms.BooleanField(label=gettext_lazy("The child was told how to seek a review"), required=False)


class ConfirmForm(forms.Form):
    pass


# --- The admins ---------------------------------------------------------------------------
class BestInterestsAdmin(ServiceRefusalsMixin, ReadLoggedAdmin):
    """Scoped by the selectors; written only through the services; never deleted."""

    add_form: ClassVar[type[ServiceForm]]
    change_form: ClassVar[type[ServiceForm] | None] = None
    show_full_result_count = False

    def scope(self, actor: User) -> QuerySet[Any]:
        nothing: QuerySet[Any] = self.model._default_manager.none()
        return nothing

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_open(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_open(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_open(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scope(_actor(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404
        return found

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": list(self.add_form.base_fields)})]
        if self.change_form is not None and self.has_change_permission(request, obj):
            return [(None, {"fields": list(self.change_form.base_fields) + self.extra_change_fields(obj)})]
        return super().get_fieldsets(request, obj)

    def extra_change_fields(self, obj: Any) -> list[str]:
        return []

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or (self.change_form is not None and self.has_change_permission(request, obj)):
            return ()
        return self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = type(self.add_form.__name__, (self.add_form,), {"actor": _actor(request)})
            kwargs["fields"] = None
        elif self.change_form is not None and self.has_change_permission(request, obj):
            kwargs["form"] = type(self.change_form.__name__, (self.change_form,), {"actor": _actor(request)})
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

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
        if obj is not None and obj.pk is not None:
            # The page is a read of the case, a value opened or not.
            current_reader().note(obj.case if hasattr(obj, "case") else obj.determination.case)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def opened(self, obj: Any, column: str, case: Case) -> str:
        reader = current_reader()
        value = selectors.sealed_text(obj, column, case=case, actor=reader.actor, channel=reader.channel)
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
        """Ask for the form's values, then apply them to each selected record through a service."""
        records = list(queryset)
        form = form_class(request.POST if request.POST.get("confirm") else None)
        if not form.is_valid() or not request.POST.get("confirm"):
            context = {
                **self.admin_site.each_context(request), "title": title, "subtitle": None, "opts": self.opts,
                "action": action, "records": records, "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, "media": self.media,
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

    def each(self, request: HttpRequest, queryset: QuerySet[Any], apply: Callable[[Any], str]) -> None:
        for record in queryset:
            try:
                done = apply(record)
            except ACTION_REFUSALS as refusal:
                self.message_refusal(request, refusal, about=str(record))
            else:
                self.message_user(request, done, messages.SUCCESS)


def _became(obj: models.Model, created: models.Model) -> None:
    for field in created._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False


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
        return bool(obj is not None and obj.completed_at is None and _may_open(request))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = _actor(request)
        if not change:
            _became(obj, services.bia_start(actor=actor, case=form.cleaned_data["case"]))
            return
        sections = {name: form.cleaned_data[f"{name}_text"] for name in BIA_SECTIONS}
        services.bia_update(actor=actor, assessment=obj, sections=sections)

    def _section(self, obj: BestInterestsAssessment, name: str) -> str:
        return self.opened(obj, name, obj.case)

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
        actor = _actor(request)

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
        return bool(obj is not None and obj.decided_at is None and _may_open(request))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = _actor(request)
        data = form.cleaned_data
        if not change:
            created = services.determination_start(actor=actor, case=data["case"], kind=data["kind"],
                                                   review=data["review"])  # fmt: skip
            _became(obj, created)
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
        return self.opened(obj, "reasons", obj.case)

    @admin.display(description=gettext_lazy("why no risk assessment applies"))
    def opened_no_risk_assessment_reason(self, obj: BestInterestsDetermination) -> str:
        return self.opened(obj, "no_risk_assessment_reason", obj.case)

    @admin.display(description=gettext_lazy("family tracing"))
    def opened_tracing_summary(self, obj: BestInterestsDetermination) -> str:
        return self.opened(obj, "tracing_summary", obj.case)

    @admin.display(description=gettext_lazy("why it is still in the child's best interests"))
    def opened_objection_reasons(self, obj: BestInterestsDetermination) -> str:
        return self.opened(obj, "objection_reasons", obj.case)

    @admin.display(description=gettext_lazy("how the child was told"))
    def opened_child_told_how(self, obj: BestInterestsDetermination) -> str:
        return self.opened(obj, "child_told_how", obj.case)

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
            f"{option.get_solution_display()}: {_('for')} — {self.opened(option, 'reasons_for', obj.case)}; "
            f"{_('against')} — {self.opened(option, 'reasons_against', obj.case)}"
            for option in obj.options.all()
        )

    @admin.action(description=gettext_lazy("Decide the determination"))
    def decide(self, request: HttpRequest, queryset: QuerySet[BestInterestsDetermination]) -> None:
        actor = _actor(request)

        def done(bid: BestInterestsDetermination) -> str:
            services.determination_decide(actor=actor, determination=bid)
            return _("%(bid)s decided.") % {"bid": bid}

        self.each(request, queryset, done)

    @admin.action(description=gettext_lazy("Approve the determination"))
    def approve(self, request: HttpRequest, queryset: QuerySet[BestInterestsDetermination]) -> None:
        actor = _actor(request)

        def done(bid: BestInterestsDetermination) -> str:
            services.determination_approve(actor=actor, determination=bid)
            return _("%(bid)s approved.") % {"bid": bid}

        self.each(request, queryset, done)

    @admin.action(description=gettext_lazy("Record that the child was told the outcome"))
    def child_told(self, request: HttpRequest, queryset: QuerySet[BestInterestsDetermination]) -> HttpResponse | None:
        actor = _actor(request)

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
        actor = _actor(request)

        class ReasonForm(forms.Form):
            reason = forms.CharField(label=gettext_lazy("What changed"), max_length=4000,
                                     widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

        def ask(bid: BestInterestsDetermination, data: dict[str, Any]) -> str:
            services.determination_review_request(actor=actor, determination=bid, reason=data["reason"])
            return _("%(bid)s: a review was requested.") % {"bid": bid}

        return self.confirm_then(request, queryset, action="request_review", title=_("Ask for a review"),
                                 form_class=ReasonForm, apply=ask)  # fmt: skip


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
        created = services.panel_member_add(actor=_actor(request), determination=data["determination"],
                                            member=data["member"], discipline=data["discipline"])  # fmt: skip
        _became(obj, created)

    @admin.action(description=gettext_lazy("Sign the confidentiality undertaking"))
    def sign_undertaking(self, request: HttpRequest, queryset: QuerySet[PanelMember]) -> None:
        actor = _actor(request)

        def sign(seat: PanelMember) -> str:
            services.undertaking_sign(actor=actor, determination=seat.determination, member=seat.member)
            return _("%(member)s: undertaking on file.") % {"member": seat.member}

        self.each(request, queryset, sign)

    @admin.action(description=gettext_lazy("Take off the panel"))
    def remove(self, request: HttpRequest, queryset: QuerySet[PanelMember]) -> None:
        actor = _actor(request)

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
            actor=_actor(request), determination=data["determination"], solution=data["solution"],
            reasons_for=data["reasons_for_text"], reasons_against=data["reasons_against_text"],
        )  # fmt: skip
        _became(obj, created)

    @admin.display(description=gettext_lazy("reasons for"))
    def opened_for(self, obj: OptionWeighed) -> str:
        return self.opened(obj, "reasons_for", obj.determination.case)

    @admin.display(description=gettext_lazy("reasons against"))
    def opened_against(self, obj: OptionWeighed) -> str:
        return self.opened(obj, "reasons_against", obj.determination.case)

    @admin.action(description=gettext_lazy("Remove the option"))
    def remove(self, request: HttpRequest, queryset: QuerySet[OptionWeighed]) -> None:
        actor = _actor(request)

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
        created = services.determination_review_request(actor=_actor(request), determination=data["determination"],
                                                        reason=data["reason_text"])  # fmt: skip
        _became(obj, created)

    @admin.display(description=gettext_lazy("what changed"))
    def opened_reason(self, obj: BestInterestsReview) -> str:
        return self.opened(obj, "reason", obj.case)
