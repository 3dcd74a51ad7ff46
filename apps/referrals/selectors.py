"""Reads of referrals, scoped at the query.

- The receiving agency's staff (`receiving_staff_roles`) act on, and read, what is referred to
  their agency: its incoming list shows each referral's purpose, service, urgency, deadline
  and shared sections, never case data beyond those.
- The case's own staff see the case's referrals through the access policy (`cases_for`).
"""

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import Agency, Membership, Role, User
from apps.cases.access import Action, cases_for
from apps.referrals.models import Referral

# The staff of the agency a referral is sent to: they reply to it and read what it shares.
receiving_staff_roles = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.PARTNER_STAFF})
# The sender's staff who revoke a referral of their agency.
sending_staff_roles = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


def receiving_agencies(*, actor: User, at: datetime | None = None) -> QuerySet[Agency]:
    """The agencies the actor receives referrals for now."""
    moment = at or timezone.now()
    held = Membership.objects.active(at=moment).filter(user=actor, role__in=receiving_staff_roles)
    return Agency.objects.filter(pk__in=held.values("agency"))


def receives_for(*, actor: User, agency: Agency | int, at: datetime | None = None) -> bool:
    moment = at or timezone.now()
    agency_id = agency if isinstance(agency, int) else agency.pk
    return (
        Membership.objects.active(at=moment)
        .filter(user=actor, agency_id=agency_id, role__in=receiving_staff_roles)
        .exists()
    )


def sends_for(*, actor: User, agency_id: int, role: str | None = None, at: datetime | None = None) -> bool:
    """The actor is a caseworker or supervisor (or only `role`) of the sending agency now."""
    moment = at or timezone.now()
    roles = [role] if role else list(sending_staff_roles)
    return Membership.objects.active(at=moment).filter(user=actor, agency_id=agency_id, role__in=roles).exists()


def referral_incoming_list(
    *, actor: User, at: datetime | None = None, model: type[Referral] = Referral
) -> QuerySet[Referral]:
    """The open referrals sent to an agency the actor receives for, newest first (as `model`, a
    proxy for the receiver's list). One declined, completed, revoked or expired leaves the list:
    it names a case the receiver no longer reaches (the sender keeps its record)."""
    moment = at or timezone.now()
    return (
        model.objects.open(moment)
        .filter(to_agency__in=receiving_agencies(actor=actor, at=moment))
        .select_related("case__child", "from_agency", "to_agency")
        .order_by("-sent_at", "-pk")
    )


def referral_alert_live(at: datetime) -> Q:
    """On Alert: an open referral of the alert's case to the alert's agency (its receiver)."""
    live = Referral.objects.open(at).filter(case=OuterRef("case"), to_agency=OuterRef("agency"))
    return Q(Exists(live))


def referral_sent_list(*, actor: User, at: datetime | None = None) -> QuerySet[Referral]:
    """The referrals of the cases the actor works on (the sender's side)."""
    return (
        Referral.objects.filter(case__in=cases_for(actor, Action.WORK, at=at))
        .select_related("case__child", "from_agency", "to_agency")
        .order_by("-sent_at", "-pk")
    )


def referrals_to_review(*, actor: User, at: datetime | None = None) -> QuerySet[Referral]:
    """Urgent-protection referrals of the actor's agency awaiting a supervisor's review."""
    moment = at or timezone.now()
    supervises = Membership.objects.active(at=moment).filter(user=actor, role=Role.SUPERVISOR)
    return (
        Referral.objects.awaiting_review()
        .filter(from_agency__in=supervises.values("agency"))
        .select_related("case__child", "from_agency", "to_agency")
    )


def incoming_to(actor: Any) -> Q:
    """The referrals sent to an agency the actor receives for (registered with the reading kit)."""
    return Q(to_agency__in=receiving_agencies(actor=actor))
