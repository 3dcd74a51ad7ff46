"""Ages and ranges of birth dates (R2: the result is a range of birth dates fixed on the assessment date)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.age.dates import adult_on, age_on, earliest_birth_date, is_adult_on, latest_birth_date


def test_an_age_counts_whole_years():
    assert age_on(date(2010, 6, 30), date(2028, 6, 29)) == 17
    assert age_on(date(2010, 6, 30), date(2028, 6, 30)) == 18


def test_someone_born_on_29_february_comes_of_age_on_1_march_in_a_common_year():
    assert adult_on(date(2008, 2, 29)) == date(2026, 3, 1)
    assert not is_adult_on(date(2008, 2, 29), date(2026, 2, 28))
    assert adult_on(date(2012, 2, 29)) == date(2030, 3, 1)
    assert adult_on(date(2006, 2, 28)) == date(2024, 2, 28)


def test_a_range_of_ages_becomes_a_range_of_birth_dates_on_the_assessment_day():
    day = date(2026, 3, 2)
    assert latest_birth_date(assessed_on=day, youngest_age=16) == date(2010, 3, 2)
    assert earliest_birth_date(assessed_on=day, oldest_age=17) == date(2008, 3, 3)


def test_an_assessment_on_29_february():
    day = date(2024, 2, 29)
    latest = latest_birth_date(assessed_on=day, youngest_age=17)
    assert latest == date(2007, 2, 28)  # born 1 March 2007, they were still 16 that day
    assert earliest_birth_date(assessed_on=day, oldest_age=17) == date(2006, 3, 1)


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    youngest=st.integers(min_value=0, max_value=30),
    spread=st.integers(min_value=0, max_value=6),
)
def test_every_birth_date_in_the_range_gives_an_age_in_the_range_and_none_outside(day, youngest, spread):
    oldest = youngest + spread
    earliest = earliest_birth_date(assessed_on=day, oldest_age=oldest)
    latest = latest_birth_date(assessed_on=day, youngest_age=youngest)
    for born in (earliest, latest):
        assert youngest <= age_on(born, day) <= oldest
    assert age_on(latest + timedelta(days=1), day) < youngest
    assert age_on(earliest - timedelta(days=1), day) > oldest


@pytest.mark.parametrize(
    ("born", "day", "age"), [(date(2000, 2, 29), date(2001, 2, 28), 0), (date(2000, 2, 29), date(2001, 3, 1), 1)]
)
def test_a_leap_day_birthday(born, day, age):
    assert age_on(born, day) == age
