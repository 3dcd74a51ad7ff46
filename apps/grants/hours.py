"""An agency's office hours, in its own time zone: when break-glass may open, when it is reviewed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apps.accounts.models import Agency

# Far enough to find the next opening of any agency open at least one day a week.
_WEEK = 8


def in_office_hours(agency: Agency, at: datetime) -> bool:
    """Whether `agency`'s office is open at `at` (its opening time included, its closing time not)."""
    local = at.astimezone(ZoneInfo(agency.time_zone))
    return local.weekday() in agency.office_days and agency.office_opens <= local.time() < agency.office_closes


def next_opening(agency: Agency, after: datetime) -> datetime:
    """The first opening of `agency`'s office after `after` (the next working day's, out of hours)."""
    zone = ZoneInfo(agency.time_zone)
    local = after.astimezone(zone)
    for days in range(_WEEK):
        day = local.date() + timedelta(days=days)
        if day.weekday() not in agency.office_days:
            continue
        opening = datetime.combine(day, agency.office_opens, tzinfo=zone)
        if opening > local:
            return opening
    # An agency with no office days is never open: review within a day.
    return after + timedelta(days=1)
