"""Support services and cooperation in the admin: the same scope and services as every channel.

Caseworkers and supervisors of the agency holding a case request services and record
cooperation; the provider agency's staff see the services asked of their agency (the service,
its provider and the case reference — not the case, nor what the child needs) and answer them
with the actions "started", "ended" and "declined". Every write goes through apps.support.services;
what it refuses — SERVICES_UNCONDITIONAL for a reason posted by hand, PRESUMED_MINOR for a
handover to adult services — is shown on the form or as a message. An "other" reason waits for
a supervisor of the case's agency, who approves or refuses it in "approvals of “other”
reasons". The wording screen's hints are shown as warnings, never as refusals. Nothing is
changed in place or deleted.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Agency, Membership
from apps.core.admin import ServiceAdmin, ServiceForm, acting_user, agency_field, text_field, when_field
from apps.core.rules import CATALOGUE
from apps.support import selectors, services
from apps.support.models import (
    ApprovalStatus,
    CooperationRecord,
    CooperationStatus,
    DeclineReason,
    EndReason,
    OtherReasonApproval,
    ServiceKind,
    SupportService,
)


def _works_for_an_agency(request: HttpRequest) -> bool:
    """Staff users with any active membership: a provider's staff answer the services asked of them."""
    cached: bool | None = getattr(request, "_haven_support_member", None)
    if cached is None:
        user = request.user
        cached = bool(
            getattr(user, "is_active", False)
            and getattr(user, "is_staff", False)
            and user.pk is not None
            and Membership.objects.active().filter(user_id=user.pk).exists()
        )
        setattr(request, "_haven_support_member", cached)  # noqa: B010 - HttpRequest declares no such attribute
    return cached


def hint_messages(codes: list[str]) -> list[str]:
    """The wording screen's hints, as the catalogue words them: for a person to weigh, not a refusal."""
    return [
        _("Check the wording: %(message)s (%(code)s)") % {"message": CATALOGUE[code].message, "code": code}
        for code in codes
    ]


def _reason(label: Any, choices: list[tuple[str, Any]]) -> forms.CharField:
    # A list of the reasons over free text: whatever is posted reaches the service, which refuses
    # a ground of R5 with its code rather than as "not a valid choice".
    return forms.CharField(label=label, max_length=100, widget=forms.Select(choices=[("", "---------"), *choices]))


# --- Forms --------------------------------------------------------------------------------
class ServiceRequestForm(ServiceForm):
    kind = forms.ChoiceField(label=gettext_lazy("Service"), choices=ServiceKind.choices)
    provider = agency_field(gettext_lazy("Provider (agency in Haven)"))
    provider_name = forms.CharField(
        label=gettext_lazy("Provider outside Haven"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("When the provider is not an agency here."),
    )
    needs_text = text_field(
        gettext_lazy("What the child needs from it"),
        help_text=gettext_lazy(
            "Stored sealed with the child's own key. Describe what the child needs: services are given without "
            "conditions, never on the child's cooperation with the police, identification status or nationality."
        ),
    )
    requested_at = when_field(gettext_lazy("Requested"), gettext_lazy("Leave empty for now."))

    class Meta:
        model = SupportService
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "kind": data["kind"],
            "provider": data["provider"],
            "provider_name": data["provider_name"],
            "needs": data["needs_text"],
            "requested_at": data["requested_at"],
        }


class CooperationForm(ServiceForm):
    status = forms.ChoiceField(label=gettext_lazy("Cooperation"), choices=CooperationStatus.choices)
    with_agency = forms.ModelChoiceField(
        label=gettext_lazy("With (agency in Haven)"),
        queryset=Agency.objects.filter(is_active=True, kind__in=services.JUSTICE_KINDS),
        required=False,
    )
    with_name = forms.CharField(label=gettext_lazy("With (outside Haven)"), max_length=200, required=False)
    note_text = text_field(gettext_lazy("Note"), help_text=gettext_lazy("Stored sealed with the child's own key."))
    as_of = when_field(gettext_lazy("As of"))

    class Meta:
        model = CooperationRecord
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "status": data["status"],
            "with_agency": data["with_agency"],
            "with_name": data["with_name"],
            "note": data["note_text"],
            "as_of": data["as_of"],
        }


class EndForm(forms.Form):
    reason = _reason(gettext_lazy("Why it ends"), EndReason.choices)
    note = forms.CharField(
        label=gettext_lazy("About the end"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Required for “other”, which takes effect once a supervisor of the case's agency approves it. Stored sealed."
        ),
    )


class DeclineForm(forms.Form):
    reason = _reason(gettext_lazy("Why the provider declines"), DeclineReason.choices)
    note = forms.CharField(
        label=gettext_lazy("About the decline"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Required for “other”, which takes effect once a supervisor of the case's agency approves it. Stored sealed."
        ),
    )


