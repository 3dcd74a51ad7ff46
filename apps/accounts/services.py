"""Every write to users, agencies, teams and memberships.

`actor` is who does it; None means the installation itself (a management command run by
the operator on the server, the demo seeder). Web and API channels always pass a user.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Agency, Membership, Role, Team, User, validate_time_zone
from apps.accounts.selectors import user_is_agency_admin, user_is_operator

# Roles that work in the admin until Haven has pages of its own for them. Staff status opens
# the admin's door only: what each person sees there is still scoped by their roles.
ADMIN_ROLES = frozenset({Role.OPERATOR, Role.CASEWORKER, Role.SUPERVISOR, Role.GUARDIAN})


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
    """Give `user` a role in `agency`; an operator role also opens the admin site."""
    _require_agency_admin(actor, agency)
    if role == Role.OPERATOR:
        _require_operator(actor)
    if team is not None and team.agency_id != agency.pk:
        raise ValidationError({"team": _("The team belongs to another agency.")})
    membership = Membership(user=user, agency=agency, role=role, team=team, started_at=at or timezone.now())
    membership.full_clean(validate_constraints=False)
    membership.save()
    if role in ADMIN_ROLES and not user.is_staff:
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.is_staff = True
    return membership


@transaction.atomic
def membership_end(*, actor: User | None, membership: Membership, at: datetime | None = None) -> Membership:
    """End a membership; its history stays. Losing the last role that works in the admin closes it."""
    _require_agency_admin(actor, membership.agency)
    moment = at or timezone.now()
    Membership.objects.filter(pk=membership.pk, ended_at__isnull=True).update(ended_at=moment)
    membership.refresh_from_db()
    user = membership.user
    still = Membership.objects.active(at=moment).filter(user=user, role__in=ADMIN_ROLES).exists()
    if membership.role in ADMIN_ROLES and not still:
        User.objects.filter(pk=user.pk).update(is_staff=False)
    return membership
