"""Care records in the admin: the same scope and the same services as every other channel.

Who may open it: staff users who hold an active caseworker or supervisor membership;
superuser status and model permissions add nothing. Lists are scoped by the case visibility
condition and a record outside it is a 404. Records are added through the services
(`placement_record`, `child_tie_record`, `urgent_action_record`, `held_record`,
`missing_report`, `charge_record`), never edited in place and never deleted; ending a
placement (or cancelling a planned one), reviewing an urgent action and recording a release
are actions that call `placement_end`, `urgent_action_review` and `held_release`. An urgent
action's page shows its reviewers what else it did: the placements it ended or cancelled,
and a move across a border. What a service refuses —
NEVER_DETAIN included, for a kind typed or posted by hand — is shown on the form.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Agency, AgencyKind, Membership, Role, User
from apps.care import selectors, services
from apps.care.models import (
    PLACEMENT_URGENCIES,
    Charge,
    ChargeKind,
    ChildTie,
    HeldEvent,
    HeldPlace,
    MissingReport,
    Placement,
    PlacementKind,
    TieKind,
    UrgentAction,
    UrgentActionKind,
)
from apps.cases.models import Case
from apps.cases.reading import ReadLoggedAdmin, current_reader
from apps.cases.selectors import case_visibility
from apps.core.admin import ACTION_REFUSALS, ServiceRefusalsMixin, staff_roles
from apps.solutions.models import DurableSolution
from apps.solutions.selectors import solution_list

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

CASE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)
ACTION_TEMPLATE = "admin/care/action_form.html"


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _case_roles(request: HttpRequest) -> set[str]:
    """The case roles the staff user holds in any agency now; read once per request."""
    return set(staff_roles(request) & set(CASE_ROLES))


def _cases_for(actor: User) -> QuerySet[Case]:
    """Cases the actor sees and works on as caseworker or supervisor of the owning agency."""
    agencies = Membership.objects.active().filter(user=actor, role__in=CASE_ROLES).values("agency")
    return Case.objects.filter(case_visibility(actor=actor), owning_agency__in=agencies).order_by("reference")


def _became(obj: models.Model, created: models.Model) -> None:
    """The admin's unsaved instance takes the values of the record the service created."""
    for field in created._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False


