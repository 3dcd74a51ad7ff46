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

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import AgencyKind, User
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
from apps.cases.access import Action, cases_for
from apps.cases.models import Case
from apps.core.admin import (
    ReasonForm,
    ServiceAdmin,
    ServiceForm,
    acting_user,
    agency_field,
    text_field,
    when_field,
)
from apps.solutions.models import DurableSolution
from apps.solutions.selectors import solution_list


# --- Forms --------------------------------------------------------------------------------
class PlacementAddForm(ServiceForm):
    # Free text behind a list of the known kinds: whatever is posted reaches the service, which
    # refuses detention under any name with NEVER_DETAIN rather than as "not a valid choice".
    kind = forms.CharField(
        label=gettext_lazy("Kind"),
        max_length=100,
        widget=forms.Select(choices=[("", "---------"), *PlacementKind.choices]),
        help_text=gettext_lazy("Detention of any kind is not a placement: record a held event instead."),
    )
    provider = agency_field(gettext_lazy("Care provider"))
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
    starts_at = when_field(gettext_lazy("From"))
    address_text = forms.CharField(
        label=gettext_lazy("Address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Stored sealed with the child's own key."),
    )
    justification = text_field(
        gettext_lazy("Why not family- or community-based care"),
        help_text=gettext_lazy("Required for a shelter or institution, unless the placement is urgent."),
    )
    urgent = forms.BooleanField(label=gettext_lazy("Urgent protective placement"), required=False)
    urgent_kind = forms.ChoiceField(
        label=gettext_lazy("Urgent because of"),
        choices=[(k.value, k.label) for k in PLACEMENT_URGENCIES],
        initial=UrgentActionKind.EMERGENCY_PLACEMENT,
    )
    urgent_reason = text_field(
        gettext_lazy("Urgent because"), help_text=gettext_lazy("Required for an urgent placement.")
    )
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
            self._cases(self.fields["other_case"]).queryset = cases_for(self.actor, Action.WORK).order_by("reference")

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
    reason = text_field(gettext_lazy("Reason"), required=True)
    taken_at = when_field(gettext_lazy("Taken"))

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
    held_by_agency = agency_field(gettext_lazy("Held by (agency)"))
    held_by = forms.CharField(
        label=gettext_lazy("Held by"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("When not an agency here."),
    )
    since = when_field(gettext_lazy("Held since"))

    class Meta:
        model = HeldEvent
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("case", "place_kind", "where", "held_by_agency", "held_by", "since")}


class MissingReportAddForm(ServiceForm):
    missing_since = when_field(gettext_lazy("Missing since"))
    reason = text_field(gettext_lazy("Circumstances"))
    last_seen_where = text_field(
        gettext_lazy("Last seen where, with whom"), help_text=gettext_lazy("Stored sealed with the child's own key.")
    )
    police_reported_at = when_field(
        gettext_lazy("Reported to the police"), gettext_lazy("Leave empty for now: at once.")
    )
    police_agency = agency_field(gettext_lazy("Police"), kinds=(AgencyKind.POLICE,))
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
    notice_withheld_reason = text_field(gettext_lazy("Why notice is withheld"))

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
    acts_text = text_field(
        gettext_lazy("The acts charged or penalised"), help_text=gettext_lazy("Stored sealed with the child's own key.")
    )
    authority = agency_field(gettext_lazy("Authority"))
    authority_name = forms.CharField(
        label=gettext_lazy("Authority, when not an agency here"), max_length=200, required=False
    )
    since = when_field(gettext_lazy("Faced since"))

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
@admin.register(Placement)
class PlacementAdmin(ServiceAdmin):
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
        actor = acting_user(request)

        def end(placement: Placement, data: dict[str, Any]) -> str:
            services.placement_end(actor=actor, placement=placement, reason=data["reason"])
            return _("%(placement)s ended.") % {"placement": placement}

        return self.confirm_then(request, queryset, action="end_placement", title=_("End the placement"),
                                 form_class=ReasonForm, apply=end)  # fmt: skip


@admin.register(ChildTie)
class ChildTieAdmin(ServiceAdmin):
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
class UrgentActionAdmin(ServiceAdmin):
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
        actor = acting_user(request)

        def review(action: UrgentAction, data: dict[str, Any]) -> str:
            services.urgent_action_review(actor=actor, action=action, review=data["review"])
            return _("%(action)s reviewed.") % {"action": action}

        return self.confirm_then(request, queryset, action="record_review", title=_("Review urgent actions"),
                                 form_class=ReviewForm, apply=review)  # fmt: skip


@admin.register(HeldEvent)
class HeldEventAdmin(ServiceAdmin):
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
        actor = acting_user(request)

        def release(event: HeldEvent, data: dict[str, Any]) -> str:
            services.held_release(actor=actor, event=event, note=data["note"])
            return _("%(event)s: release recorded.") % {"event": event}

        return self.confirm_then(request, queryset.filter(released_at__isnull=True), action="record_release",
                                 title=_("Record the release"), form_class=ReleaseForm, apply=release)  # fmt: skip


@admin.register(MissingReport)
class MissingReportAdmin(ServiceAdmin):
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
class ChargeAdmin(ServiceAdmin):
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
