"""Every write to users, agencies, teams and memberships.

`actor` is who does it; None means the installation itself (a management command run by
the operator on the server, the demo seeder). Web and API channels always pass a user.
"""

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import (
    APPROVER_ROLES,
    CASE_DATA_ROLES,
    Agency,
    Membership,
    MembershipEvent,
    MembershipEventKind,
    Role,
    Team,
    User,
    validate_time_zone,
)
from apps.accounts.selectors import user_is_agency_admin, user_is_operator
from apps.alerts.models import AlertKind
from apps.core.rules import Violations

# Roles that work in the admin until Haven has pages of its own for them. Staff status opens
# the admin's door only: what each person sees there is still scoped by their roles.
ADMIN_ROLES = frozenset({Role.OPERATOR, Role.CASEWORKER, Role.SUPERVISOR, Role.GUARDIAN, Role.AGENCY_ADMIN})


# What else must happen when a role ends, declared here and registered by the apps above
# accounts (guardianship ends a guardian's appointments), so accounts imports none of them.
# Each runs in the same transaction as the end of the membership.
role_ended_hooks: list[Callable[..., object]] = []
# Rules of the apps above on who may hold a role: each adds to the grant's Violations
# (guardianship: a guardian with open appointments joins no police, immigration or
# prosecution agency).
grant_checks: list[Callable[..., None]] = []


def _require_operator(actor: User | None) -> None:
    if actor is not None and not user_is_operator(user=actor):
        raise PermissionDenied(_("Only an operator may manage agencies."))


def _require_agency_admin(actor: User | None, agency: Agency) -> None:
    if actor is not None and not (user_is_operator(user=actor) or user_is_agency_admin(user=actor, agency=agency)):
        raise PermissionDenied(_("Only an administrator of this agency may manage its people and teams."))


@transaction.atomic
def agency_create(
    *, actor: User | None, name: str, kind: str, country: str, time_zone: str, jurisdiction: str = ""
) -> Agency:
    """Create an agency; its country is an ISO code and its time zone a real one."""
    _require_operator(actor)
    validate_time_zone(time_zone)
    agency = Agency(name=name, kind=kind, country=country.upper(), time_zone=time_zone, jurisdiction=jurisdiction)
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def agency_approver_name(*, actor: User | None, agency: Agency, approver_agency: Agency | None) -> Agency:
    """Name (or clear) the partner agency whose supervisors approve this agency's role grants.

    For a small agency with no second person of its own (DOMAIN "Who is who"). An operator's
    setting: it grants no role and no case data by itself.
    """
    _require_operator(actor)
    if approver_agency is not None and approver_agency.pk == agency.pk:
        raise ValidationError({"approver_agency": _("An agency's approver is a partner agency, not itself.")})
    Agency.objects.filter(pk=agency.pk).update(approver_agency=approver_agency)
    agency.refresh_from_db()
    return agency


@transaction.atomic
def team_create(*, actor: User | None, agency: Agency, name: str) -> Team:
    _require_agency_admin(actor, agency)
    team = Team(agency=agency, name=name)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def user_create(
    *, actor: User | None, email: str, full_name: str, password: str | None = None, agency: Agency | None = None
) -> User:
    """Create a user; without a password they set one through the reset e-mail."""
    if agency is not None:
        _require_agency_admin(actor, agency)
    else:
        _require_operator(actor)
    user = User(email=User.objects.normalize_email(email).lower(), full_name=full_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


def _record(membership: Membership, kind: str, actor: User | None, at: datetime, note: str = "") -> None:
    MembershipEvent.objects.create(membership=membership, kind=kind, actor=actor, at=at, note=note)


def _tell_supervisors(membership: Membership, kind: str, detail: str, at: datetime) -> None:
    """Alert the agency's supervisors (and, for a grant to approve, its administrators and its
    partner approver agency's supervisors): who may approve is who is told."""
    from apps.alerts.services import alert_raise

    agency = membership.agency
    alert_raise(kind=kind, agency=agency, role=Role.SUPERVISOR, detail=detail, at=at)
    if kind == AlertKind.ROLE_GRANT_TO_APPROVE:
        alert_raise(kind=kind, agency=agency, role=Role.AGENCY_ADMIN, detail=detail, at=at)
        partner = agency.approver_agency
        if partner is not None:
            alert_raise(kind=kind, agency=partner, role=Role.SUPERVISOR, detail=detail, at=at)


def _describe(membership: Membership) -> str:
    return f"{membership.user} — {membership.get_role_display()} — {membership.agency}"


def _may_approve_for(actor: User, agency: Agency) -> bool:
    """A supervisor or administrator of the agency, or a supervisor of its named partner."""
    if Membership.objects.active().filter(user=actor, agency=agency, role__in=APPROVER_ROLES).exists():
        return True
    return (
        agency.approver_agency_id is not None
        and Membership.objects.active()
        .filter(user=actor, agency_id=agency.approver_agency_id, role=Role.SUPERVISOR)
        .exists()
    )


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    user: User,
    agency: Agency,
    role: str,
    team: Team | None = None,
    at: datetime | None = None,
) -> Membership:
    """Give `user` a role in `agency`, or ask for it.

    A role that reaches case data (caseworker, supervisor, guardian, partner staff) — or an
    administrator, who approves such roles, made by another administrator — is created
    awaiting approval and gives nothing until a second person of the agency approves it
    (`membership_approve`). Operators create an agency's first administrator and other
    operators only (ROLE_APPROVAL_REQUIRED.OPERATOR); nobody asks for a case-data role for
    themselves (.SELF). Every grant is in the membership's history and alerts the agency's
    supervisors. `actor` None is the installation (a command on the server): it may ask,
    never approve.
    """
    moment = at or timezone.now()
    _require_agency_admin(actor, agency)
    if role == Role.OPERATOR:
        _require_operator(actor)
    if team is not None and team.agency_id != agency.pk:
        raise ValidationError({"team": _("The team belongs to another agency.")})
    found = Violations()
    by_operator = (
        actor is not None and user_is_operator(user=actor) and not user_is_agency_admin(user=actor, agency=agency)
    )
    # An administrator is an approver: one made by another administrator alone would let a
    # single administrator manufacture their own "second person". Only the operator's first
    # administrator (and the installation's) is in force at once.
    needs_approval = role in CASE_DATA_ROLES or (role == Role.AGENCY_ADMIN and actor is not None and not by_operator)
    if by_operator:
        # An operator runs the installation: agencies, their first administrator, operators.
        first_admin = (
            role == Role.AGENCY_ADMIN
            and not Membership.objects.active()
            .filter(agency=agency, role=Role.AGENCY_ADMIN)
            .exclude(user=user)
            .exists()
        )
        found.check(role == Role.OPERATOR or first_admin, "ROLE_APPROVAL_REQUIRED.OPERATOR", role=_role_label(role))
    if needs_approval and actor is not None:
        found.check(actor.pk != user.pk, "ROLE_APPROVAL_REQUIRED.SELF")
    for check in grant_checks:
        check(found, user=user, agency=agency, role=role, at=moment)
    found.raise_if_any()
    membership = Membership(
        user=user, agency=agency, role=role, team=team, started_at=moment, requested_by=actor,
        approved_at=None if needs_approval else moment,
    )  # fmt: skip
    membership.full_clean(validate_constraints=False)
    membership.save()
    if needs_approval:
        _record(membership, MembershipEventKind.REQUESTED, actor, moment)
        _tell_supervisors(membership, AlertKind.ROLE_GRANT_TO_APPROVE, _describe(membership), moment)
        return membership
    _record(membership, MembershipEventKind.GRANTED, actor, moment)
    _tell_supervisors(membership, AlertKind.ROLE_GRANTED, _describe(membership), moment)
    _open_the_admin(membership)
    return membership


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _open_the_admin(membership: Membership) -> None:
    user = membership.user
    if membership.role in ADMIN_ROLES and not user.is_staff:
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.is_staff = True


