"""Which cases an actor may read or act on, now: the one access policy.

Two halves of one rule, so a list and a single record can never disagree:

- `cases_for(actor, action)`: the cases, as a queryset filtered in the database;
- `require(actor, action, case)`: the same question for one case. A case outside what the
  actor may see is a 404, exactly like one that does not exist (nothing is learnt from
  asking); a case they see, in a role that may not do this, is a 403.

Everything comes from live rows (memberships, teams, assignment, active guardian
appointments, referrals to the actor's agency) at the moment of the question; superuser
status and model permissions add nothing. Services, admins and selectors ask here; no other
module decides.

Sections: the people who hold a case (its agency's staff, the child's guardian) read all of
it; a partner agency reads only the sections its referral shares, while the referral gives
access (`Referral.objects.granting_access`), ending the second it is revoked, completed or
expires. `case_visibility(section=...)` and `readable_sections` answer per section; without
a section the condition is the holders' only, so a selector that does not name what it
shows never shows it to a partner.
"""

from collections.abc import Collection
from datetime import datetime
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Membership, Role, User
from apps.cases.models import Case
from apps.cases.sections import Section
from apps.grants.reach import granted_read
from apps.guardianship.models import GuardianAppointment
from apps.guardianship.selectors import active_appointments
from apps.referrals.models import Referral


class Action(StrEnum):
    """What an actor asks to do with a case."""

    READ = "read"  # see the case and its records, in any relation to it
    WORK = "work"  # act on it as a caseworker or supervisor of the agency holding it
    WORK_OR_GUARD = "work_or_guard"  # as its caseworker or supervisor, or as the child's active guardian
    GUARD = "guard"  # as the child's active representative or guardian (their ward)
    SUPERVISE = "supervise"  # as a supervisor of the agency holding it


CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
# The staff of an agency a referral is sent to, who read what it shares.
RECEIVING_ROLES = CASE_ROLES | {Role.PARTNER_STAFF}
ALL_SECTIONS = frozenset(Section)

# The roles that can do each action on some case; which case is decided by `cases_for`.
ACTION_ROLES: dict[Action, frozenset[str]] = {
    Action.READ: RECEIVING_ROLES | {Role.GUARDIAN},
    Action.WORK: CASE_ROLES,
    Action.WORK_OR_GUARD: CASE_ROLES | {Role.GUARDIAN},
    Action.GUARD: frozenset({Role.GUARDIAN}),
    Action.SUPERVISE: frozenset({Role.SUPERVISOR}),
}

_REFUSALS = {
    Action.WORK: _("Only caseworkers and supervisors of the agency holding the case record this."),
    Action.WORK_OR_GUARD: _("Only the case's staff or the child's guardian record this."),
    Action.GUARD: _("Only the child's guardian records this."),
    Action.SUPERVISE: _("Only supervisors of the agency holding the case do this."),
}


def case_visibility(*, actor: User, at: datetime | None = None, section: Section | None = None) -> Q:
    """The one condition for "actor may see this case", from live rows.

    A supervisor sees every case of their agency; a caseworker sees the cases of their
    agency assigned to them or held by one of their teams; a guardian sees their wards'
    cases while the appointment is active. With `section`, also the cases referred to the
    actor's agency whose referral shares that section (`Section.RECORD`: any such referral,
    the case's reference and who holds it). Superuser status and model permissions add
    nothing.
    """
    if not actor.is_authenticated or not actor.is_active:
        return Q(pk__in=[])
    moment = at or timezone.now()
    holds = _reads_whole(actor, moment)
    if section is None:
        return holds
    return holds | Q(Exists(_referred(actor, moment, section)))


def _reads_whole(actor: User, moment: datetime) -> Q:
    """Those who read the whole case: its holders, and (read-only) an explicit grant to the
    person or a running break-glass."""
    return _holds(actor, moment) | granted_read(actor, moment)


def _holds(actor: User, moment: datetime) -> Q:
    """The people who hold the whole case: its agency's staff and the child's guardian."""
    memberships = Membership.objects.active(at=moment).filter(user=actor)
    supervises = memberships.filter(role=Role.SUPERVISOR, agency=OuterRef("owning_agency"))
    works_in = memberships.filter(role=Role.CASEWORKER, agency=OuterRef("owning_agency"))
    in_team = works_in.filter(team=OuterRef("team"))
    # A guardian, for their ward, while the appointment is active (and they are a guardian).
    is_guardian = memberships.filter(role=Role.GUARDIAN)
    return (
        Q(Exists(supervises))
        | (Q(Exists(works_in)) & (Q(assigned_caseworker=actor) | Q(Exists(in_team))))
        | (Q(Exists(_guards(actor, moment))) & Q(Exists(is_guardian)))
    )


