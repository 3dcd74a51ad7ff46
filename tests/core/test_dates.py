"""The bounds of each kind of date a rule relies on (apps/core/dates.py), on their own."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from apps.core import dates
from apps.core.rules import CATALOGUE, RuleViolation, Violations

NOW = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
TODAY = NOW.date()


def code(value, kind, **kwargs):
    violation = dates.implausible(value, kind, field="date", at=NOW, **kwargs)
    return violation.code if violation else None


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (date(2999, 1, 1), dates.BIRTH, "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"),
        (date(1850, 6, 1), dates.BIRTH, "DATE_NOT_PLAUSIBLE.TOO_EARLY"),
        (date(1899, 12, 31), dates.BIRTH, "DATE_NOT_PLAUSIBLE.TOO_EARLY"),
        (date(1900, 1, 1), dates.BIRTH, None),  # an adult in aftercare or with a disputed age: no upper age
        (TODAY, dates.BIRTH, None),
        (TODAY + timedelta(days=1), dates.BIRTH, "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"),
        (datetime(2099, 1, 1, tzinfo=UTC), dates.CASE_EVENT, "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"),
        (datetime(1989, 12, 31, tzinfo=UTC), dates.CASE_EVENT, "DATE_NOT_PLAUSIBLE.TOO_EARLY"),
        (NOW - timedelta(days=3650), dates.CASE_EVENT, None),
        (NOW + timedelta(minutes=4), dates.CASE_EVENT, None),  # a device's clock a little fast
        (NOW + timedelta(minutes=6), dates.CASE_EVENT, "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"),
        (date(1950, 1, 1), dates.PAST, None),  # a relative's papers, a guardian's old training
        (TODAY + timedelta(days=1), dates.PAST, "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"),
        (TODAY + timedelta(days=700), dates.PLANNED, None),
        (date(2029, 1, 1), dates.PLANNED, "DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD"),
        (NOW + timedelta(days=800), dates.PLANNED, "DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD"),
        (NOW - timedelta(days=30), dates.PLANNED, None),  # recorded after the fact
        (date(1985, 1, 1), dates.PLANNED, "DATE_NOT_PLAUSIBLE.TOO_EARLY"),
        (date(2036, 12, 7), dates.VALID_UNTIL, None),  # a ten-year passport
        (date(2099, 1, 1), dates.VALID_UNTIL, "DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD"),
        (date(2020, 1, 1), dates.VALID_UNTIL, None),  # expired: a fact, for the rules to weigh
        (None, dates.BIRTH, None),  # an unknown date is for the caller to require or not
    ],
)
def test_each_kind_has_its_bounds(value, kind, expected):
    assert code(value, kind) == expected


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_a_birth_date_is_accepted_exactly_from_1900_to_today(day):
    expected = dates.EARLIEST_BIRTH <= day <= TODAY
    assert (code(day, dates.BIRTH) is None) == expected


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_a_planned_date_is_accepted_exactly_within_its_horizon(day):
    horizon = date(TODAY.year + dates.PLANNING_HORIZON_YEARS, TODAY.month, TODAY.day)
    assert (code(day, dates.PLANNED) is None) == (dates.CASE_HISTORY_STARTS <= day <= horizon)


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)))
def test_a_moment_that_happened_is_never_ahead_of_the_clock_nor_before_the_case_history(moment):
    expected = moment.date() >= dates.CASE_HISTORY_STARTS and moment <= NOW + dates.CLOCK_SKEW
    assert (code(moment, dates.CASE_EVENT) is None) == expected


def test_the_day_is_the_cases_own_day():
    # 18:00 UTC on 7 December is already 8 December east of +06:00: a birth that day is no typo there.
    tomorrow = TODAY + timedelta(days=1)
    assert code(tomorrow, dates.BIRTH, today=tomorrow) is None
    assert code(tomorrow, dates.BIRTH) == "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"


def test_a_naive_moment_is_read_in_the_installations_zone_not_a_crash():
    assert code(datetime(2099, 1, 1, 12, 0), dates.CASE_EVENT) == "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"


def test_the_refusal_is_the_projects_rule_violation_in_plain_words():
    with pytest.raises(RuleViolation) as refused:
        dates.refuse_implausible(date(2999, 1, 1), dates.BIRTH, field="birth date", at=NOW)
    assert refused.value.codes == ["DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"]
    assert refused.value.messages == [
        "The birth date (2999-01-01) is in the future: record only what has already happened."
    ]
    with pytest.raises(RuleViolation) as refused:
        dates.refuse_implausible(date(1850, 1, 1), dates.BIRTH, field="birth date", at=NOW)
    assert refused.value.messages == ["The birth date (1850-01-01) is before 1900-01-01: check the year."]
    with pytest.raises(RuleViolation) as refused:
        dates.refuse_implausible(date(2099, 1, 1), dates.PLANNED, field="review date", at=NOW)
    assert refused.value.messages == [
        "The review date (2099-01-01) is more than 2 years ahead (after 2028-12-07): check the year."
    ]


def test_every_implausible_date_is_refused_at_once():
    with pytest.raises(RuleViolation) as refused:
        dates.refuse_implausible_dates(
            [
                (date(2999, 1, 1), dates.BIRTH, "birth date"),
                (datetime(2099, 1, 1, tzinfo=UTC), dates.CASE_EVENT, "identification date"),
                (date(2026, 1, 1), dates.PLANNED, "start"),
            ],
            at=NOW,
        )
    assert refused.value.codes == ["DATE_NOT_PLAUSIBLE.IN_THE_FUTURE", "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"]


def test_a_guard_collects_it_with_its_other_violations():
    found = Violations()
    dates.check_plausible(found, date(1850, 1, 1), dates.BIRTH, field="birth date", at=NOW)
    found.add("NEVER_DETAIN")
    with pytest.raises(RuleViolation) as refused:
        found.raise_if_any()
    assert refused.value.codes == ["DATE_NOT_PLAUSIBLE.TOO_EARLY", "NEVER_DETAIN"]


def test_the_form_validator_says_the_same_before_the_service():
    validator = dates.PlausibleDate(dates.BIRTH, "birth date")
    validator(date(2010, 1, 1))
    validator(None)
    with pytest.raises(ValidationError) as refused:
        validator(date(2999, 1, 1))
    assert refused.value.code == "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"
    assert "is in the future" in refused.value.messages[0]
    assert validator == dates.PlausibleDate(dates.BIRTH, "birth date")  # comparable, as migrations need


def test_every_refinement_is_in_the_catalogue():
    for detail in ("IN_THE_FUTURE", "TOO_EARLY", "TOO_FAR_AHEAD"):
        assert f"DATE_NOT_PLAUSIBLE.{detail}" in CATALOGUE
