"""Break-glass readings and explicit grants in the admin, through the same services.

A caseworker on duty opens a case by its reference and reads it in the cases' own pages
(read-only, every read marked); the owning agency's supervisors see and review it here. A
supervisor grants one named person the reading of a case, and revokes it.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.cases.access import Action, cases_for, roles_for
from apps.cases.models import Case
from apps.core.admin import ServiceAdmin, acting_user, staff_roles
from apps.grants import selectors, services
from apps.grants.forms import BreakGlassOpenForm, BreakGlassReviewForm, CaseReadGrantForm, NothingForm
from apps.grants.models import BreakGlass, CaseUserObjectPermission


@admin.register(BreakGlass)
class BreakGlassAdmin(ServiceAdmin):
    view_action = Action.WORK  # opened by a caseworker on duty, reviewed by the owning agency's supervisors
    add_form = BreakGlassOpenForm
    add_fieldsets = ((None, {"fields": ("case", "reason")}),)
    record = services.break_glass_open
    sealed = ("reason", "review_note")
    list_display = ("case", "opened_by", "opened_at", "expires_at", "review_due_at", "reviewed_by", "reviewed_at")
    list_filter = (("reviewed_at", admin.EmptyFieldListFilter),)
    list_select_related = ("case", "opened_by", "reviewed_by")
    search_fields = ("case__reference",)
    actions = ("review",)
    fields = ("case", "opened_by", "opened_at", "expires_at", "opened_reason", "review_due_at", "reviewed_by",
              "reviewed_at", "opened_review_note")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[BreakGlass]:
        return selectors.break_glass_list(actor=actor)

    def case_choices(self, actor: User) -> QuerySet[Case]:
        # Typed, never listed: the service refuses a case the caseworker already reads.
        return Case.objects.all()

    @admin.display(description=gettext_lazy("urgent-protection reason"))
    def opened_reason(self, obj: BreakGlass) -> str:
        return self.opened(obj, "reason")

    @admin.display(description=gettext_lazy("review note"))
    def opened_review_note(self, obj: BreakGlass) -> str:
        return self.opened(obj, "review_note")

    @admin.action(description=gettext_lazy("Review the break-glass reading"))
    def review(self, request: HttpRequest, queryset: QuerySet[BreakGlass]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(opening: BreakGlass, data: dict[str, Any]) -> str:
            services.break_glass_review(actor=actor, opening=opening, note=data["note"])
            return _("%(opening)s reviewed.") % {"opening": opening}

        return self.confirm_then(request, queryset, action="review", title=_("Review the break-glass reading"),
                                 form_class=BreakGlassReviewForm, apply=apply)  # fmt: skip


@admin.register(CaseUserObjectPermission)
class CaseReadGrantAdmin(ServiceAdmin):
    add_form = CaseReadGrantForm
    add_fieldsets = ((None, {"fields": ("case", "user")}),)
    record = services.case_read_grant
    list_display = ("content_object", "user", "granted_by", "granted_at")
    list_select_related = ("content_object", "user", "granted_by")
    search_fields = ("content_object__reference",)
    actions = ("revoke",)
    fields = ("content_object", "user", "permission", "granted_by", "granted_at")
    readonly_fields = fields

    # Only supervisors of the case's agency grant a named person its reading (the service says
    # so again): the list, the add form and the revoke action alike.
    view_action = Action.SUPERVISE
    add_action = Action.SUPERVISE

    def may_work(self, request: HttpRequest) -> bool:
        return bool(roles_for(Action.SUPERVISE, staff_roles(request)))

    def scope(self, actor: User) -> QuerySet[CaseUserObjectPermission]:
        return selectors.case_read_grant_list(actor=actor)

    def case_choices(self, actor: User) -> QuerySet[Case]:
        return cases_for(actor, Action.SUPERVISE).order_by("reference")

    @admin.action(description=gettext_lazy("Revoke: the person stops reading the case at once"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[CaseUserObjectPermission]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(grant: CaseUserObjectPermission, data: dict[str, Any]) -> str:
            services.case_read_revoke(actor=actor, grant=grant)
            return _("%(grant)s revoked.") % {"grant": grant}

        return self.confirm_then(request, queryset, action="revoke", title=_("Revoke the reading of a case"),
                                 form_class=NothingForm, apply=apply)  # fmt: skip
