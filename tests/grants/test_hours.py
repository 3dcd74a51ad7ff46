"""An agency's office hours, in its own time zone."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from apps.grants.hours import in_office_hours, next_opening
from tests.accounts.factories import AgencyFactory

pytestmark = pytest.mark.django_db
LISBON = ZoneInfo("Europe/Lisbon")


@pytest.fixture
def agency():
    return AgencyFactory(time_zone="Europe/Lisbon")


def test_the_office_is_open_on_weekdays_within_its_hours(agency):
    assert in_office_hours(agency, datetime(2027, 3, 3, 9, 0, tzinfo=LISBON))
    assert not in_office_hours(agency, datetime(2027, 3, 3, 17, 0, tzinfo=LISBON))
    assert not in_office_hours(agency, datetime(2027, 3, 6, 12, 0, tzinfo=LISBON))  # a Saturday


def test_hours_are_read_in_the_agency_time_zone(agency):
    # 08:30 in Lisbon is 09:30 in Madrid: open there, not here.
    madrid = AgencyFactory(time_zone="Europe/Madrid")
    at = datetime(2027, 3, 3, 8, 30, tzinfo=LISBON)
    assert in_office_hours(madrid, at)
    assert not in_office_hours(agency, at)


def test_the_next_opening_after_a_friday_night_is_monday_morning(agency):
    friday_night = datetime(2027, 3, 5, 22, 0, tzinfo=LISBON)
    assert next_opening(agency, friday_night) == datetime(2027, 3, 8, 9, 0, tzinfo=LISBON)


def test_an_agency_sets_its_own_days_and_hours(agency):
    agency.office_days = [0, 1, 2, 3, 4, 5]
    agency.office_opens, agency.office_closes = time(8, 0), time(20, 0)
    assert in_office_hours(agency, datetime(2027, 3, 6, 19, 0, tzinfo=LISBON))
    assert next_opening(agency, datetime(2027, 3, 5, 22, 0, tzinfo=LISBON)) == datetime(2027, 3, 6, 8, 0, tzinfo=LISBON)


def test_office_hours_may_be_left_out_of_a_form_but_never_emptied(agency):
    agency.office_opens = None
    with pytest.raises(ValidationError):
        agency.full_clean()
