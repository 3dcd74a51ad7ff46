"""Reads of explicit grants and break-glass readings, scoped by the access policy."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.access import Action, cases_for
from apps.grants.models import BreakGlass, CaseUserObjectPermission
from apps.grants.reach import break_glass_active, break_glass_case_ids, granted_read

__all__ = [
    "break_glass_active",
    "break_glass_case_ids",
    "break_glass_list",
    "break_glass_to_review",
    "case_read_grant_list",
    "granted_read",
]


def break_glass_list(*, actor: User) -> QuerySet[BreakGlass]:
    """The break-glass readings `actor` sees: their own, and those of the cases they supervise."""
    supervised = cases_for(actor, Action.SUPERVISE).values("pk")
    return BreakGlass.objects.filter(Q(opened_by=actor) | Q(case__in=supervised)).select_related(
        "case", "opened_by", "reviewed_by"
    )


def break_glass_to_review(*, at: datetime | None = None) -> QuerySet[BreakGlass]:
    """Readings not reviewed yet whose review is due at `at` (the next working day has come)."""
    moment = at or timezone.now()
    return BreakGlass.objects.filter(reviewed_at__isnull=True, review_due_at__lte=moment)


def case_read_grant_list(*, actor: User) -> QuerySet[CaseUserObjectPermission]:
    """The explicit grants to people on the cases `actor` supervises (who may revoke them)."""
    supervised = cases_for(actor, Action.SUPERVISE).values("pk")
    return CaseUserObjectPermission.objects.filter(content_object__in=supervised).select_related(
        "content_object", "user", "permission", "granted_by"
    )
