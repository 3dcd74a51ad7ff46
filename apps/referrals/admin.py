"""Referrals in the admin, through the same services (apps/referrals/services.py).

- Referrals (the sender's side): a case's caseworkers and supervisors send one ("Add", a case's
  page links here with `?case=`), follow their cases' referrals and revoke them; a supervisor
  reviews an urgent-protection referral of the agency.
- Incoming referrals (the receiver's side): the staff of the receiving agency see what is asked
  of their agency (purpose, service, urgency, deadline, the sections shared; nothing else of
  the case) and acknowledge, accept, decline with a reason, or report it completed.
Every page is a logged read of the case (ReadLoggedAdmin); opening the purpose opens the
child's sealed text, logged too.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role, User
from apps.cases.access import Action
from apps.cases.sections import Section
from apps.core.admin import ReasonForm, ServiceAdmin, acting_user, staff_roles
from apps.referrals import selectors, services
from apps.referrals.forms import ConfirmForm, NoteForm, ReferralSendForm
from apps.referrals.models import IncomingReferral, Referral

LIST_RELATED = ("case__child", "from_agency", "to_agency")


def _sections(obj: Referral) -> str:
    return ", ".join(str(Section(name).label) for name in obj.sections)


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


class _ReferralColumns(ServiceAdmin):
    sealed = ("purpose",)
    list_select_related = LIST_RELATED
    search_fields = ("case__reference",)
    list_filter = ("state", "urgency", "kind")

    @admin.display(description=gettext_lazy("purpose"))
    def purpose_text(self, obj: Referral) -> str:
        return self.opened(obj, "purpose")

    @admin.display(description=gettext_lazy("sections shared"))
    def shared_sections(self, obj: Referral) -> str:
        return _sections(obj)

    @admin.display(description=gettext_lazy("reply by"), ordering="reply_by")
    def deadline(self, obj: Referral) -> str:
        return _when(obj.reply_by)

    def _act(
        self, request: HttpRequest, queryset: QuerySet[Any], *, action: str, title: str, form: type[Any],
        call: Callable[[User, Referral, dict[str, Any]], Referral], done: str,
    ) -> HttpResponse | None:  # fmt: skip
        actor = acting_user(request)

        def apply(referral: Referral, data: dict[str, Any]) -> str:
            call(actor, referral, data)
            return done % {"referral": referral.case}

        return self.confirm_then(request, queryset, action=action, title=title, form_class=form, apply=apply)


@admin.register(Referral)
class ReferralAdmin(_ReferralColumns):
    view_action = Action.WORK  # the referrals the case's agency sent
    add_form = ReferralSendForm
    record = services.referral_send
    add_fieldsets = (
        (None, {"fields": ("case", "to_agency", "kind", "service", "urgency", "reply_by", "expires_at")}),
        (gettext_lazy("Legal basis and purpose"),
         {"fields": ("legal_basis", "legal_reference", "purpose", "child_consent", "guardian_consent",
                     "urgent_reason")}),
        (gettext_lazy("What is shared"), {"fields": ("sections",)}),
    )  # fmt: skip
    list_display = ("case", "to_agency", "kind", "service", "urgency", "state", "sent_at", "deadline", "reviewed_at")
    actions = ("revoke", "review")
    fields = (
        "case", "from_agency", "to_agency", "kind", "service", "legal_basis", "legal_reference", "purpose_text",
        "shared_sections", "urgency", "state", "sent_at", "deadline", "acknowledged_at", "accepted_at",
        "declined_at", "completed_at", "revoked_at", "expires_at", "reviewed_by", "reviewed_at",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[Referral]:
        return selectors.referral_sent_list(actor=actor)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        case_id = request.GET.get("case", "")
        if case_id.isdigit():
            initial["case"] = case_id
        return initial

    def has_review_permission(self, request: HttpRequest) -> bool:
        return Role.SUPERVISOR in staff_roles(request)

    @admin.action(description=gettext_lazy("Revoke the referral"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Referral]) -> HttpResponse | None:
        return self._act(
            request, queryset, action="revoke", title=_("Revoke the referral"), form=ReasonForm,
            call=lambda actor, referral, data: services.referral_revoke(
                actor=actor, referral=referral, reason=data["reason"]),
            done=_("The referral of %(referral)s is revoked: the receiver's access has ended."),
        )  # fmt: skip

    @admin.action(description=gettext_lazy("Review the urgent referral"), permissions=["review"])
    def review(self, request: HttpRequest, queryset: QuerySet[Referral]) -> HttpResponse | None:
        return self._act(
            request, queryset, action="review", title=_("Review the urgent-protection referral"), form=NoteForm,
            call=lambda actor, referral, data: services.referral_review(
                actor=actor, referral=referral, note=data["note"]),
            done=_("The urgent referral of %(referral)s is reviewed."),
        )  # fmt: skip


@admin.register(IncomingReferral)
class IncomingReferralAdmin(_ReferralColumns):
    view_action = Action.READ
    list_display = ("case", "from_agency", "kind", "service", "purpose_text", "urgency", "deadline",
                    "shared_sections", "state")  # fmt: skip
    actions = ("acknowledge", "accept", "decline", "complete")
    fields = ("case", "from_agency", "kind", "service", "legal_basis", "purpose_text", "shared_sections", "urgency",
              "deadline", "state", "sent_at", "expires_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[Referral]:
        return selectors.referral_incoming_list(actor=actor, model=IncomingReferral)

    def may_work(self, request: HttpRequest) -> bool:
        return bool(staff_roles(request) & selectors.receiving_staff_roles)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("Acknowledge"))
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Referral]) -> HttpResponse | None:
        return self._act(
            request, queryset, action="acknowledge", title=_("Acknowledge the referral"), form=ConfirmForm,
            call=lambda actor, referral, data: services.referral_acknowledge(actor=actor, referral=referral),
            done=_("The referral of %(referral)s is acknowledged."),
        )  # fmt: skip

    @admin.action(description=gettext_lazy("Accept"))
    def accept(self, request: HttpRequest, queryset: QuerySet[Referral]) -> HttpResponse | None:
        return self._act(
            request, queryset, action="accept", title=_("Accept the referral"), form=ConfirmForm,
            call=lambda actor, referral, data: services.referral_accept(actor=actor, referral=referral),
            done=_("The referral of %(referral)s is accepted."),
        )  # fmt: skip

    @admin.action(description=gettext_lazy("Decline, with a reason"))
    def decline(self, request: HttpRequest, queryset: QuerySet[Referral]) -> HttpResponse | None:
        return self._act(
            request, queryset, action="decline", title=_("Decline the referral"), form=ReasonForm,
            call=lambda actor, referral, data: services.referral_decline(
                actor=actor, referral=referral, reason=data["reason"]),
            done=_("The referral of %(referral)s is declined; its caseworker is told."),
        )  # fmt: skip

    @admin.action(description=gettext_lazy("Report completed"))
    def complete(self, request: HttpRequest, queryset: QuerySet[Referral]) -> HttpResponse | None:
        return self._act(
            request, queryset, action="complete", title=_("Report the referral completed"), form=ConfirmForm,
            call=lambda actor, referral, data: services.referral_complete(actor=actor, referral=referral),
            done=_("The referral of %(referral)s is completed: access to the case has ended."),
        )  # fmt: skip
