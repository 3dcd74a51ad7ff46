"""Ages and birth dates: whole years completed, and ranges of ages turned into birth dates.

A person born on 29 February has their birthday on 1 March in a common year: of the two
possible readings it is the later day, so nobody is taken for older than they can be
(R2: the youngest possible age is the one that counts).
"""

from datetime import date, timedelta

ADULT_AGE = 18
_DAY = timedelta(days=1)


def anniversary(born: date, years: int) -> date:
    """The day someone born on `born` completes `years` years."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February in a common year
        return date(born.year + years, 3, 1)


def age_on(born: date, day: date) -> int:
    """Whole years completed on `day` by someone born on `born` (negative before birth)."""
    years = day.year - born.year
    return years if anniversary(born, years) <= day else years - 1


def adult_on(born: date) -> date:
    """The first day on which someone born on `born` is an adult."""
    return anniversary(born, ADULT_AGE)


def is_adult_on(born: date, day: date) -> bool:
    return adult_on(born) <= day


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)


def latest_birth_date(*, assessed_on: date, youngest_age: int) -> date:
    """The latest birth date of someone at least `youngest_age` on `assessed_on`."""
    born = _years_before(assessed_on, youngest_age)
    while age_on(born, assessed_on) < youngest_age:
        born -= _DAY
    while age_on(born + _DAY, assessed_on) >= youngest_age:
        born += _DAY
    return born


def earliest_birth_date(*, assessed_on: date, oldest_age: int) -> date:
    """The earliest birth date of someone at most `oldest_age` on `assessed_on`."""
    born = _years_before(assessed_on, oldest_age + 1) + _DAY
    while age_on(born, assessed_on) > oldest_age:
        born += _DAY
    while age_on(born - _DAY, assessed_on) <= oldest_age:
        born -= _DAY
    return born
