"""Transferring the whole case to another agency or jurisdiction: a referral of kind TRANSFER."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.alerts.models import Alert, AlertKind
from apps.cases.access import Action, cases_for
from apps.cases.models import Case, CaseState
from apps.cases.services import case_assign
from apps.cases.transfers import case_transfer_request
from apps.core.rules import RuleViolation
from apps.guardianship.models import AppointmentKind, GuardianAppointment
from apps.guardianship.selectors import active_appointment
from apps.referrals.models import Referral, ReferralKind
from apps.referrals.services import referral_accept, referral_decline
from tests.accounts.factories import AgencyFactory, TeamFactory
from tests.cases.factories import caseworker_in, register, supervisor_in, walk_past_guards
from tests.guardianship.factories import eligible_guardian, guardianship_authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def alvora():
    return AgencyFactory(name="Alvora CPS", country="PT", jurisdiction="Alvora District")


@pytest.fixture
def montalba():
    return AgencyFactory(name="Montalba CPD", country="ES", jurisdiction="Montalba Province", time_zone="Europe/Madrid")


@pytest.fixture
def caseworker(alvora):
    return caseworker_in(alvora, TeamFactory(agency=alvora))


@pytest.fixture
def case(caseworker, alvora):
    return register(caseworker, alvora).case


@pytest.fixture
def boss(alvora):
    return supervisor_in(alvora)


@pytest.fixture
def their_boss(montalba):
    return supervisor_in(montalba)


def transfer(boss, case, **where):
    return case_transfer_request(actor=boss, case=case, purpose="His aunt lives there and will care for him.", **where)


def test_a_transfer_accepted_moves_the_case_and_ends_the_old_agencys_access(
    case, caseworker, boss, montalba, their_boss
):
    their_caseworker = caseworker_in(montalba, TeamFactory(agency=montalba))
    referral = transfer(boss, case, to_agency=montalba)

    assert referral.kind == ReferralKind.TRANSFER
    assert case in cases_for(caseworker, Action.WORK)
    assert case not in cases_for(their_boss, Action.WORK)

    referral_accept(actor=their_boss, referral=referral)

    moved = Case.objects.get(pk=case.pk)
    assert moved.owning_agency == montalba
    assert (moved.team, moved.assigned_caseworker) == (None, None)
    assert case not in cases_for(caseworker, Action.READ)
    assert case not in cases_for(boss, Action.READ)
    assert case in cases_for(their_boss, Action.SUPERVISE)
    assigned = case_assign(actor=their_boss, case=moved, expected_version=moved.version, team=None,
                           caseworker=their_caseworker)  # fmt: skip
    assert case in cases_for(their_caseworker, Action.WORK)
    assert assigned.assigned_caseworker == their_caseworker


def test_a_case_transferred_back_leaves_the_first_receiver_nothing(case, boss, montalba, their_boss, alvora):
    """The accepted transfer gave the case away; once it comes back, that referral opens nothing."""
    referral_accept(actor=their_boss, referral=transfer(boss, case, to_agency=montalba))
    back = transfer(their_boss, Case.objects.get(pk=case.pk), to_agency=alvora)
    referral_accept(actor=boss, referral=back)

    assert Case.objects.get(pk=case.pk).owning_agency == alvora
    assert case not in cases_for(their_boss, Action.READ)
    assert case in cases_for(boss, Action.SUPERVISE)


def test_a_declined_transfer_leaves_the_case_where_it_was(case, caseworker, boss, montalba, their_boss):
    referral = transfer(boss, case, to_agency=montalba)

    referral_decline(actor=their_boss, referral=referral, reason="No place for him here.")

    assert Case.objects.get(pk=case.pk).owning_agency == case.owning_agency
    assert case in cases_for(caseworker, Action.WORK)


def test_a_country_with_a_child_protection_agency_names_the_receiver(case, boss, montalba):
    referral = transfer(boss, case, country="es")

    assert referral.to_agency == montalba


def test_a_jurisdiction_without_an_active_child_protection_agency_is_refused_nothing_written(case, boss):
    AgencyFactory(country="FR", is_active=False)
    AgencyFactory(country="FR", kind=AgencyKind.POLICE)

    with pytest.raises(RuleViolation) as refused:
        transfer(boss, case, country="FR")

    assert refused.value.codes == ["SHARING_NOT_ALLOWED.TRANSFER_NO_RECEIVER"]
    assert not Referral.objects.exists()


def test_a_transfer_to_an_agency_that_is_not_child_protection_is_refused(case, boss):
    with pytest.raises(RuleViolation) as refused:
        transfer(boss, case, to_agency=guardianship_authority())

    assert refused.value.codes == ["SHARING_NOT_ALLOWED.TRANSFER_NO_RECEIVER"]


def test_a_transfer_to_the_own_agency_is_refused(case, boss, alvora):
    with pytest.raises(RuleViolation) as refused:
        transfer(boss, case, to_agency=alvora)

    assert refused.value.codes == ["SHARING_NOT_ALLOWED.OWN_AGENCY"]
    assert not Referral.objects.exists()


def test_a_closed_case_is_not_transferred(case, boss, montalba):
    path = [CaseState.PROTECTION, CaseState.ASSESSMENT, CaseState.SUPPORT, CaseState.DURABLE_SOLUTION,
            CaseState.IMPLEMENTATION, CaseState.FOLLOW_UP, CaseState.AFTERCARE, CaseState.CLOSED]  # fmt: skip
    closed = walk_past_guards(case, *path, actor=boss)

    with pytest.raises(RuleViolation) as refused:
        transfer(boss, closed, to_agency=montalba)

    assert refused.value.codes == ["SHARING_NOT_ALLOWED.TRANSFER_CASE_CLOSED"]


def test_a_second_transfer_while_one_is_under_way_is_refused(case, boss, montalba):
    transfer(boss, case, to_agency=montalba)

    with pytest.raises(RuleViolation) as refused:
        transfer(boss, case, to_agency=AgencyFactory(country="ES"))

    assert refused.value.codes == ["SHARING_NOT_ALLOWED.TRANSFER_ALREADY_ASKED"]
    assert Referral.objects.count() == 1


def test_only_a_supervisor_asks_for_a_transfer(case, caseworker, montalba):
    with pytest.raises(PermissionDenied):
        transfer(caseworker, case, to_agency=montalba)


def test_only_a_supervisor_of_the_receiver_takes_the_case_over(case, boss, montalba, alvora):
    referral = transfer(boss, case, to_agency=montalba)

    with pytest.raises(PermissionDenied):
        referral_accept(actor=caseworker_in(montalba), referral=referral)

    assert Case.objects.get(pk=case.pk).owning_agency == alvora


def test_across_a_border_the_old_guardian_acts_until_the_new_one_is_appointed(case, boss, montalba, their_boss):
    guardian = eligible_guardian(guardianship_authority())
    appointment = GuardianAppointment.objects.create(
        case=case, guardian=guardian, kind=AppointmentKind.QUALIFIED,
        starts_at=timezone.now() - timedelta(days=5), appointed_by=boss,
    )  # fmt: skip

    referral_accept(actor=their_boss, referral=transfer(boss, case, to_agency=montalba))

    assert active_appointment(case=case, at=timezone.now()) == appointment
    assert case in cases_for(guardian, Action.GUARD)
    notice = Alert.objects.get(kind=AlertKind.CROSS_BORDER_NOTICE, case=case)
    assert notice.agency == montalba
    assert notice.role == Role.SUPERVISOR