@transaction.atomic
def membership_approve(*, actor: User, membership: Membership, at: datetime | None = None) -> Membership:
    """A second person approves a grant awaiting approval: from then on it counts.

    The approver is a supervisor or administrator of the agency (or a supervisor of the
    partner agency it names as approver), and is neither the grantee nor whoever asked for
    it (ROLE_APPROVAL_REQUIRED.SELF / .NOT_AN_APPROVER / .NOT_PENDING). The database holds
    the first two too. Recorded in the history; the agency's supervisors are told.
    """
    moment = at or timezone.now()
    locked = Membership.objects.select_for_update().select_related("agency", "user").get(pk=membership.pk)
    found = Violations()
    found.check(locked.is_pending, "ROLE_APPROVAL_REQUIRED.NOT_PENDING")
    found.check(actor.pk not in {locked.user_id, locked.requested_by_id}, "ROLE_APPROVAL_REQUIRED.SELF")
    found.check(_may_approve_for(actor, locked.agency), "ROLE_APPROVAL_REQUIRED.NOT_AN_APPROVER",
                agency=locked.agency.name)  # fmt: skip
    found.raise_if_any()
    Membership.objects.filter(pk=locked.pk).update(approved_at=moment, approved_by=actor)
    locked.refresh_from_db()
    _record(locked, MembershipEventKind.APPROVED, actor, moment)
    _tell_supervisors(locked, AlertKind.ROLE_GRANTED, _describe(locked), moment)
    _open_the_admin(locked)
    membership.approved_at, membership.approved_by = locked.approved_at, locked.approved_by
    return locked


@transaction.atomic
def membership_refuse(*, actor: User, membership: Membership, reason: str, at: datetime | None = None) -> Membership:
    """Refuse a grant awaiting approval (those who may approve it, or whoever asked for it)."""
    moment = at or timezone.now()
    locked = Membership.objects.select_for_update().select_related("agency", "user").get(pk=membership.pk)
    found = Violations()
    found.check(locked.is_pending, "ROLE_APPROVAL_REQUIRED.NOT_PENDING")
    may = actor.pk == locked.requested_by_id or (actor.pk != locked.user_id and _may_approve_for(actor, locked.agency))
    found.check(may, "ROLE_APPROVAL_REQUIRED.NOT_AN_APPROVER", agency=locked.agency.name)
    found.raise_if_any()
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the grant is refused.")})
    Membership.objects.filter(pk=locked.pk).update(ended_at=max(moment, locked.started_at))
    locked.refresh_from_db()
    _record(locked, MembershipEventKind.REFUSED, actor, moment, reason.strip())
    return locked


@transaction.atomic
def membership_end(*, actor: User | None, membership: Membership, at: datetime | None = None) -> Membership:
    """End a membership; its history stays. Losing the last role that works in the admin closes it."""
    _require_agency_admin(actor, membership.agency)
    moment = at or timezone.now()
    ended = Membership.objects.filter(pk=membership.pk, ended_at__isnull=True).update(ended_at=moment)
    membership.refresh_from_db()
    if ended:
        _record(membership, MembershipEventKind.ENDED, actor, moment)
    user = membership.user
    still = Membership.objects.active(at=moment).filter(user=user, role__in=ADMIN_ROLES).exists()
    if membership.role in ADMIN_ROLES and not still:
        User.objects.filter(pk=user.pk).update(is_staff=False)
    for hook in role_ended_hooks:
        hook(membership=membership, at=membership.ended_at or moment)
    return membership
