"""Time arithmetic for deadlines, in the agency's own zone."""

import zoneinfo
from datetime import datetime, timedelta


def add_working_days(start: datetime, days: int, *, zone: str) -> datetime:
    """The moment `days` working days (Monday to Friday) after `start`, local to `zone`.

    Public holidays are not known to Haven yet; a deployment that needs them sets a
    shorter deadline.
    """
    local = start.astimezone(zoneinfo.ZoneInfo(zone))
    remaining = days
    while remaining > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            remaining -= 1
    return local
