"""Moments relative to today (memberships and cases in tests start now) in an agency's time zone."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

SATURDAY, MONDAY, WEDNESDAY = 5, 0, 2


def next_local(agency, weekday, at_time, *, weeks=1):
    """`at_time` on the next `weekday` at least `weeks` weeks ahead, in `agency`'s time zone."""
    zone = ZoneInfo(agency.time_zone)
    day = timezone.now().astimezone(zone).date() + timedelta(weeks=weeks)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, at_time, tzinfo=zone)


def saturday_night(agency):
    return next_local(agency, SATURDAY, time(23, 30))


def wednesday_noon(agency):
    return next_local(agency, WEDNESDAY, time(12, 0))


def frozen(monkeypatch, moment):
    """The clock stands at `moment` for everything that asks `timezone.now()`."""
    monkeypatch.setattr(timezone, "now", lambda: moment)
