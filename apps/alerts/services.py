"""Raising and closing alerts. Raising is idempotent for keyed alerts."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Agency, User
from apps.alerts.models import Alert
from apps.alerts.selectors import alert_list
from apps.cases.models import Case


def alert_raise(
    *,
    kind: str,
    agency: Agency,
    role: str = "",
    user: User | None = None,
    case: Case | None = None,
    key: str = "",
    detail: str = "",
    due_at: datetime | None = None,
    at: datetime | None = None,
) -> Alert | None:
    """Raise an alert; a keyed alert raised before (open or done) is not raised again.

    Returns the new alert, or None when it already existed. Safe for tasks that run twice
    or at once: the database's partial unique constraint decides, not a prior read.
    """
    try:
        with transaction.atomic():
            return Alert.objects.create(
                kind=kind, agency=agency, role=role, user=user, case=case, key=key, detail=detail[:300],
                due_at=due_at, raised_at=at or timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        if not key:
            raise
        return None


@transaction.atomic
def alert_close(*, actor: User, alert: Alert, outcome: str, at: datetime | None = None) -> Alert:
    """Mark an alert done by someone it was addressed to."""
    if not alert_list(actor=actor, include_done=True).filter(pk=alert.pk).exists():
        raise PermissionDenied(_("This alert is not addressed to you."))
    Alert.objects.filter(pk=alert.pk, done_at__isnull=True).update(
        done_at=at or timezone.now(), done_by=actor, outcome=outcome
    )
    alert.refresh_from_db()
    return alert