# --- Forms --------------------------------------------------------------------------------
class ServiceForm(forms.ModelForm):  # type: ignore[type-arg]
    """The arguments of one service call. The service validates them and writes, so the
    model's own validation of a half-built instance is skipped here."""

    actor: User | None = None  # set per request by CareAdmin.get_form

    case = forms.ModelChoiceField(label=gettext_lazy("Case"), queryset=Case.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self._cases(self.fields["case"]).queryset = _cases_for(self.actor)

    @staticmethod
    def _cases(field: forms.Field) -> "forms.ModelChoiceField[Case]":
        return cast("forms.ModelChoiceField[Case]", field)

    def _post_clean(self) -> None:
        pass


Label: TypeAlias = "str | _StrPromise"
LEAVE_EMPTY = gettext_lazy("Leave empty for now.")


def _when(label: Label, help_text: Label = LEAVE_EMPTY) -> forms.SplitDateTimeField:
    return forms.SplitDateTimeField(label=label, required=False, widget=widgets.AdminSplitDateTime, help_text=help_text)


def _text(label: Label, *, required: bool = False, help_text: Label = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text
    )


def _agencies(label: Label, *, kinds: tuple[str, ...] = ()) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    agencies = Agency.objects.filter(is_active=True)
    if kinds:
        agencies = agencies.filter(kind__in=kinds)
    return forms.ModelChoiceField(label=label, queryset=agencies, required=False)


class PlacementAddForm(ServiceForm):
    # Free text behind a list of the known kinds: whatever is posted reaches the service, which
    # refuses detention under any name with NEVER_DETAIN rather than as "not a valid choice".
    kind = forms.CharField(
        label=gettext_lazy("Kind"),
        max_length=100,
        widget=forms.Select(choices=[("", "---------"), *PlacementKind.choices]),
        help_text=gettext_lazy("Detention of any kind is not a placement: record a held event instead."),
    )
    provider = _agencies(gettext_lazy("Care provider"))
    country = forms.CharField(
        label=gettext_lazy("Country"),
        max_length=2,
        required=False,
        help_text=gettext_lazy("ISO 3166 code; leave empty for the care provider's country, or the agency's own."),
    )
    solution = forms.ModelChoiceField(
        label=gettext_lazy("Decided durable solution"),
        queryset=DurableSolution.objects.none(),
        required=False,
        help_text=gettext_lazy("For a placement in another country: the decided solution for that country."),
    )
    starts_at = _when(gettext_lazy("From"))
    address_text = forms.CharField(
        label=gettext_lazy("Address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Stored sealed with the child's own key."),
    )
    justification = _text(
        gettext_lazy("Why not family- or community-based care"),
        help_text=gettext_lazy("Required for a shelter or institution, unless the placement is urgent."),
    )
    urgent = forms.BooleanField(label=gettext_lazy("Urgent protective placement"), required=False)
    urgent_kind = forms.ChoiceField(
        label=gettext_lazy("Urgent because of"),
        choices=[(k.value, k.label) for k in PLACEMENT_URGENCIES],
        initial=UrgentActionKind.EMERGENCY_PLACEMENT,
    )
    urgent_reason = _text(gettext_lazy("Urgent because"), help_text=gettext_lazy("Required for an urgent placement."))
    together_with = forms.ModelChoiceField(
        label=gettext_lazy("Together with"),
        queryset=Placement.objects.none(),
        required=False,
        help_text=gettext_lazy("The current placement of a sibling, or of the mother or baby, to share their home."),
    )
    separation_decision = forms.CharField(
        label=gettext_lazy("Best-interests decision to live apart"), max_length=200, required=False
    )

    class Meta:
        model = Placement
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            together = cast("forms.ModelChoiceField[Placement]", self.fields["together_with"])
            together.queryset = selectors.placement_list(actor=self.actor).filter(ends_at__isnull=True)
            solution = cast("forms.ModelChoiceField[DurableSolution]", self.fields["solution"])
            solution.queryset = solution_list(actor=self.actor)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "kind": data["kind"].strip(),
            "provider": data["provider"],
            "country": data["country"],
            "solution": data["solution"],
            "starts_at": data["starts_at"],
            "address": data["address_text"],
            "justification": data["justification"],
            "urgent": data["urgent"],
            "urgent_kind": data["urgent_kind"],
            "urgent_reason": data["urgent_reason"],
            "together_with": data["together_with"],
            "separation_decision": data["separation_decision"],
        }


class ChildTieAddForm(ServiceForm):
    other_case = forms.ModelChoiceField(label=gettext_lazy("Tied to the child of"), queryset=Case.objects.none())
    kind = forms.ChoiceField(
        label=gettext_lazy("Tie"),
        choices=TieKind.choices,
        help_text=gettext_lazy("For a young mother and her baby: the mother's case first, the baby's second."),
    )

    class Meta:
        model = ChildTie
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self._cases(self.fields["other_case"]).queryset = _cases_for(self.actor)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "other_case": data["other_case"], "kind": data["kind"]}


class UrgentActionAddForm(ServiceForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[
            (k.value, k.label)
            for k in UrgentActionKind
            if k not in PLACEMENT_URGENCIES and k != UrgentActionKind.MISSING_REPORT
        ],
        help_text=gettext_lazy("Emergency placements and safety moves are added as urgent placements."),
    )
    reason = _text(gettext_lazy("Reason"), required=True)
    taken_at = _when(gettext_lazy("Taken"))

    class Meta:
        model = UrgentAction
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "kind": data["kind"], "reason": data["reason"], "taken_at": data["taken_at"]}


