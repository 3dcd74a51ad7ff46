"""Alerts in the admin: each user sees their alerts, and marks done those addressed to them.

The list is `alert_list(actor=..., include_done=True)`: alerts to the user by name or to a
role they hold now in the alert's agency — and, for the assigned caseworker, those about her
own children addressed to her agency's roles, which she reads but does not close for them —
most urgent kinds first (an overdue guardian before anything else). How each ended is shown
(marked done, its condition ended, its case closed). Superuser status and model permissions
add nothing: a superuser with no role sees no alert. Nothing is added, edited or deleted here; "Mark as done" asks
what was done and goes through `alert_close`. An alert names a case by its reference only:
it may reach people who may not open the case. What was done is sealed with the child's key:
it opens, as a logged read of the case, only for someone who may open the case.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.accounts.models import User
from apps.alerts.models import Alert
from apps.alerts.selectors import alert_list
from apps.alerts.services import alert_close
from apps.cases.models import Case
from apps.cases.reading import ReadLoggedAdmin, current_reader
from apps.cases.selectors import case_visibility
from apps.core.admin import ACTION_REFUSALS, ServiceRefusalsMixin


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _may_open(request: HttpRequest) -> bool:
    user = request.user
    return isinstance(user, User) and user.is_active and user.is_staff


class MarkDoneForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Recorded with each alert, with your name and the time."),
    )

    def clean_outcome(self) -> str:
        outcome = str(self.cleaned_data["outcome"]).strip()
        if not outcome:
            raise forms.ValidationError(_("Say what was done."))
        return outcome


class _DoneFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", _("Open")), ("done", _("Done"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Alert]) -> QuerySet[Alert]:
        if self.value() == "open":
            return queryset.filter(done_at__isnull=True)
        if self.value() == "done":
            return queryset.filter(done_at__isnull=False)
        return queryset


@admin.register(Alert)
class AlertAdmin(ServiceRefusalsMixin, ReadLoggedAdmin):
    list_display = ("kind", "case_reference", "detail", "agency", "addressed_to", "due_at", "raised_at", "done_at",
                    "resolution")  # fmt: skip
    list_filter = (_DoneFilter, "kind", "resolution")
    search_fields = ("case__reference", "detail")
    show_full_result_count = False
    fields = (
        "kind",
        "case_reference",
        "detail",
        "agency",
        "addressed_to",
        ("raised_at", "due_at"),
        ("done_at", "done_by"),
        "resolution",
        "opened_outcome",
    )
    readonly_fields = (
        "kind",
        "case_reference",
        "detail",
        "agency",
        "addressed_to",
        "raised_at",
        "due_at",
        "done_at",
        "done_by",
        "resolution",
        "opened_outcome",
    )
    actions = ("mark_done",)
    mark_done_template = "admin/alerts/alert/mark_done.html"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_open(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_open(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Alert]:
        return alert_list(actor=_actor(request), include_done=True).select_related("user", "done_by")

    def get_ordering(self, request: HttpRequest) -> list[str]:
        # alert_list's order: overdue guardians (and the other urgent kinds) first, then by due time.
        return ["priority", "due_at", "raised_at"]

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        alert = super().get_object(request, object_id, from_field)
        if alert is None:
            raise Http404
        return alert

    @admin.display(description=gettext_lazy("case"), ordering="case__reference")
    def case_reference(self, obj: Alert) -> str:
        return obj.case.reference if obj.case is not None else "—"

    @admin.display(description=gettext_lazy("what was done"))
    def opened_outcome(self, obj: Alert) -> str:
        if obj.outcome is None or obj.case is None:
            return "—"
        reader = current_reader()
        if not Case.objects.filter(case_visibility(actor=reader.actor), pk=obj.case.pk).exists():
            return _("Recorded; shown to those who may open the case.")
        text = reader.text(obj, "outcome", case=obj.case)
        return _("Anonymised") if text is None else text

    @admin.display(description=gettext_lazy("for"))
    def addressed_to(self, obj: Alert) -> str:
        if obj.user is not None:
            return str(obj.user)
        return str(obj.get_role_display())

    @admin.action(description=gettext_lazy("Mark as done"))
    def mark_done(self, request: HttpRequest, queryset: QuerySet[Alert]) -> HttpResponse | None:
        """Ask what was done, then close each selected open alert through `alert_close`."""
        alerts = list(queryset)
        open_alerts = [alert for alert in alerts if alert.done_at is None]
        if not open_alerts:
            self.message_user(request, _("The selected alerts are already done."), messages.INFO)
            return None
        form = MarkDoneForm(request.POST if request.POST.get("confirm") else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Mark alerts as done"),
                "subtitle": None,
                "opts": self.opts,
                "action": "mark_done",
                "alerts": open_alerts,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(request, self.mark_done_template, context)
        actor, closed = _actor(request), 0
        for alert in open_alerts:
            try:
                alert_close(actor=actor, alert=alert, outcome=form.cleaned_data["outcome"])
            except ACTION_REFUSALS as refusal:
                self.message_refusal(request, refusal, about=str(alert))
            else:
                closed += 1
        if closed:
            self.message_user(
                request,
                ngettext("%(count)d alert marked as done.", "%(count)d alerts marked as done.", closed)
                % {"count": closed},
                messages.SUCCESS,
            )
        return None
