from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.utils import timezone

from apps.accounts.models import Agency, AgencyKind, Role, User
from apps.care.models import HeldPlace, Placement, PlacementKind, TieKind
from apps.care.services import child_tie_record, held_record, missing_report, placement_record
from apps.cases import vault
from apps.cases.models import Case, CaseTransition
from apps.guardianship.models import AppointmentKind, GuardianAppointment
from apps.rights.models import ClaimKind
from apps.rights.services import protection_claim_lodge
from apps.voice.models import ViewsDecision
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory
from tests.cases.factories import caseworker_in, register, supervisor_in
from tests.voice.factories import heard

DAY = timedelta(days=1)


def case_with_staff(agency=None, **register_kwargs):
    """A registered case, its caseworker (who registered it) and a supervisor of its agency."""
    agency = agency or AgencyFactory()
    caseworker = caseworker_in(agency, TeamFactory(agency=agency))
    case = register(caseworker, agency, **register_kwargs).case
    return case, caseworker, supervisor_in(agency)


def guardian_for(case, *, starts_at=None):
    """An active qualified guardian of the case (made directly: the appointment rules are R1's)."""
    authority = AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY, country=case.owning_agency.country)
    starts_at = starts_at or timezone.now() - timedelta(days=1)
    # A guardian role held since before the appointment: an appointment is active only while
    # its guardian holds one.
    guardian = MembershipFactory(role=Role.GUARDIAN, agency=authority, started_at=starts_at - timedelta(days=30)).user
    GuardianAppointment.objects.create(
        case=case,
        guardian=guardian,
        kind=AppointmentKind.QUALIFIED,
        starts_at=starts_at,
        appointed_by=supervisor_in(case.owning_agency),
    )
    return guardian


def partner_agency(kind, country="PT"):
    """An agency of `kind` with one partner-staff member; returns (agency, staff user)."""
    agency = AgencyFactory(kind=kind, country=country)
    return agency, MembershipFactory(role=Role.PARTNER_STAFF, agency=agency).user


@dataclass
class WorstState:
    """A child in the worst state for urgent protection: see `worst_state`."""

    case: Case  # as read before everything below changed it: a stale version
    caseworker: User  # of the agency the case was transferred to
    supervisor: User
    first_agency: Agency  # the agency that registered the case and gave it away
    current: Placement  # where the child lives now (in the first agency's country)
    overlapping: Placement  # an older record still running alongside the current one
    planned: Placement  # a move planned for next week
    sibling_home: Placement  # the tied sibling's home, another household
    at: datetime


def _walk(case: Case, actor: User, *moves: tuple[str, str], at: datetime) -> None:
    """Move the case along the workflow directly, each move with its transition row (the database
    holds that pair); the guards of each move are not what these tests are about."""
    for source, target in moves:
        reason = vault.seal(case.child, vault.data_key(case.child), CaseTransition, "reason", "Fictional: test set-up.")
        CaseTransition.objects.create(case=case, name=f"{source}_to_{target}", from_state=source, to_state=target,
                                      actor=actor, at=at, reason=reason)  # fmt: skip
        Case.objects.filter(pk=case.pk).update(state=target)


def worst_state(*, at: datetime | None = None) -> WorstState:
    """A child no ordinary rule would let anyone act for, for the first rule's tests.

    Age unknown (a presumed minor) and nationality unrecorded; unaccompanied with no guardian;
    an asylum claim pending; a sibling tied to them living in another household; a placement
    now, an older one recorded as still running alongside it, and a move planned for next
    week; held in immigration detention; reported missing once already; the case closed and
    then transferred to an agency of another country; and the case object the caller holds
    is a stale version of it.
    """
    moment = at or timezone.now()
    first_agency = cast(Agency, AgencyFactory(country="PT"))
    first_worker = caseworker_in(first_agency, TeamFactory(agency=first_agency))
    registered = register(
        first_worker,
        first_agency,
        given="Samira",
        birth=None,
        child_facts={"unaccompanied": True, "birth_date_basis": "unknown", "nationalities": []},
    )
    case = registered.case  # fmt: skip
    stale = Case.objects.get(pk=case.pk)
    sibling = register(first_worker, first_agency, given="Yasmine", birth=None).case
    child_tie_record(actor=first_worker, case=case, other_case=sibling, kind=TieKind.SIBLINGS, at=moment - 40 * DAY)
    sibling_home = placement_record(actor=first_worker, case=sibling, kind=PlacementKind.FOSTER, at=moment - 40 * DAY)
    current = placement_record(actor=first_worker, case=case, kind=PlacementKind.KINSHIP,
                               separation_decision="BID-FICTIONAL-1", at=moment - 30 * DAY)  # fmt: skip
    overlapping = Placement.objects.create(
        case=case, kind=PlacementKind.SHELTER,
        justification=vault.seal(case.child, vault.data_key(case.child), Placement, "justification",
                                 "Fictional: an older record left running."),
        country="PT", starts_at=moment - 20 * DAY, ends_at=moment + 3 * DAY, recorded_by=first_worker,
    )  # fmt: skip
    heard(case, ViewsDecision.PLACEMENT_CHANGE, actor=first_worker, at=moment - 2 * DAY)
    planned = placement_record(actor=first_worker, case=case, kind=PlacementKind.FOSTER,
                               separation_decision="BID-FICTIONAL-1", starts_at=moment + 7 * DAY,
                               at=moment - DAY)  # fmt: skip
    protection_claim_lodge(actor=first_worker, case=case, kind=ClaimKind.ASYLUM, lodged_on=(moment - 10 * DAY).date(),
                           authority="Fictional asylum office", at=moment - 10 * DAY)  # fmt: skip
    held_record(actor=first_worker, case=case, place_kind=HeldPlace.IMMIGRATION_DETENTION, since=moment - 2 * DAY,
                at=moment - 2 * DAY)  # fmt: skip
    missing_report(actor=first_worker, case=case, missing_since=moment - 5 * DAY, at=moment - 5 * DAY)
    _walk(case, first_worker, ("registered", "protection"), ("protection", "assessment"), ("assessment", "support"),
          ("support", "aftercare"), ("aftercare", "closed"), at=moment - DAY)  # fmt: skip
    # Transferred: another agency, in another country, owns the case now.
    receiving = cast(Agency, AgencyFactory(country="ES", time_zone="Europe/Madrid"))
    team = TeamFactory(agency=receiving)
    caseworker = caseworker_in(receiving, team)
    Case.objects.filter(pk=case.pk).update(owning_agency=receiving, team=team, assigned_caseworker=caseworker)
    assert Case.objects.get(pk=case.pk).version > stale.version
    return WorstState(
        case=stale, caseworker=caseworker, supervisor=supervisor_in(receiving), first_agency=first_agency,
        current=current, overlapping=overlapping, planned=planned, sibling_home=sibling_home, at=moment,
    )  # fmt: skip