class HeldEventAddForm(ServiceForm):
    place_kind = forms.ChoiceField(label=gettext_lazy("Held in"), choices=HeldPlace.choices)
    where = forms.CharField(
        label=gettext_lazy("Where"), required=False, help_text=gettext_lazy("Stored sealed with the child's own key.")
    )
    held_by_agency = _agencies(gettext_lazy("Held by (agency)"))
    held_by = forms.CharField(
        label=gettext_lazy("Held by"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("When not an agency here."),
    )
    since = _when(gettext_lazy("Held since"))

    class Meta:
        model = HeldEvent
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("case", "place_kind", "where", "held_by_agency", "held_by", "since")}


class MissingReportAddForm(ServiceForm):
    missing_since = _when(gettext_lazy("Missing since"))
    reason = _text(gettext_lazy("Circumstances"))
    last_seen_where = _text(
        gettext_lazy("Last seen where, with whom"), help_text=gettext_lazy("Stored sealed with the child's own key.")
    )
    police_reported_at = _when(gettext_lazy("Reported to the police"), gettext_lazy("Leave empty for now: at once."))
    police_agency = _agencies(gettext_lazy("Police"), kinds=(AgencyKind.POLICE,))
    police_reference = forms.CharField(label=gettext_lazy("Police reference"), max_length=100, required=False)
    may_have_crossed_to = forms.CharField(
        label=gettext_lazy("May have crossed the border to"),
        max_length=2,
        required=False,
        help_text=gettext_lazy("ISO 3166 code."),
    )
    notice_could_endanger = forms.BooleanField(
        label=gettext_lazy("Notice to that country could endanger the child or family"), required=False
    )
    notice_withheld_reason = _text(gettext_lazy("Why notice is withheld"))

    class Meta:
        model = MissingReport
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "missing_since": data["missing_since"],
            "reason": data["reason"],
            "last_seen": data["last_seen_where"],
            "police_reported_at": data["police_reported_at"],
            "police_agency": data["police_agency"],
            "police_reference": data["police_reference"],
            "may_have_crossed_to": data["may_have_crossed_to"],
            "notice_could_endanger": data["notice_could_endanger"],
            "notice_withheld_reason": data["notice_withheld_reason"],
        }


