"""Asking the guardianship authority for a guardian is a referral; its answer is an appointment (R1)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.cases.access import Action, cases_for
from apps.core.rules import RuleViolation
from apps.guardianship.models import AppointmentKind, GuardianAppointment, GuardianProfile
from apps.guardianship.requests import (
    guardian_candidate_list,
    guardian_request_answer,
    guardian_request_appoint,
    guardian_request_list,
    guardian_request_send,
)
from apps.referrals.models import Referral, ReferralKind, ReferralState
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.cases.factories import caseworker_in, register
from tests.guardianship.factories import eligible_guardian, guardianship_authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker():
    return caseworker_in(AgencyFactory())


@pytest.fixture
def case(caseworker):
    agency = caseworker.memberships.get().agency
    return register(caseworker, agency, child_facts={"unaccompanied": True, "languages": ["French", "Wolof"]}).case


@pytest.fixture
def authority():
    return guardianship_authority()


@pytest.fixture
def head(authority):
    """The authority's supervisor, who appoints."""
    return MembershipFactory(role=Role.SUPERVISOR, agency=authority).user


def ask(caseworker, case, authority):
    return guardian_request_send(actor=caseworker, case=case, authority=authority, purpose="A representative, please.")


def test_the_journey_from_request_to_a_guardian_who_sees_the_ward(caseworker, case, authority, head):
    staff = MembershipFactory(role=Role.CASEWORKER, agency=authority).user
    guardian = eligible_guardian(authority)
    GuardianProfile.objects.filter(user=guardian).update(languages=["French", "Portuguese"])

    request = ask(caseworker, case, authority)

    assert request.kind == ReferralKind.GUARDIANSHIP
    assert list(guardian_request_list(actor=staff)) == [request]
    assert case in cases_for(staff, Action.READ)
    [candidate] = guardian_candidate_list(actor=head, referral=request)
    assert candidate.eligible
    assert candidate.shared_languages == ("French",)
    assert case not in cases_for(guardian, Action.READ)

    appointment = guardian_request_appoint(actor=head, referral=request, guardian=guardian)

    assert appointment.kind == AppointmentKind.PROVISIONAL
    assert case in cases_for(guardian, Action.READ)
    request.refresh_from_db()
    assert request.state == ReferralState.COMPLETED
    assert guardian_request_answer(referral=request) == appointment
    assert list(guardian_request_list(actor=caseworker)) == [request]


def test_a_guardian_is_asked_only_of_a_guardianship_authority_nothing_written(caseworker, case):
    police = AgencyFactory(kind=AgencyKind.POLICE)

    with pytest.raises(RuleViolation) as refused:
        ask(caseworker, case, police)

    assert refused.value.codes == ["SHARING_NOT_ALLOWED.NOT_A_GUARDIANSHIP_AUTHORITY"]
    assert not Referral.objects.exists()


def test_a_guardian_is_asked_of_the_authority_of_the_cases_country(caseworker, case):
    abroad = AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY, country="ES")

    with pytest.raises(RuleViolation) as refused:
        ask(caseworker, case, abroad)

    assert refused.value.codes == ["SHARING_NOT_ALLOWED.NOT_A_GUARDIANSHIP_AUTHORITY"]


def test_a_candidate_not_eligible_shows_why_and_is_refused_on_appointment(caseworker, case, authority, head):
    untrained = eligible_guardian(authority, trained=False)
    request = ask(caseworker, case, authority)

    [candidate] = guardian_candidate_list(actor=head, referral=request)
    assert not candidate.eligible
    assert any("GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED" in why for why in candidate.not_eligible)

    with pytest.raises(RuleViolation) as refused:
        guardian_request_appoint(actor=head, referral=request, guardian=untrained)

    assert refused.value.codes == ["GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED"]
    assert not GuardianAppointment.objects.exists()
    request.refresh_from_db()
    assert request.state == ReferralState.SENT


def test_candidates_show_the_caseload_against_the_cap(caseworker, case, authority, head, settings):
    settings.HAVEN_GUARDIAN_CASELOAD_CAP = 1
    busy = eligible_guardian(authority)
    other = register(caseworker, case.owning_agency, child_facts={"unaccompanied": True}).case
    GuardianAppointment.objects.create(case=other, guardian=busy, kind=AppointmentKind.QUALIFIED,
                                       starts_at=timezone.now() - timedelta(days=1), appointed_by=head)  # fmt: skip
    request = ask(caseworker, case, authority)

    [candidate] = guardian_candidate_list(actor=head, referral=request)

    assert (candidate.wards, candidate.cap) == (1, 1)
    assert any("GUARDIAN_NOT_ELIGIBLE.CASELOAD_FULL" in why for why in candidate.not_eligible)


def test_someone_of_another_authority_neither_sees_nor_answers_the_request(caseworker, case, authority):
    elsewhere = guardianship_authority()
    stranger = MembershipFactory(role=Role.SUPERVISOR, agency=elsewhere).user
    guardian = eligible_guardian(authority)
    request = ask(caseworker, case, authority)

    assert not guardian_request_list(actor=stranger).exists()
    with pytest.raises(Http404):
        guardian_request_appoint(actor=stranger, referral=request, guardian=guardian)
    with pytest.raises(Http404):
        guardian_candidate_list(actor=stranger, referral=request)
    assert not GuardianAppointment.objects.exists()


def test_a_guardian_of_another_authority_is_not_appointed_through_the_request(caseworker, case, authority, head):
    outsider = eligible_guardian(guardianship_authority())
    request = ask(caseworker, case, authority)

    with pytest.raises(ValidationError):
        guardian_request_appoint(actor=head, referral=request, guardian=outsider)

    assert not GuardianAppointment.objects.exists()


def test_only_a_supervisor_of_the_authority_appoints(caseworker, case, authority):
    staff = MembershipFactory(role=Role.CASEWORKER, agency=authority).user
    request = ask(caseworker, case, authority)

    with pytest.raises(PermissionDenied):
        guardian_request_appoint(actor=staff, referral=request, guardian=eligible_guardian(authority))


def test_an_answered_request_is_not_answered_twice(caseworker, case, authority, head):
    request = ask(caseworker, case, authority)
    guardian_request_appoint(actor=head, referral=request, guardian=eligible_guardian(authority))

    with pytest.raises(RuleViolation) as refused:
        guardian_request_appoint(actor=head, referral=request, guardian=eligible_guardian(authority))

    assert refused.value.codes == ["SHARING_NOT_ALLOWED.ALREADY_REPLIED"]
    assert GuardianAppointment.objects.count() == 1


def test_with_a_representative_acting_the_answer_is_a_qualified_guardian(caseworker, case, authority, head):
    guardian_request_appoint(
        actor=head, referral=ask(caseworker, case, authority), guardian=eligible_guardian(authority)
    )

    second = guardian_request_appoint(
        actor=head, referral=ask(caseworker, case, authority), guardian=eligible_guardian(authority)
    )

    assert second.kind == AppointmentKind.QUALIFIED
