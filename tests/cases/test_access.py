"""The one access policy: `cases_for` (which cases) and `require` (this case) answer alike."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from apps.accounts import services as accounts
from apps.accounts.models import AgencyKind, Role
from apps.cases.access import Action, cases_for, require
from apps.guardianship import services as guardianship
from apps.guardianship.models import GuardianAppointment
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory, UserFactory
from tests.care.factories import guardian_for
from tests.cases.factories import caseworker_in, register, supervisor_in

pytestmark = pytest.mark.django_db

APPS = Path(__file__).resolve().parents[2] / "apps"
STAFF_ACTIONS = (Action.WORK, Action.WORK_OR_GUARD)


@pytest.fixture
def world():
    agency = AgencyFactory()
    team = TeamFactory(agency=agency)
    caseworker = caseworker_in(agency, team)
    case = register(caseworker, agency).case
    return {"agency": agency, "team": team, "caseworker": caseworker, "case": case}


def allowed(actor, action, case):
    """Both halves of the rule, which must agree: the case is listed and `require` lets it pass."""
    listed = cases_for(actor, action).filter(pk=case.pk).exists()
    require(actor, action, case)
    return listed


def hidden(actor, action, case):
    """Neither listed nor let through, and refused as if the case did not exist."""
    listed = cases_for(actor, action).filter(pk=case.pk).exists()
    with pytest.raises(Http404):
        require(actor, action, case)
    return not listed


def refused(actor, action, case):
    """Seen, so not a 404, but not listed for this action and refused as not allowed."""
    listed = cases_for(actor, action).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        require(actor, action, case)
    return not listed


# --- Caseworkers ------------------------------------------------------------------------------
@pytest.mark.parametrize("action", [Action.READ, *STAFF_ACTIONS])
def test_the_assigned_caseworker_reads_and_works_on_their_case(world, action):
    assert allowed(world["caseworker"], action, world["case"])


def test_a_teammate_works_on_a_case_held_by_the_team(world):
    case = world["case"]
    case.team = world["team"]
    case.save(update_fields=["team"])
    assert allowed(caseworker_in(world["agency"], world["team"]), Action.WORK, case)


def test_a_caseworker_of_the_agency_outside_the_team_does_not_see_the_case(world):
    other_team = caseworker_in(world["agency"], TeamFactory(agency=world["agency"]))
    assert hidden(other_team, Action.READ, world["case"])


@pytest.mark.parametrize("action", list(Action))
def test_a_caseworker_of_another_agency_sees_nothing(world, action):
    assert hidden(caseworker_in(AgencyFactory()), action, world["case"])


@pytest.mark.parametrize("action", [Action.GUARD, Action.SUPERVISE])
def test_a_caseworker_neither_guards_nor_supervises_their_own_case(world, action):
    assert refused(world["caseworker"], action, world["case"])


# --- Supervisors ------------------------------------------------------------------------------
@pytest.mark.parametrize("action", [Action.READ, Action.SUPERVISE, *STAFF_ACTIONS])
def test_a_supervisor_reads_works_on_and_supervises_every_case_of_their_agency(world, action):
    assert allowed(supervisor_in(world["agency"]), action, world["case"])


def test_a_supervisor_of_another_agency_sees_nothing(world):
    assert hidden(supervisor_in(AgencyFactory()), Action.SUPERVISE, world["case"])


# --- Guardians --------------------------------------------------------------------------------
@pytest.mark.parametrize("action", [Action.READ, Action.GUARD, Action.WORK_OR_GUARD])
def test_the_active_guardian_reads_and_records_for_their_ward(world, action):
    assert allowed(guardian_for(world["case"]), action, world["case"])


@pytest.mark.parametrize("action", [Action.WORK, Action.SUPERVISE])
def test_the_guardian_may_not_act_as_the_agency_staff(world, action):
    assert refused(guardian_for(world["case"]), action, world["case"])


@pytest.mark.parametrize("action", list(Action))
def test_an_ended_appointment_ends_the_guardians_access_at_once(world, action):
    guardian = guardian_for(world["case"])
    appointment = GuardianAppointment.objects.get(case=world["case"], guardian=guardian)
    guardianship.guardian_appointment_end(
        actor=supervisor_in(world["agency"]), appointment=appointment, reason="Fictional: moved away."
    )
    assert hidden(guardian, action, world["case"])


def test_a_guardian_sees_no_other_child(world):
    guardian = guardian_for(world["case"])
    other = register(world["caseworker"], world["agency"], given="Other", family="Child").case
    assert hidden(guardian, Action.READ, other)


# --- Nobody else, yet -------------------------------------------------------------------------
@pytest.mark.parametrize("kind", [AgencyKind.POLICE, AgencyKind.LEGAL_AID, AgencyKind.CARE_PROVIDER])
def test_partner_staff_see_no_case_before_referrals_exist(world, kind):
    partner = MembershipFactory(role=Role.PARTNER_STAFF, agency=AgencyFactory(kind=kind)).user
    assert not cases_for(partner, Action.READ).exists()
    with pytest.raises(Http404):
        require(partner, Action.READ, world["case"])


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.ANALYST, Role.OPERATOR, Role.PARTNER_STAFF])
def test_other_roles_of_the_owning_agency_see_nothing(world, role):
    user = MembershipFactory(agency=world["agency"], role=role).user
    assert hidden(user, Action.READ, world["case"])


@pytest.mark.parametrize("action", list(Action))
def test_superuser_status_and_model_permissions_grant_no_case_data(world, action):
    root = UserFactory(is_superuser=True, is_staff=True)
    root.user_permissions.set(Permission.objects.all())
    assert not cases_for(root, action).exists()
    with pytest.raises(Http404):
        require(root, action, world["case"])


def test_an_ended_membership_ends_the_access_at_once(world):
    membership = world["caseworker"].memberships.get()
    accounts.membership_end(actor=None, membership=membership, at=timezone.now())
    assert hidden(world["caseworker"], Action.WORK, world["case"])


def test_one_query_answers_for_one_case(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        require(world["caseworker"], Action.WORK, world["case"])


# --- No other place decides -------------------------------------------------------------------
COPIES = ("_require_case_staff", "_cases_for", "staff_cases", "_case_roles")


def test_no_module_but_the_policy_keeps_its_own_copy_of_the_case_check():
    copies = []
    for path in APPS.rglob("*.py"):
        if path == APPS / "cases" / "access.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(COPIES):
                copies.append(f"{path.relative_to(APPS)}:{node.lineno} {node.name}")
    assert copies == []
