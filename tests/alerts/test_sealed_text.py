"""What was done about an alert is sealed with the child's key and shown only to those who may
open the case; the alert's own detail stays the system's words, never what anyone typed."""

from html import unescape

import pytest
from django.db import connection
from django.urls import reverse

from apps.accounts.models import AgencyKind, Role
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_close, alert_raise
from apps.care.models import HeldPlace
from apps.care.services import charge_record, held_record, held_release, missing_report
from tests.accounts.factories import AgencyFactory
from tests.care.factories import case_with_staff, partner_agency
from tests.cases.sealed import stored
from tests.conftest import make_staff as _staff

pytestmark = pytest.mark.django_db

DONE = "Fictional: called her lawyer; released to the foster mother"


def _raw_outcome(alert):
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome FROM alerts_alert WHERE id = %s", [alert.pk])
        value = cursor.fetchone()[0]
    return bytes(value) if value is not None else None


def _page(client, alert):
    response = client.get(reverse("admin:alerts_alert_change", args=[alert.pk]))
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.fixture
def held():
    """A held child: alerts to the supervisors and to legal aid, who may not open the case."""
    case, caseworker, boss = case_with_staff()
    legal_aid, lawyer = partner_agency(AgencyKind.LEGAL_AID, country=case.owning_agency.country)
    event = held_record(actor=caseworker, case=case, place_kind=HeldPlace.POLICE_CUSTODY,
                        where="Fictional: the cells under the old court", held_by="Fictional: the port guard")  # fmt: skip
    return case, caseworker, _staff(boss), _staff(lawyer), legal_aid, event


def test_what_was_done_is_stored_sealed_and_opens_with_the_childs_key(held):
    case, _caseworker, boss, _lawyer, _legal_aid, _event = held
    alert = Alert.objects.get(kind=AlertKind.CHILD_HELD, case=case, role=Role.SUPERVISOR)
    alert_close(actor=boss, alert=alert, outcome=DONE)
    raw = _raw_outcome(alert)
    assert raw is not None
    assert b"Fictional" not in raw
    assert stored(alert, "outcome") == DONE


def test_the_supervisor_who_may_open_the_case_reads_it_on_the_alerts_page(client, held):
    case, _caseworker, boss, _lawyer, _legal_aid, _event = held
    alert = Alert.objects.get(kind=AlertKind.CHILD_HELD, case=case, role=Role.SUPERVISOR)
    alert_close(actor=boss, alert=alert, outcome=DONE)
    client.force_login(boss)
    assert DONE in _page(client, alert)


def test_legal_aid_who_may_not_open_the_case_does_not_read_it(client, held):
    case, _caseworker, _boss, lawyer, legal_aid, _event = held
    alert = Alert.objects.get(kind=AlertKind.LEGAL_AID_NEEDED, case=case, agency=legal_aid)
    alert_close(actor=lawyer, alert=alert, outcome=DONE)
    client.force_login(lawyer)
    for url in (reverse("admin:alerts_alert_change", args=[alert.pk]), reverse("admin:alerts_alert_changelist")):
        assert DONE not in unescape(client.get(url).content.decode())
    assert stored(alert, "outcome") == DONE


def test_a_service_closing_alerts_seals_its_words_too(held):
    case, caseworker, _boss, _lawyer, _legal_aid, event = held
    from apps.care.services import held_daily_reviews_alert

    held_daily_reviews_alert()
    held_release(actor=caseworker, event=event, note="Fictional: collected at 22:00")
    review = Alert.objects.get(kind=AlertKind.HELD_DAILY_REVIEW, case=case)
    assert review.done_at is not None
    assert stored(review, "outcome") == "Released."


def test_an_alert_about_no_child_keeps_no_words(client):
    agency = AgencyFactory()
    boss = _staff(case_with_staff(agency=agency)[2])
    alert = alert_raise(kind=AlertKind.ROLE_GRANTED, agency=agency, role=Role.SUPERVISOR, detail="A role was granted")
    done = alert_close(actor=boss, alert=alert, outcome="Fictional: checked with the director")
    assert (done.done_by, done.outcome) == (boss, None)


def test_no_alert_detail_repeats_what_anyone_typed_about_the_child(held):
    case, caseworker, boss, _lawyer, _legal_aid, _event = held
    missing_report(actor=caseworker, case=case, reason="Fictional: left with two older men",
                   last_seen="Fictional: the bus stop by the market", may_have_crossed_to="ES",
                   notice_withheld_reason="")  # fmt: skip
    charge_record(actor=caseworker, case=case, kind="criminal_charge", acts="Fictional: carried a parcel",
                  authority_name="Public prosecutor")  # fmt: skip
    alert = Alert.objects.filter(case=case, role=Role.SUPERVISOR).first()
    assert alert is not None
    alert_close(actor=boss, alert=alert, outcome=DONE)
    details = list(Alert.objects.filter(case=case).values_list("detail", flat=True))
    assert len(details) > 5
    assert all(case.reference in detail for detail in details), "every detail names the case by its reference"
    assert not [detail for detail in details if "Fictional" in detail]
