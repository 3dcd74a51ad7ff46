"""Plausible dates: the one place that says how far back and ahead a date a rule relies on may lie.

A birth date decides the presumption of minority, the identification date starts the deadlines
(the best-interests assessment is due from it), a lodging date bars a return, a start date
decides which placement is current: a typo in the year (2999, 1850, 2099) would silently move every rule
that reads it. Every service that takes such a date asks `refuse_implausible` (or
`check_plausible`, to refuse with its other violations at once) with the kind of date it is;
the admin shows the refusal on the form like any other rule violation.

The kinds, and why their bounds are where they are:

- BIRTH: never in the future, never before 1900-01-01. No upper age: adults are in Haven
  (aftercare, a person whose age is disputed), so "too old to be a child" is not a rule.
- PAST: something that happened, outside a case's own history (a document issued or signed,
  a guardian's training or record check): never in the future, floor 1900-01-01 (a relative's
  papers may be old).
- CASE_EVENT: something that happened in a case (identified, lodged, decided, held, missing,
  seen, reported, interviewed): never in the future, never before CASE_HISTORY_STARTS. Haven's
  records concern children and young people in care now; nothing in their protection record
  predates the Convention on the Rights of the Child (in force 1990).
- PLANNED: a start, an end, a due or review date, a deadline. It may be recorded after the fact
  (same floor as a case event) or planned, but no further ahead than PLANNING_HORIZON_YEARS:
  a plan for a child is reviewed well within that, and a later year is a typo.
- VALID_UNTIL: the end of a document's or a permit's validity: in the future as a rule, but not
  more than VALIDITY_HORIZON_YEARS ahead (a passport or permit runs ten years at most).

A moment (a datetime) in the past may lie CLOCK_SKEW ahead of the service's own moment: the
device that took it may run a little fast. A day (a date) is compared with the day of the
service's moment, in the zone the caller gives (the case's agency) or the installation's.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise

from apps.core.rules import RuleViolation, Violation, Violations

EARLIEST_BIRTH = date(1900, 1, 1)
CASE_HISTORY_STARTS = date(1990, 1, 1)
PLANNING_HORIZON_YEARS = 2
VALIDITY_HORIZON_YEARS = 30
CLOCK_SKEW = timedelta(minutes=5)

_Day = TypeVar("_Day", date, datetime)


@dataclass(frozen=True)
class Kind:
    name: str
    earliest: date
    # None: it has happened, so never after the moment; otherwise how many years ahead it may lie.
    years_ahead: int | None


BIRTH = Kind("birth", EARLIEST_BIRTH, None)
PAST = Kind("past", EARLIEST_BIRTH, None)
CASE_EVENT = Kind("case event", CASE_HISTORY_STARTS, None)
PLANNED = Kind("planned", CASE_HISTORY_STARTS, PLANNING_HORIZON_YEARS)
VALID_UNTIL = Kind("valid until", EARLIEST_BIRTH, VALIDITY_HORIZON_YEARS)
KINDS = (BIRTH, PAST, CASE_EVENT, PLANNED, VALID_UNTIL)


def _years_later(day: _Day, years: int) -> _Day:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def _shown(value: date) -> str:
    return value.isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else value.isoformat()


def implausible(
    value: date | None, kind: Kind, *, field: str | Promise, at: datetime | None = None, today: date | None = None
) -> Violation | None:
    """What is wrong with `value` as a date of `kind`, or None (an absent date is for the caller).

    `at` is the service's moment (now by default); `today` the day it falls on where the case
    is held (the installation's zone by default).
    """
    if value is None:
        return None
    moment = at or timezone.now()
    facts: dict[str, object] = {"field": field, "value": _shown(value)}
    if isinstance(value, datetime):
        if timezone.is_naive(value):  # as Django reads a naive moment: in the installation's zone
            value = timezone.make_aware(value)
        day = value.date()
        latest = moment + CLOCK_SKEW if kind.years_ahead is None else _years_later(moment, kind.years_ahead)
        too_late, latest_day = value > latest, latest.date()
    else:
        day = value
        local = today or timezone.localdate(moment)
        latest_day = local if kind.years_ahead is None else _years_later(local, kind.years_ahead)
        too_late = value > latest_day
    if too_late and kind.years_ahead is None:
        return Violation("DATE_NOT_PLAUSIBLE.IN_THE_FUTURE", facts)
    if too_late:
        return Violation(
            "DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD", facts | {"years": kind.years_ahead, "latest": latest_day.isoformat()}
        )
    if day < kind.earliest:
        return Violation("DATE_NOT_PLAUSIBLE.TOO_EARLY", facts | {"earliest": kind.earliest.isoformat()})
    return None


def check_plausible(
    found: Violations,
    value: date | None,
    kind: Kind,
    *,
    field: str | Promise,
    at: datetime | None = None,
    today: date | None = None,
) -> None:
    """Add to `found` what makes `value` implausible, if anything."""
    violation = implausible(value, kind, field=field, at=at, today=today)
    if violation is not None:
        found.add(violation.code, **violation.facts)


def refuse_implausible(
    value: date | None, kind: Kind, *, field: str | Promise, at: datetime | None = None, today: date | None = None
) -> None:
    """Refuse (RuleViolation, DATE_NOT_PLAUSIBLE.*) a date of `kind` outside its bounds."""
    violation = implausible(value, kind, field=field, at=at, today=today)
    if violation is not None:
        raise RuleViolation([violation])


def refuse_implausible_dates(
    dates: Iterable[tuple[date | None, Kind, str | Promise]], *, at: datetime | None = None, today: date | None = None
) -> None:
    """Refuse once with every implausible date of `dates`, each (value, kind, label)."""
    found = Violations()
    for value, kind, label in dates:
        check_plausible(found, value, kind, field=label, at=at, today=today)
    found.raise_if_any()


class PlausibleDate:
    """The same bounds as a form or model field validator, so a form says it before the service
    refuses (the service stays the guarantee: it is the one every channel passes)."""

    def __init__(self, kind: Kind, field: str | Promise) -> None:
        self.kind, self.field = kind, field

    def __call__(self, value: date | None) -> None:
        violation = implausible(value, self.kind, field=self.field)
        if violation is not None:
            raise ValidationError(violation.message, code=violation.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlausibleDate) and (other.kind, str(other.field)) == (self.kind, str(self.field))

    def __hash__(self) -> int:
        return hash((self.kind, str(self.field)))
