from apps.accounts.models import Role
from apps.casework.models import NoteAccess
from apps.casework.services import note_write
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory
from tests.cases.factories import caseworker_in, register, supervisor_in
from tests.complaints.factories import guardian_of


def team_world():
    """A case held by a team: its caseworker (in the team), a supervisor, and the active guardian."""
    agency = AgencyFactory()
    team = TeamFactory(agency=agency)
    caseworker = caseworker_in(agency, team)
    case = register(caseworker, agency, team=team).case
    supervisor = supervisor_in(agency)
    guardian = guardian_of(case, appointed_by=supervisor)
    return case, caseworker, supervisor, guardian


def colleague_in_team(case):
    """Another caseworker of the case's team (sees the case through the team)."""
    return MembershipFactory(role=Role.CASEWORKER, agency=case.owning_agency, team=case.team).user


def caseworker_elsewhere(case):
    """A caseworker of the same agency in another team: does not see the case."""
    other_team = TeamFactory(agency=case.owning_agency)
    return MembershipFactory(role=Role.CASEWORKER, agency=case.owning_agency, team=other_team).user


def note(actor, case, access=NoteAccess.ORDINARY, body="Settled well; asked for football on Saturdays.", **kwargs):
    return note_write(actor=actor, case=case, access=access, body=body, not_investigative=True, **kwargs)
