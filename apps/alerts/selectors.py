from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.alerts.models import PRIORITY, Alert


def alert_list(*, actor: User, include_done: bool = False) -> QuerySet[Alert]:
    """Alerts for the actor — by name, or to a role they hold in the alert's agency —
    most urgent kinds first (an overdue guardian before anything else), then by due time."""
    if not actor.is_authenticated or not actor.is_active:
        return Alert.objects.none()
    holds_role = Membership.objects.active(at=timezone.now()).filter(
        user=actor, agency=OuterRef("agency"), role=OuterRef("role")
    )
    alerts = Alert.objects.filter(Q(user=actor) | (Q(user__isnull=True) & Q(Exists(holds_role))))
    if not include_done:
        alerts = alerts.filter(done_at__isnull=True)
    priority = Case(
        *[When(kind=kind, then=Value(rank)) for kind, rank in PRIORITY.items()],
        default=Value(9),
        output_field=IntegerField(),
    )
    return (
        alerts.select_related("case", "agency").annotate(priority=priority).order_by("priority", "due_at", "raised_at")
    )
