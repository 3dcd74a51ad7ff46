"""R3 — a child who is held: the truth recorded, alerts raised, reviewed daily until release."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.alerts.models import Alert, AlertKind
from apps.alerts.selectors import alert_list
from apps.care.models import HeldEvent, HeldPlace
from apps.care.services import held_daily_reviews_alert, held_record, held_release
from apps.care.tasks import held_children_daily_review
from tests.accounts.factories import AgencyFactory
from tests.care.factories import case_with_staff, guardian_for, partner_agency
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db
LISBON = ZoneInfo("Europe/Lisbon")
# Frozen by passing it: 09:00 in Lisbon on a fixed day.
MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=LISBON)


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


def hold(case, actor, **kwargs):
    kwargs.setdefault("since", MORNING - timedelta(hours=2))
    kwargs.setdefault("at", MORNING)
    kwargs.setdefault("place_kind", HeldPlace.POLICE_CUSTODY)
    return held_record(actor=actor, case=case, **kwargs)


def test_recording_that_a_child_is_held_is_always_allowed(case, caseworker):
    police = AgencyFactory(kind=AgencyKind.POLICE)
    event = hold(case, caseworker, where="Central station, cell 4", held_by_agency=police)
    assert (event.place_kind, event.held_by_agency, event.since) == (HeldPlace.POLICE_CUSTODY, police,
                                                                      MORNING - timedelta(hours=2))  # fmt: skip
    assert stored(event, "place") == "Central station, cell 4"
    assert b"cell 4" not in bytes(HeldEvent.objects.values_list("place", flat=True).get())


@pytest.mark.parametrize("place", HeldPlace.values)
def test_every_kind_of_custody_can_be_recorded_as_held(case, caseworker, place):
    assert hold(case, caseworker, place_kind=place, held_by="Border post 7").pk


def test_held_by_whom_may_be_free_text_or_not_known_yet(case, caseworker):
    assert stored(hold(case, caseworker, held_by="Private security at the port"), "held_by") == (
        "Private security at the port")  # fmt: skip
    assert hold(case, caseworker).pk


def test_the_supervisors_and_the_guardian_get_an_urgent_alert(case, caseworker, boss):
    guardian = guardian_for(case, starts_at=MORNING - timedelta(days=30))
    event = hold(case, caseworker)
    held = Alert.objects.filter(kind=AlertKind.CHILD_HELD)
    assert held.get(role=Role.SUPERVISOR).agency == case.owning_agency
    assert held.get(user=guardian).key == f"held:{event.pk}:guardian:{guardian.pk}"
    assert alert_list(actor=boss).filter(kind=AlertKind.CHILD_HELD).exists()
    assert alert_list(actor=guardian).filter(kind=AlertKind.CHILD_HELD).exists()


def test_legal_aid_agencies_of_the_country_are_asked_for_and_no_others(case, caseworker):
    here, lawyer = partner_agency(AgencyKind.LEGAL_AID, country=case.owning_agency.country)
    partner_agency(AgencyKind.LEGAL_AID, country="ES")
    AgencyFactory(kind=AgencyKind.LEGAL_AID, country=case.owning_agency.country, is_active=False)
    hold(case, caseworker)
    needed = Alert.objects.filter(kind=AlertKind.LEGAL_AID_NEEDED)
    assert [(a.agency, a.role) for a in needed] == [(here, Role.PARTNER_STAFF)]
    assert alert_list(actor=lawyer).get().case == case


def test_without_a_legal_aid_agency_the_supervisors_are_told_to_arrange_it(case, caseworker, boss):
    hold(case, caseworker)
    alert = Alert.objects.get(kind=AlertKind.LEGAL_AID_NEEDED)
    assert (alert.agency, alert.role) == (case.owning_agency, Role.SUPERVISOR)
    assert "no legal-aid agency" in alert.detail


def test_the_alerts_carry_the_reference_and_never_where_the_child_is(case, caseworker):
    guardian_for(case, starts_at=MORNING - timedelta(days=30))
    partner_agency(AgencyKind.LEGAL_AID, country=case.owning_agency.country)
    hold(case, caseworker, where="Central station, cell 4")
    for alert in Alert.objects.all():
        assert case.reference in alert.detail
        assert "cell 4" not in alert.detail


def test_a_daily_review_is_raised_once_a_day_until_release(case, caseworker, boss):
    event = hold(case, caseworker)
    assert held_daily_reviews_alert(at=MORNING) == 1
    assert held_daily_reviews_alert(at=MORNING + timedelta(hours=5)) == 0  # same day: once
    next_day = MORNING + timedelta(days=1)
    assert held_daily_reviews_alert(at=next_day) == 1
    assert held_daily_reviews_alert(at=next_day) == 0
    held_release(actor=caseworker, event=event, note="Released to the foster carer", at=next_day + timedelta(hours=1))
    assert held_daily_reviews_alert(at=next_day + timedelta(days=1)) == 0
    reviews = Alert.objects.filter(kind=AlertKind.HELD_DAILY_REVIEW).order_by("raised_at")
    assert [a.key for a in reviews] == [f"held-review:{event.pk}:2026-03-10", f"held-review:{event.pk}:2026-03-11"]
    assert all(a.role == Role.SUPERVISOR and a.done_at is not None for a in reviews)


def test_the_day_is_the_agencys_own_day(case, caseworker):
    hold(case, caseworker, since=MORNING - timedelta(days=1))
    before_midnight = datetime(2026, 3, 10, 23, 30, tzinfo=LISBON)
    after_midnight = datetime(2026, 3, 11, 0, 30, tzinfo=LISBON)
    assert held_daily_reviews_alert(at=before_midnight) == 1
    assert held_daily_reviews_alert(at=after_midnight) == 1
    first = Alert.objects.filter(kind=AlertKind.HELD_DAILY_REVIEW).order_by("raised_at").first()
    assert first.due_at == datetime(2026, 3, 11, 0, 0, tzinfo=LISBON)


def test_no_review_before_the_child_was_held(case, caseworker):
    # Recorded once it happened (a hold is never recorded ahead of time), asked about before.
    hold(case, caseworker, since=MORNING + timedelta(days=1), at=MORNING + timedelta(days=1))
    assert held_daily_reviews_alert(at=MORNING) == 0


def test_the_daily_review_runs_as_a_task(case, caseworker):
    held_record(actor=caseworker, case=case, since=timezone.now() - timedelta(hours=1))
    assert held_children_daily_review() == 1
    assert held_children_daily_review() == 0


def test_a_release_is_recorded_once_and_not_before_the_child_was_held(case, caseworker):
    event = hold(case, caseworker)
    with pytest.raises(ValidationError):
        held_release(actor=caseworker, event=event, released_at=event.since - timedelta(minutes=1))
    released = held_release(actor=caseworker, event=event, at=MORNING)
    assert (released.released_at, released.release_recorded_by) == (MORNING, caseworker)
    with pytest.raises(ValidationError):
        held_release(actor=caseworker, event=event, at=MORNING)


def test_an_unknown_place_is_a_validation_error(case, caseworker):
    with pytest.raises(ValidationError):
        hold(case, caseworker, place_kind="hotel")