def _referrals_to(actor: User, moment: datetime) -> QuerySet[Referral]:
    """The referrals giving access now to an agency the actor receives for."""
    receives = Membership.objects.active(at=moment).filter(user=actor, role__in=RECEIVING_ROLES)
    return Referral.objects.granting_access(at=moment).filter(to_agency__in=receives.values("agency"))


def _referred(actor: User, moment: datetime, section: Section) -> QuerySet[Referral]:
    """The actor's agency's referrals of the case in the outer query that share `section`."""
    referred = _referrals_to(actor, moment).filter(case=OuterRef("pk"))
    if section == Section.RECORD:
        return referred
    return referred.filter(sections__contains=[section])


def readable_sections(actor: User, case: Case, *, at: datetime | None = None) -> frozenset[Section]:
    """The sections of `case` the actor reads now: all for those who hold it, those its active
    referrals to the actor's agency share for a partner (and the record that names the case),
    none otherwise."""
    if not actor.is_authenticated or not actor.is_active:
        return frozenset()
    moment = at or timezone.now()
    if Case.objects.filter(_holds(actor, moment) | granted_read(actor, moment), pk=case.pk).exists():
        return ALL_SECTIONS
    shared = _referrals_to(actor, moment).filter(case=case).values_list("sections", flat=True)
    found = {Section(name) for sections in shared for name in sections}
    return frozenset(found | {Section.RECORD}) if shared else frozenset()


def _guards(actor: User, moment: datetime) -> QuerySet[GuardianAppointment]:
    """The actor's active appointment for the case in the outer query."""
    return active_appointments(at=moment).filter(guardian=actor, case=OuterRef("pk"))


def _role_condition(actor: User, action: Action, moment: datetime) -> Q | None:
    """What `action` asks beyond seeing the case, the actor's role towards it (None: nothing)."""
    if action == Action.READ:
        return None
    if not actor.is_authenticated:
        return Q(pk__in=[])  # sees nothing anyway (`case_visibility`); no membership to look up
    holds = Membership.objects.active(at=moment).filter(user=actor, agency=OuterRef("owning_agency"))
    # Staff who hold the case: not one who reads it only through a grant or break-glass (read-only).
    staff = Q(Exists(holds.filter(role__in=CASE_ROLES))) & _holds(actor, moment)
    guards = Q(Exists(_guards(actor, moment)))
    if action == Action.WORK:
        return staff
    if action == Action.WORK_OR_GUARD:
        return staff | guards
    if action == Action.GUARD:
        return guards
    return Q(Exists(holds.filter(role=Role.SUPERVISOR)))


def cases_for(actor: User, action: Action, *, at: datetime | None = None) -> QuerySet[Case]:
    """The cases `actor` may do `action` on at `at` (now by default), filtered in the query."""
    moment = at or timezone.now()
    visible = Case.objects.filter(case_visibility(actor=actor, at=moment, section=Section.RECORD))
    role = _role_condition(actor, action, moment)
    return visible if role is None else visible.filter(role)


def require(actor: User, action: Action, case: Case) -> None:
    """Let `actor` do `action` on `case` now, or refuse: 404 when the case is not visible to
    them (the same answer as a case that does not exist), 403 when it is visible but their
    role may not do this. One query."""
    moment = timezone.now()
    role = _role_condition(actor, action, moment)
    visible = Case.objects.filter(case_visibility(actor=actor, at=moment, section=Section.RECORD), pk=case.pk)
    allowed = Value(True) if role is None else ExpressionWrapper(role, output_field=BooleanField())
    found = visible.annotate(allowed=allowed).values_list("allowed", flat=True).first()
    if found is None:
        raise Http404
    if not found:
        raise PermissionDenied(str(_REFUSALS[action]))


def roles_for(action: Action, held: Collection[str]) -> frozenset[str]:
    """Of the roles `held` (a staff user's roles now, e.g. `apps.core.admin.staff_roles`),
    those that can do `action` on some case: empty means the screens for it stay closed."""
    return ACTION_ROLES[action] & frozenset(held)