class ChargeAddForm(ServiceForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ChargeKind.choices)
    acts_text = _text(
        gettext_lazy("The acts charged or penalised"), help_text=gettext_lazy("Stored sealed with the child's own key.")
    )
    authority = _agencies(gettext_lazy("Authority"))
    authority_name = forms.CharField(
        label=gettext_lazy("Authority, when not an agency here"), max_length=200, required=False
    )
    since = _when(gettext_lazy("Faced since"))

    class Meta:
        model = Charge
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "kind": data["kind"],
            "acts": data["acts_text"],
            "authority": data["authority"],
            "authority_name": data["authority_name"],
            "since": data["since"],
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    review = forms.CharField(label=gettext_lazy("Review"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class ReleaseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("About the release"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- The admins ---------------------------------------------------------------------------
class CareAdmin(ServiceRefusalsMixin, ReadLoggedAdmin):
    """Scoped by case visibility; added through a service; never changed in place or deleted."""

    add_form: ClassVar[type[ServiceForm]]
    add_fieldsets: ClassVar[Any]
    # The service that records what the add form holds.
    record: ClassVar[Callable[..., models.Model]]
    # Sealed columns the record's page opens (a read of the child's record, logged).
    sealed: ClassVar[tuple[str, ...]] = ()
    show_full_result_count = False

    def scope(self, actor: User) -> QuerySet[Any]:
        # Each admin below narrows this to what the actor may see; the base shows nothing.
        nothing: QuerySet[Any] = self.model._default_manager.none()
        return nothing

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(_case_roles(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(_case_roles(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(_case_roles(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # records are facts; what follows them is an action through a service

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scope(_actor(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404  # out of scope answers like a record that does not exist
        return found

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = type(self.add_form.__name__, (self.add_form,), {"actor": _actor(request)})
            # The add form declares its own fields, some named like the sealed column they fill:
            # a model form may not list those (non-editable), so none is listed.
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        created = type(self).record(actor=_actor(request), **form.arguments())
        _became(obj, created)

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
        if obj is not None and obj.pk is not None and self.sealed:
            current_reader().note(obj.case)  # the page is a read of the case, a value opened or not
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def opened(self, obj: Any, column: str) -> str:
        reader = current_reader()
        value = selectors.sealed_text(obj, column, actor=reader.actor, channel=reader.channel)
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
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": title,
                "subtitle": None,
                "opts": self.opts,
                "action": action,
                "records": records,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(request, ACTION_TEMPLATE, context)
        for record in records:
            try:
                done = apply(record, form.cleaned_data)
            except ACTION_REFUSALS as refusal:
                self.message_refusal(request, refusal, about=str(record))
            else:
                self.message_user(request, done, messages.SUCCESS)
        return None


@admin.register(Placement)
class PlacementAdmin(CareAdmin):
    add_form = PlacementAddForm
    record = services.placement_record
    sealed = ("address", "justification", "urgent_reason", "separation_decision", "end_reason")
    list_display = ("case", "kind", "provider", "country", "starts_at", "ends_at", "urgent", "cancelled_at")
    list_filter = ("kind", "urgent")
    list_select_related = ("case", "provider")
    search_fields = ("case__reference",)
    actions = ("end_placement",)
    add_fieldsets = (
        (None, {"fields": ("case", "kind", "provider", "starts_at", "address_text", "justification")}),
        (
            gettext_lazy("Urgent protection"),
            {
                "fields": ("urgent", "urgent_kind", "urgent_reason"),
                "description": gettext_lazy(
                    "An emergency placement or a safety move goes ahead without a justification or a decision on "
                    "siblings, and is reviewed afterwards by a supervisor and the guardian. It ends the current "
                    "placement and cancels any planned one, and its reviewers see both."
                ),
            },
        ),
        (gettext_lazy("Siblings, mother and baby"), {"fields": ("together_with", "separation_decision")}),
        (
            gettext_lazy("Across a border"),
            {
                "fields": ("country", "solution"),
                "description": gettext_lazy(
                    "A placement in another country needs a decided durable solution for that country whose return "
                    "gate still holds. An urgent placement abroad is recorded and flagged to its reviewers."
                ),
            },
        ),
    )
    fields = (
        "case", "kind", "provider", "country", "opened_address", "opened_justification", "urgent",
        "opened_urgent_reason", "opened_separation_decision", "starts_at", "ends_at", "opened_end_reason", "ended_by",
        "cancelled_at", "superseded_by", "recorded_by", "recorded_at",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[Placement]:
        return selectors.placement_list(actor=actor)

    @admin.display(description=gettext_lazy("address"))
    def opened_address(self, obj: Placement) -> str:
        return self.opened(obj, "address")

    @admin.display(description=gettext_lazy("why not family- or community-based care"))
    def opened_justification(self, obj: Placement) -> str:
        return self.opened(obj, "justification")

    @admin.display(description=gettext_lazy("urgent because"))
    def opened_urgent_reason(self, obj: Placement) -> str:
        return self.opened(obj, "urgent_reason")

    @admin.display(description=gettext_lazy("best-interests decision to live apart"))
    def opened_separation_decision(self, obj: Placement) -> str:
        return self.opened(obj, "separation_decision")

    @admin.display(description=gettext_lazy("why it ended"))
    def opened_end_reason(self, obj: Placement) -> str:
        if obj.ends_at is not None and obj.end_reason is None and obj.cancelled_at is None:
            return _(services.PLACEMENT_CHANGED)  # ended because the next placement started
        return self.opened(obj, "end_reason")

    @admin.action(description=gettext_lazy("End the placement, or cancel a planned one"))
    def end_placement(self, request: HttpRequest, queryset: QuerySet[Placement]) -> HttpResponse | None:
        actor = _actor(request)

        def end(placement: Placement, data: dict[str, Any]) -> str:
            services.placement_end(actor=actor, placement=placement, reason=data["reason"])
            return _("%(placement)s ended.") % {"placement": placement}

        return self.confirm_then(request, queryset, action="end_placement", title=_("End the placement"),
                                 form_class=ReasonForm, apply=end)  # fmt: skip


@admin.register(ChildTie)
class ChildTieAdmin(CareAdmin):
    add_form = ChildTieAddForm
    record = services.child_tie_record
    list_display = ("kind", "child", "tied_to", "recorded_at")
    list_select_related = ("child", "tied_to")
    add_fieldsets = ((None, {"fields": ("case", "other_case", "kind")}),)
    fields = ("kind", "child", "tied_to", "recorded_by", "recorded_at")
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[ChildTie]:
        return selectors.child_tie_list(actor=actor)


@admin.register(UrgentAction)
class UrgentActionAdmin(CareAdmin):
    add_form = UrgentActionAddForm
    record = services.urgent_action_record
    list_display = ("case", "kind", "taken_at", "taken_by", "review_due_at", "supervisor_reviewed_at",
                    "guardian_reviewed_at")  # fmt: skip
    list_filter = ("kind",)
    list_select_related = ("case", "taken_by")
    search_fields = ("case__reference",)
    actions = ("record_review",)
    add_fieldsets = ((None, {"fields": ("case", "kind", "reason", "taken_at")}),)
    sealed = ("reason", "supervisor_review", "guardian_review")
    fields = (
        "case", "kind", "opened_reason", "taken_by", "taken_at", "placement", "to_review", "review_due_at",
        "opened_supervisor_review", "supervisor_reviewed_by", "supervisor_reviewed_at", "opened_guardian_review",
        "guardian_reviewed_by", "guardian_reviewed_at",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[UrgentAction]:
        return selectors.urgent_action_list(actor=actor)

    @admin.display(description=gettext_lazy("reason"))
    def opened_reason(self, obj: UrgentAction) -> str:
        return self.opened(obj, "reason")

    @admin.display(description=gettext_lazy("supervisor's review"))
    def opened_supervisor_review(self, obj: UrgentAction) -> str:
        return self.opened(obj, "supervisor_review")

    @admin.display(description=gettext_lazy("guardian's review"))
    def opened_guardian_review(self, obj: UrgentAction) -> str:
        return self.opened(obj, "guardian_review")

    @admin.display(description=gettext_lazy("also to review"))
    def to_review(self, obj: UrgentAction) -> str:
        return "; ".join(services.urgent_action_flags(obj)) or "—"

    @admin.action(description=gettext_lazy("Record your review"))
    def record_review(self, request: HttpRequest, queryset: QuerySet[UrgentAction]) -> HttpResponse | None:
        actor = _actor(request)

        def review(action: UrgentAction, data: dict[str, Any]) -> str:
            services.urgent_action_review(actor=actor, action=action, review=data["review"])
            return _("%(action)s reviewed.") % {"action": action}

        return self.confirm_then(request, queryset, action="record_review", title=_("Review urgent actions"),
                                 form_class=ReviewForm, apply=review)  # fmt: skip


@admin.register(HeldEvent)
class HeldEventAdmin(CareAdmin):
    add_form = HeldEventAddForm
    record = services.held_record
    sealed = ("place", "held_by", "release_note")
    list_display = ("case", "place_kind", "held_by_agency", "since", "released_at")
    list_filter = ("place_kind", ("released_at", admin.EmptyFieldListFilter))
    list_select_related = ("case", "held_by_agency")
    search_fields = ("case__reference",)
    actions = ("record_release",)
    add_fieldsets = (
        (
            None,
            {
                "fields": ("case", "place_kind", "where", "held_by_agency", "held_by", "since"),
                "description": gettext_lazy(
                    "Recording that a child is held is always allowed: the supervisors and the guardian are alerted, "
                    "legal aid is asked for, and the child's situation is reviewed daily until release."
                ),
            },
        ),
    )
    fields = (
        "case", "place_kind", "opened_place", "held_by_agency", "opened_held_by", "since", "released_at",
        "opened_release_note", "release_recorded_by", "recorded_by", "recorded_at",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[HeldEvent]:
        return selectors.held_event_list(actor=actor)

    @admin.display(description=gettext_lazy("where"))
    def opened_place(self, obj: HeldEvent) -> str:
        return self.opened(obj, "place")

    @admin.display(description=gettext_lazy("held by"))
    def opened_held_by(self, obj: HeldEvent) -> str:
        return self.opened(obj, "held_by")

    @admin.display(description=gettext_lazy("about the release"))
    def opened_release_note(self, obj: HeldEvent) -> str:
        return self.opened(obj, "release_note")

    @admin.action(description=gettext_lazy("Record the release"))
    def record_release(self, request: HttpRequest, queryset: QuerySet[HeldEvent]) -> HttpResponse | None:
        actor = _actor(request)

        def release(event: HeldEvent, data: dict[str, Any]) -> str:
            services.held_release(actor=actor, event=event, note=data["note"])
            return _("%(event)s: release recorded.") % {"event": event}

        return self.confirm_then(request, queryset.filter(released_at__isnull=True), action="record_release",
                                 title=_("Record the release"), form_class=ReleaseForm, apply=release)  # fmt: skip


@admin.register(MissingReport)
class MissingReportAdmin(CareAdmin):
    add_form = MissingReportAddForm
    record = services.missing_report
    sealed = ("last_seen", "notice_withheld_reason")
    list_display = ("case", "missing_since", "police_reported_at", "may_have_crossed_to")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    add_fieldsets = (
        (
            None,
            {
                "fields": ("case", "missing_since", "reason", "last_seen_where"),
                "description": gettext_lazy(
                    "Nothing holds a missing-child report back: the police report time is recorded at once and the "
                    "case's risk level is raised to critical."
                ),
            },
        ),
        (gettext_lazy("Police"), {"fields": ("police_reported_at", "police_agency", "police_reference")}),
        (
            gettext_lazy("Across a border"),
            {"fields": ("may_have_crossed_to", "notice_could_endanger", "notice_withheld_reason")},
        ),
    )
    fields = (
        "case", "urgent_action", "missing_since", "opened_last_seen", "police_reported_at", "police_agency",
        "police_reference", "may_have_crossed_to", "notice_could_endanger", "opened_notice_withheld_reason",
        "recorded_by", "recorded_at",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[MissingReport]:
        return selectors.missing_report_list(actor=actor)

    @admin.display(description=gettext_lazy("last seen where, with whom"))
    def opened_last_seen(self, obj: MissingReport) -> str:
        return self.opened(obj, "last_seen")

    @admin.display(description=gettext_lazy("why notice is withheld"))
    def opened_notice_withheld_reason(self, obj: MissingReport) -> str:
        return self.opened(obj, "notice_withheld_reason")


@admin.register(Charge)
class ChargeAdmin(CareAdmin):
    add_form = ChargeAddForm
    record = services.charge_record
    sealed = ("acts",)
    list_display = ("case", "kind", "authority", "authority_name", "since")
    list_filter = ("kind",)
    list_select_related = ("case", "authority")
    search_fields = ("case__reference",)
    add_fieldsets = (
        (
            None,
            {
                "fields": ("case", "kind", "acts_text", "authority", "authority_name", "since"),
                "description": gettext_lazy(
                    "Charges or penalties for acts committed as a consequence of being trafficked: recording them "
                    "alerts the supervisors, the guardian and legal aid (non-punishment)."
                ),
            },
        ),
    )
    fields = ("case", "kind", "opened_acts", "authority", "authority_name", "since", "recorded_by", "recorded_at")
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[Charge]:
        return selectors.charge_list(actor=actor)

    @admin.display(description=gettext_lazy("the acts charged or penalised"))
    def opened_acts(self, obj: Charge) -> str:
        return self.opened(obj, "acts")
