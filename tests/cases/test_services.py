import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from apps.cases.models import PossibleDuplicateNotice
from apps.cases.services import (
    case_assign,
    case_details_update,
    child_facts_update,
    duplicate_notice_resolve,
)
from tests.accounts.factories import AgencyFactory, TeamFactory, UserFactory
from tests.cases.factories import caseworker_in, register, supervisor_in

pytestmark = pytest.mark.django_db


def test_a_supervisor_assigns_a_case_within_the_agency():
    case = register().case
    boss, team = supervisor_in(case.owning_agency), TeamFactory(agency=case.owning_agency)
    colleague = caseworker_in(case.owning_agency, team)
    moved = case_assign(actor=boss, case=case, expected_version=case.version, team=team, caseworker=colleague)
    assert (moved.team, moved.assigned_caseworker) == (team, colleague)


def test_a_caseworker_cannot_assign():
    case = register().case
    with pytest.raises(PermissionDenied):
        case_assign(actor=case.registered_by, case=case, expected_version=case.version, team=None, caseworker=None)


def test_a_team_or_caseworker_of_another_agency_is_refused():
    case = register().case
    boss = supervisor_in(case.owning_agency)
    with pytest.raises(ValidationError):
        case_assign(actor=boss, case=case, expected_version=case.version, team=TeamFactory(), caseworker=None)
    with pytest.raises(ValidationError):
        case_assign(
            actor=boss, case=case, expected_version=case.version, team=None, caseworker=caseworker_in(AgencyFactory())
        )


def test_assignment_is_not_a_plain_detail():
    case = register().case
    with pytest.raises(ValidationError):
        case_details_update(actor=case.registered_by, case=case, expected_version=case.version, facts={"team": None})


def test_the_childs_facts_change_through_their_case():
    case = register().case
    child = child_facts_update(actor=case.registered_by, case=case, facts={"stateless": True, "nationalities": []})
    assert child.stateless


def test_an_unknown_child_fact_is_refused():
    case = register().case
    with pytest.raises(ValidationError):
        child_facts_update(actor=case.registered_by, case=case, facts={"names": "x"})


def test_the_childs_facts_are_out_of_reach_of_others():
    case = register().case
    with pytest.raises(Http404):
        child_facts_update(actor=UserFactory(), case=case, facts={"stateless": True})


def test_a_supervisor_of_the_told_agency_resolves_a_duplicate_notice():
    first = register(given="Muhammad", family="Al-Amin").case
    other_agency = AgencyFactory()
    register(caseworker_in(other_agency), other_agency, given="Mohamed", family="Alamin")
    notice = PossibleDuplicateNotice.objects.get(agency=first.owning_agency)
    with pytest.raises(Http404):
        duplicate_notice_resolve(actor=supervisor_in(other_agency), notice=notice)
    duplicate_notice_resolve(actor=supervisor_in(first.owning_agency), notice=notice)
    notice.refresh_from_db()
    assert notice.resolved_at is not None


def test_an_identity_without_any_name_is_refused():
    from apps.cases.services import ChildIdentity, child_identity_update

    case = register().case
    with pytest.raises(ValidationError):
        child_identity_update(actor=case.registered_by, case=case, identity=ChildIdentity(given_names=" "))


def test_an_anonymised_child_gets_no_new_identity_and_stays_anonymised_once():
    from apps.cases.services import ChildIdentity, child_anonymise, child_identity_update

    case = register().case
    child = child_anonymise(actor=None, child=case.child)
    first = child.anonymised_at
    assert child_anonymise(actor=None, child=child).anonymised_at == first
    with pytest.raises(ValidationError, match="anonymised"):
        child_identity_update(actor=case.registered_by, case=case, identity=ChildIdentity(given_names="New"))
