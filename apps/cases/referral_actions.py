"""The case's actions that refer it to another agency.

"Transfer the case": a supervisor asks another agency to take the case over
(`case_transfer_request`); the receiver accepts or declines in the referrals list. "Ask for a
guardian": opens the request to the guardianship authority for the selected case.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role
from apps.cases import transfers
from apps.cases.forms import CaseTransferForm
from apps.cases.models import Case
from apps.core.admin import ConfirmThenActMixin, acting_user, staff_roles


class CaseReferralActionsMixin(ConfirmThenActMixin):
    """Adds the referral actions to the case admin; the services decide for each case."""

    def has_transfer_permission(self, request: HttpRequest) -> bool:
        return Role.SUPERVISOR in staff_roles(request)

    @admin.action(description=gettext_lazy("Transfer the case to another agency"), permissions=["transfer"])
    def transfer_case(self, request: HttpRequest, queryset: QuerySet[Case]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(case: Case, data: dict[str, Any]) -> str:
            referral = transfers.case_transfer_request(
                actor=actor, case=case, to_agency=data["to_agency"], country=data["country"],
                jurisdiction=data["jurisdiction"], purpose=data["purpose"],
            )  # fmt: skip
            return _("%(case)s: transfer asked of %(agency)s; the case stays yours until it accepts.") % {
                "case": case.reference,
                "agency": referral.to_agency,
            }

        return self.confirm_then(
            request,
            queryset.select_related("owning_agency").order_by("reference"),
            action="transfer_case",
            title=_("Transfer the case"),
            form_class=CaseTransferForm,
            apply=apply,
        )

    @admin.action(description=gettext_lazy("Ask for a guardian"))
    def ask_for_guardian(self, request: HttpRequest, queryset: QuerySet[Case]) -> HttpResponse | None:
        """The request form of the guardianship screens, for the one case selected."""
        selected = list(queryset.values_list("pk", flat=True)[:2])
        if len(selected) != 1:
            self.message_user(request, _("Select exactly one case."), messages.WARNING)
            return None
        return HttpResponseRedirect(f"{reverse('admin:guardianship_guardianrequest_add')}?case={selected[0]}")
