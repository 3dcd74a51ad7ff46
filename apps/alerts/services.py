"""Raising, closing and resolving alerts. Raising is idempotent for keyed alerts.

An alert ends in one of three ways, recorded in `resolution`: someone it is addressed to
marks it done (`alert_close`, with what was done); what it is about ends (a guardian became
active, the child was found) and a resolver registered for its kind says so; or its case is
closed. `alerts_resolve` applies the last two, run by the periodic tasks that raise alerts
and by its own periodic task, so no alert outlives its reason.

What was done is sealed with the key of the child the alert is about (`outcome`), since
people write it about the child; every closing goes through `alert_close`, `alerts_done`
or `alerts_resolve`, which seal it. An alert about no child keeps no words.
"""

from collections.abc import Callable, Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Agency, User
from apps.alerts.models import Alert, Resolution
from apps.alerts.selectors import alert_addressed_list
from apps.cases import vault
from apps.cases.models import Case, CaseState, Child
from apps.core.crypto import KeyUnavailable

# A resolver answers, for one open alert of its kind, why its condition has ended at `at`
# (the outcome recorded), or None while it still holds.
Resolver = Callable[[Alert, datetime], str | None]
_RESOLVERS: dict[str, Resolver] = {}


def alert_resolver(kind: str) -> Callable[[Resolver], Resolver]:
    """Register the resolver of an alert kind (one per kind: registering again replaces it)."""

    def register(resolver: Resolver) -> Resolver:
        _RESOLVERS[kind] = resolver
        return resolver

    return register


def resolver_for(kind: str) -> Resolver | None:
    return _RESOLVERS.get(kind)


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


class _OutcomeSealer:
    """Seals outcomes with the key of each alert's child, each key fetched once per call."""

    def __init__(self) -> None:
        self._keys: dict[int, bytes | None] = {}

    def _key(self, child: Child) -> bytes | None:
        if child.pk not in self._keys:
            try:
                self._keys[child.pk] = vault.data_key(child)
            except KeyUnavailable:
                self._keys[child.pk] = None  # anonymised: nothing about them is written any more
        return self._keys[child.pk]

    def seal(self, alert: Alert, outcome: str) -> bytes | None:
        if alert.case is None:
            return None  # about no child: its closing is who and when
        key = self._key(alert.case.child)
        if key is None:
            return None
        return vault.seal(alert.case.child, key, Alert, "outcome", outcome.strip() or None)


def _closing(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    return alerts.filter(done_at__isnull=True).select_related("case__child").order_by("pk")


@transaction.atomic
def alerts_done(
    alerts: QuerySet[Alert], *, actor: User | None, outcome: str, at: datetime, resolution: str = ""
) -> int:
    """Close the open alerts among `alerts` that something recorded made moot (whoever they were
    addressed to), with what was done sealed; `resolution` blank where the service does not say
    how. Returns how many were closed."""
    sealer, closed = _OutcomeSealer(), 0
    for alert in _closing(alerts):
        closed += Alert.objects.filter(pk=alert.pk, done_at__isnull=True).update(
            done_at=at, done_by=actor, outcome=sealer.seal(alert, outcome), resolution=resolution
        )
    return closed


@transaction.atomic
def alert_close(*, actor: User, alert: Alert, outcome: str, at: datetime | None = None) -> Alert:
    """Mark an alert done by someone it was addressed to (by name, or to a role they hold).

    The caseworker who sees an alert about her child addressed to the supervisors does not
    close it for them: it stays until they act or its condition ends.
    """
    if not alert_addressed_list(actor=actor, include_done=True).filter(pk=alert.pk).exists():
        raise PermissionDenied(_("This alert is not addressed to you."))
    alerts_done(
        Alert.objects.filter(pk=alert.pk), actor=actor, outcome=outcome, at=at or timezone.now(),
        resolution=Resolution.DONE,
    )  # fmt: skip
    alert.refresh_from_db()
    return alert


def alerts_resolve(*, at: datetime | None = None, kinds: Iterable[str] | None = None) -> int:
    """Resolve the open alerts whose reason has gone, each with the reason recorded.

    - every open alert of a closed case: `case_closed` ("The case was closed.");
    - every open alert of a kind with a registered resolver whose condition has ended at
      `at`: `condition_ended`, with the resolver's answer as the outcome.
    `kinds` limits both to those kinds (a periodic task re-checks the kinds it raises).
    Nobody is named as having done it. Running twice resolves once. Returns how many.
    """
    moment = at or timezone.now()
    wanted = None if kinds is None else [str(kind) for kind in kinds]
    open_alerts = Alert.objects.filter(done_at__isnull=True)
    if wanted is not None:
        open_alerts = open_alerts.filter(kind__in=wanted)
    resolved = alerts_done(
        open_alerts.filter(case__state=CaseState.CLOSED), actor=None, outcome=_("The case was closed."), at=moment,
        resolution=Resolution.CASE_CLOSED,
    )  # fmt: skip
    sealer = _OutcomeSealer()
    for kind, resolver in list(_RESOLVERS.items()):
        if wanted is not None and kind not in wanted:
            continue
        for alert in _closing(open_alerts.filter(kind=kind)).iterator():
            reason = resolver(alert, moment)
            if reason:
                resolved += Alert.objects.filter(pk=alert.pk, done_at__isnull=True).update(
                    done_at=moment, done_by=None, resolution=Resolution.CONDITION_ENDED,
                    outcome=sealer.seal(alert, reason[:4000]),
                )  # fmt: skip
    return resolved
