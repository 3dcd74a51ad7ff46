"""Who sees which alert.

An alert is *addressed* to a person by name or to a role in an agency: those people act on it
and mark it done. The case's assigned caseworker also *sees* every alert about her own
children that is addressed to a role of the agency holding the case (a child missing, held,
an overdue guardian...), so that her home page never says nothing needs her while one of
them does; she reads it, the people it is addressed to close it (or it resolves itself when
its condition ends). Alerts about a closed case are no longer shown as open: the periodic
resolution (`alerts_resolve`) records them as resolved with that reason.
"""

from collections.abc import Callable
from datetime import datetime

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.alerts.models import NOT_FOR_THE_CASEWORKER, PRIORITY, Alert
from apps.cases.models import CaseState
from apps.cases.reading import reach_beyond_the_case

CASE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)


def _addressed(actor: User) -> Q:
    holds_role = Membership.objects.active(at=timezone.now()).filter(
        user=actor, agency=OuterRef("agency"), role=OuterRef("role")
    )
    addressed = Q(user=actor) | (Q(user__isnull=True) & Q(Exists(holds_role)))
    moment = timezone.now()
    for prefix, live in _REACH_BOUND.items():
        addressed &= ~Q(key__startswith=prefix) | Q(agency=F("case__owning_agency")) | live(moment)
    return addressed


# Alerts that tell another agency than the case's about a case it reaches only through what
# raised them (a referral to it): key prefix -> the condition, on Alert, that this still holds.
_REACH_BOUND: dict[str, Callable[[datetime], Q]] = {}


def alerts_bound_to_reach(prefix: str, live: Callable[[datetime], Q]) -> None:
    """Show the alerts whose key starts with `prefix` to another agency than the case's only
    while `live(at)` holds: they name the case, and that agency's reach to it has ended."""
    _REACH_BOUND[prefix] = live


# An alert addressed to a person, by name or by a role she holds in its agency, reaches her
# whether or not she may open its case (it names the case by its reference only), unless what
# gave her agency its reach has ended (`alerts_bound_to_reach`).
reach_beyond_the_case(Alert, _addressed)


def _about_her_children(actor: User) -> Q:
    """Alerts to a role of the owning agency about a case assigned to the actor, while she
    still works in that agency as a caseworker or supervisor."""
    works_there = Membership.objects.active(at=timezone.now()).filter(
        user=actor, agency=OuterRef("case__owning_agency"), role__in=CASE_ROLES
    )
    return (
        Q(case__assigned_caseworker=actor)
        & Q(user__isnull=True)
        & Q(agency=F("case__owning_agency"))
        & ~Q(kind__in=NOT_FOR_THE_CASEWORKER)
        & Q(Exists(works_there))
    )


def alert_addressed_list(*, actor: User, include_done: bool = False) -> QuerySet[Alert]:
    """The alerts the actor acts on: to them by name, or to a role they hold now in the alert's
    agency. Only these may be marked done by the actor."""
    if not actor.is_authenticated or not actor.is_active:
        return Alert.objects.none()
    alerts = Alert.objects.filter(_addressed(actor))
    return alerts if include_done else alerts.filter(done_at__isnull=True)


def alert_list(*, actor: User, include_done: bool = False) -> QuerySet[Alert]:
    """Alerts for the actor — addressed to them, or about the children assigned to them — most
    urgent kinds first (an overdue guardian before anything else), then by due time.

    Open alerts of a closed case are left out even before the periodic resolution records them.
    """
    if not actor.is_authenticated or not actor.is_active:
        return Alert.objects.none()
    alerts = Alert.objects.filter(_addressed(actor) | _about_her_children(actor))
    if not include_done:
        alerts = alerts.filter(done_at__isnull=True).exclude(case__state=CaseState.CLOSED)
    priority = Case(
        *[When(kind=kind, then=Value(rank)) for kind, rank in PRIORITY.items()],
        default=Value(9),
        output_field=IntegerField(),
    )
    return (
        alerts.select_related("case", "agency").annotate(priority=priority).order_by("priority", "due_at", "raised_at")
    )