class RefuseForm(forms.Form):
    why = forms.CharField(
        label=gettext_lazy("Why the reason is refused"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StartForm(forms.Form):
    started_at = forms.SplitDateTimeField(
        label=gettext_lazy("Provided from"),
        required=False,
        widget=admin.widgets.AdminSplitDateTime,
        help_text=gettext_lazy("Leave empty for now."),
    )


def _outcome(request: HttpRequest, before: SupportService, after: SupportService, done: str) -> str:
    """What the action did: done, or waiting for a supervisor's approval of "other"; hints as warnings."""
    for hint in hint_messages([c for c in after.hints if c not in before.hints]):
        messages.warning(request, hint)
    pending = after.other_reasons.filter(status=ApprovalStatus.PENDING).first()
    if after.status == before.status and pending is not None:
        for hint in hint_messages(pending.hints):
            messages.warning(request, hint)
        return _("%(service)s: “other” awaits a supervisor's approval; the service goes on meanwhile.") % {
            "service": before.get_kind_display()
        }
    return done % {"service": before.get_kind_display()}


# --- The admins ---------------------------------------------------------------------------
PROVIDER_FIELDS = (
    "case", "kind", "provider", "status", "requested_at", "started_at", "ended_at", "end_reason", "declined_at",
    "decline_reason",
)  # fmt: skip


@admin.register(SupportService)
class SupportServiceAdmin(ServiceAdmin):
    add_form = ServiceRequestForm
    record = services.service_request
    sealed = ("needs", "end_note", "decline_note")
    list_display = ("case", "kind", "provider_shown", "status", "requested_at", "started_at", "ended_at")
    list_filter = ("kind", "status")
    list_select_related = ("case", "provider")
    search_fields = ("case__reference",)
    actions = ("start_service", "end_service", "decline_service")
    add_fieldsets = (
        (
            None,
            {
                "fields": ("case", "kind", "provider", "provider_name", "needs_text", "requested_at"),
                "description": gettext_lazy(
                    "Counselling, legal assistance, health care, education, vocational training, interpretation and "
                    "accommodation are given whatever the child's cooperation with an investigation, identification "
                    "status or nationality (R5)."
                ),
            },
        ),
    )
    fields = (
        "case", "kind", "provider", "provider_name", "status", "opened_needs", "hints_shown", "requested_at",
        "requested_by", "started_at", "started_by", "ended_at", "ended_by", "end_reason", "opened_end_note",
        "declined_at", "declined_by", "decline_reason", "opened_decline_note", "other_approval",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: Any) -> QuerySet[SupportService]:
        return selectors.service_list(actor=actor)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or _works_for_an_agency(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or _works_for_an_agency(request)

    def _case_staff_sees(self, request: HttpRequest, obj: SupportService) -> bool:
        return selectors.service_list_for_case_staff(actor=acting_user(request)).filter(pk=obj.pk).exists()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not self._case_staff_sees(request, obj):
            return PROVIDER_FIELDS  # the provider's staff: the service, not what the case holds
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not self._case_staff_sees(request, obj):
            return PROVIDER_FIELDS
        return super().get_readonly_fields(request, obj)

    def render_change_form(  # noqa: PLR0917 - Django's signature
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None and not self._case_staff_sees(request, obj):
            # Nothing of the child's record is opened for the provider's staff: no read to log.
            return super(ServiceAdmin, self).render_change_form(
                request, context, add=add, change=change, form_url=form_url, obj=obj
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    @admin.display(description=gettext_lazy("provider"))
    def provider_shown(self, obj: SupportService) -> str:
        return obj.provider_label

    @admin.display(description=gettext_lazy("wording hints"))
    def hints_shown(self, obj: SupportService) -> str:
        return " ".join(hint_messages(obj.hints)) or "—"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        for hint in hint_messages(SupportService.objects.get(pk=obj.pk).hints):
            self.message_user(request, hint, messages.WARNING)

    @admin.display(description=gettext_lazy("what the child needs from it"))
    def opened_needs(self, obj: SupportService) -> str:
        return self.opened(obj, "needs")

    @admin.display(description=gettext_lazy("about the end"))
    def opened_end_note(self, obj: SupportService) -> str:
        return self.opened(obj, "end_note")

    @admin.display(description=gettext_lazy("about the decline"))
    def opened_decline_note(self, obj: SupportService) -> str:
        return self.opened(obj, "decline_note")

    @admin.action(description=gettext_lazy("Record that the service started"))
    def start_service(self, request: HttpRequest, queryset: QuerySet[SupportService]) -> HttpResponse | None:
        actor = acting_user(request)

        def start(service: SupportService, data: dict[str, Any]) -> str:
            services.service_start(actor=actor, service=service, started_at=data["started_at"])
            return _("%(service)s started.") % {"service": service.get_kind_display()}

        return self.confirm_then(request, queryset, action="start_service", title=_("Record that the service started"),
                                 form_class=StartForm, apply=start)  # fmt: skip

    @admin.action(description=gettext_lazy("End the service"))
    def end_service(self, request: HttpRequest, queryset: QuerySet[SupportService]) -> HttpResponse | None:
        actor = acting_user(request)

        def end(service: SupportService, data: dict[str, Any]) -> str:
            after = services.service_end(actor=actor, service=service, reason=data["reason"].strip(), note=data["note"])
            return _outcome(request, service, after, _("%(service)s ended."))

        return self.confirm_then(request, queryset, action="end_service", title=_("End the service"),
                                 form_class=EndForm, apply=end)  # fmt: skip

    @admin.action(description=gettext_lazy("Record that the provider declines"))
    def decline_service(self, request: HttpRequest, queryset: QuerySet[SupportService]) -> HttpResponse | None:
        actor = acting_user(request)

        def decline(service: SupportService, data: dict[str, Any]) -> str:
            after = services.service_decline(
                actor=actor, service=service, reason=data["reason"].strip(), note=data["note"]
            )
            return _outcome(request, service, after, _("%(service)s declined by the provider."))

        return self.confirm_then(request, queryset, action="decline_service",
                                 title=_("Record that the provider declines"), form_class=DeclineForm,
                                 apply=decline)  # fmt: skip


@admin.register(CooperationRecord)
class CooperationRecordAdmin(ServiceAdmin):
    add_form = CooperationForm
    record = services.cooperation_record
    sealed = ("note", "with_name")
    list_display = ("case", "status", "with_agency", "as_of", "recorded_by")
    list_filter = ("status",)
    list_select_related = ("case", "with_agency", "recorded_by")
    search_fields = ("case__reference",)
    add_fieldsets = (
        (
            None,
            {
                "fields": ("case", "status", "with_agency", "with_name", "note_text", "as_of"),
                "description": gettext_lazy(
                    "The child's cooperation with an investigation or prosecution is recorded on its own: it changes "
                    "no service, and no service depends on it (R5)."
                ),
            },
        ),
    )
    fields = ("case", "status", "with_agency", "opened_with_name", "opened_note", "as_of", "recorded_by",
              "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: Any) -> QuerySet[CooperationRecord]:
        return selectors.cooperation_list(actor=actor)

    @admin.display(description=gettext_lazy("with (outside Haven)"))
    def opened_with_name(self, obj: CooperationRecord) -> str:
        return self.opened(obj, "with_name")

    @admin.display(description=gettext_lazy("note"))
    def opened_note(self, obj: CooperationRecord) -> str:
        return self.opened(obj, "note")


@admin.register(OtherReasonApproval)
class OtherReasonApprovalAdmin(ServiceAdmin):
    """The "other" reasons asked for on the services of cases the actor sees; a supervisor of the
    case's agency approves or refuses them, having read the reason and the wording hints."""

    sealed = ("text", "decision_note")
    list_display = ("service", "case_shown", "step", "status", "requested_by", "requested_at", "decided_by")
    list_filter = ("status", "step")
    list_select_related = ("service__case", "requested_by", "decided_by")
    actions = ("approve", "refuse")
    fields = (
        "service", "step", "opened_text", "hints_shown", "effective_at", "requested_by", "requested_at", "status",
        "decided_by", "decided_at", "opened_decision_note",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: Any) -> QuerySet[OtherReasonApproval]:
        return selectors.other_reason_list(actor=actor)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # asked for by ending or declining a service with "other"

    @admin.display(description=gettext_lazy("case"))
    def case_shown(self, obj: OtherReasonApproval) -> str:
        return obj.service.case.reference

    @admin.display(description=gettext_lazy("the reason given"))
    def opened_text(self, obj: OtherReasonApproval) -> str:
        return self.opened(obj, "text")

    @admin.display(description=gettext_lazy("why refused"))
    def opened_decision_note(self, obj: OtherReasonApproval) -> str:
        return self.opened(obj, "decision_note")

    @admin.display(description=gettext_lazy("wording hints"))
    def hints_shown(self, obj: OtherReasonApproval) -> str:
        return " ".join(hint_messages(obj.hints)) or "—"

    @admin.action(description=gettext_lazy("Approve the “other” reason"))
    def approve(self, request: HttpRequest, queryset: QuerySet[OtherReasonApproval]) -> HttpResponse | None:
        actor = acting_user(request)

        def approve(approval: OtherReasonApproval, data: dict[str, Any]) -> str:
            service = services.other_reason_approve(actor=actor, approval=approval)
            return _("%(service)s: “other” approved.") % {"service": service.get_kind_display()}

        return self.confirm_then(request, queryset, action="approve", title=_("Approve the “other” reason"),
                                 form_class=forms.Form, apply=approve)  # fmt: skip

    @admin.action(description=gettext_lazy("Refuse the “other” reason: the service goes on"))
    def refuse(self, request: HttpRequest, queryset: QuerySet[OtherReasonApproval]) -> HttpResponse | None:
        actor = acting_user(request)

        def refuse(approval: OtherReasonApproval, data: dict[str, Any]) -> str:
            services.other_reason_refuse(actor=actor, approval=approval, why=data["why"])
            return _("“Other” refused: the service goes on.")

        return self.confirm_then(request, queryset, action="refuse", title=_("Refuse the “other” reason"),
                                 form_class=RefuseForm, apply=refuse)  # fmt: skip
