"""R3 — a child missing from care, and charges against the child (non-punishment)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.alerts.models import Alert, AlertKind
from apps.alerts.selectors import alert_list
from apps.care.models import Charge, ChargeKind, UrgentActionKind
from apps.care.services import charge_record, missing_report
from apps.cases.models import Case
from apps.cases.services import case_details_update
from apps.core.errors import StaleRecord
from tests.accounts.factories import AgencyFactory
from tests.care.factories import case_with_staff, guardian_for, partner_agency
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def staffed():
    return case_with_staff()


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


@pytest.fixture
def boss(staffed):
    return staffed[2]


def report(case, actor, **kwargs):
    kwargs.setdefault("at", NOW)
    return missing_report(actor=actor, case=case, **kwargs)


# --- Missing from care --------------------------------------------------------------------------
def test_the_police_report_is_recorded_at_once(case, caseworker):
    police = AgencyFactory(kind=AgencyKind.POLICE)
    missing = report(case, caseworker, missing_since=NOW - timedelta(hours=3), police_agency=police,
                     police_reference="PSP-7781", last_seen="Bus stop by the shelter, with an older man")  # fmt: skip
    assert (missing.police_reported_at, missing.police_agency, missing.police_reference) == (NOW, police, "PSP-7781")
    assert stored(missing, "last_seen") == "Bus stop by the shelter, with an older man"


def test_it_is_an_urgent_action_reviewed_like_the_others(case, caseworker):
    missing = report(case, caseworker, reason="Did not come back from school")
    action = missing.urgent_action
    assert (action.kind, stored(action, "reason"), action.taken_at) == (UrgentActionKind.MISSING_REPORT,
                                                             "Did not come back from school", NOW)  # fmt: skip
    assert Alert.objects.filter(kind=AlertKind.URGENT_ACTION_REVIEW, key=f"urgent:{action.pk}").exists()


def test_a_report_without_a_reason_records_one(case, caseworker):
    assert "Missing from care since" in stored(report(case, caseworker).urgent_action, "reason")


def test_the_risk_level_is_raised_to_critical_through_the_versioned_path(case, caseworker):
    before = Case.objects.get(pk=case.pk)
    assert before.risk_level != Case.RiskLevel.CRITICAL
    report(case, caseworker)
    after = Case.objects.get(pk=case.pk)
    assert after.risk_level == Case.RiskLevel.CRITICAL
    assert after.version > before.version
    # A form opened before the report is refused as stale, and shows the raised risk on reload.
    with pytest.raises(StaleRecord):
        case_details_update(actor=caseworker, case=case, expected_version=before.version, facts={"risk_level": "low"})


def test_a_case_already_critical_is_left_as_it_is(case, caseworker):
    case = case_details_update(actor=caseworker, case=case, expected_version=Case.objects.get(pk=case.pk).version,
                               facts={"risk_level": Case.RiskLevel.CRITICAL})  # fmt: skip
    report(case, caseworker)
    assert Case.objects.get(pk=case.pk).version == case.version


def test_the_supervisors_and_the_guardian_are_told(case, caseworker, boss):
    guardian = guardian_for(case)
    report(case, caseworker)
    assert alert_list(actor=boss).filter(kind=AlertKind.CHILD_MISSING).exists()
    assert alert_list(actor=guardian).filter(kind=AlertKind.CHILD_MISSING).exists()


def test_notice_goes_to_the_counterparts_of_the_country_crossed_into(case, caseworker):
    spain, staff = partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="ES")
    partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="FR")
    report(case, caseworker, may_have_crossed_to="es")
    notice = Alert.objects.get(kind=AlertKind.CROSS_BORDER_NOTICE)
    assert (notice.agency, notice.role) == (spain, Role.PARTNER_STAFF)
    assert alert_list(actor=staff).get() == notice
    assert case.reference in notice.detail


def test_no_notice_where_it_could_endanger_the_child_or_family(case, caseworker):
    partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="ES")
    missing = report(case, caseworker, may_have_crossed_to="ES", notice_could_endanger=True,
                     notice_withheld_reason="The family is linked to the traffickers")  # fmt: skip
    assert not Alert.objects.filter(kind=AlertKind.CROSS_BORDER_NOTICE).exists()
    assert stored(missing, "notice_withheld_reason") == "The family is linked to the traffickers"


def test_without_a_counterpart_there_the_supervisors_give_notice_another_way(case, caseworker, boss):
    report(case, caseworker, may_have_crossed_to="FR")
    notice = Alert.objects.get(kind=AlertKind.CROSS_BORDER_NOTICE)
    assert (notice.agency, notice.role) == (case.owning_agency, Role.SUPERVISOR)


def test_no_border_no_notice(case, caseworker):
    partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="ES")
    report(case, caseworker)
    report(case, caseworker, may_have_crossed_to=case.owning_agency.country)
    assert not Alert.objects.filter(kind=AlertKind.CROSS_BORDER_NOTICE).exists()


def test_a_country_that_is_not_a_code_is_a_validation_error(case, caseworker):
    with pytest.raises(ValidationError):
        report(case, caseworker, may_have_crossed_to="Spain")


# --- Charges: NON_PUNISHMENT --------------------------------------------------------------------
def test_charges_raise_non_punishment_to_supervisor_guardian_and_legal_aid(case, caseworker, boss):
    guardian = guardian_for(case)
    _legal_aid, lawyer = partner_agency(AgencyKind.LEGAL_AID, country=case.owning_agency.country)
    charge = charge_record(actor=caseworker, case=case, kind=ChargeKind.CRIMINAL_CHARGE,
                           acts="Selling stolen phones for the men who brought him", at=NOW)  # fmt: skip
    for person in (boss, guardian, lawyer):
        alert = alert_list(actor=person).get(kind=AlertKind.NON_PUNISHMENT)
        assert alert.detail.startswith(f"NON_PUNISHMENT · {case.reference}")
        assert "stolen phones" not in alert.detail
    assert stored(charge, "acts") == "Selling stolen phones for the men who brought him"


@pytest.mark.parametrize("kind", ChargeKind.values)
def test_recording_charges_refuses_nothing(case, caseworker, kind):
    assert charge_record(actor=caseworker, case=case, kind=kind, authority_name="Public prosecutor", at=NOW).pk
    assert Charge.objects.count() == 1


def test_without_legal_aid_in_the_country_the_supervisors_arrange_it(case, caseworker):
    charge_record(actor=caseworker, case=case, kind=ChargeKind.CONVICTION, at=NOW)
    keys = set(Alert.objects.filter(kind=AlertKind.NON_PUNISHMENT).values_list("key", flat=True))
    charge = Charge.objects.get()
    assert keys == {f"charge:{charge.pk}", f"charge:{charge.pk}:no-legal-aid"}


def test_an_unknown_kind_of_charge_is_a_validation_error(case, caseworker):
    with pytest.raises(ValidationError):
        charge_record(actor=caseworker, case=case, kind="parking_ticket")


@pytest.mark.django_db(transaction=True)
def test_two_missing_reports_at_once_are_both_recorded():
    # Nothing may hold a missing-child report back, not even another report written at the same moment.
    case, caseworker, boss = case_with_staff()
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def attempt(actor) -> None:
        try:
            barrier.wait()
            missing_report(actor=actor, case=case)
            outcomes.append("reported")
        except Exception as failed:  # noqa: BLE001 - any failure is the finding
            outcomes.append(repr(failed))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in (caseworker, boss)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["reported", "reported"]
    assert Case.objects.get(pk=case.pk).risk_level == Case.RiskLevel.CRITICAL
