"""The case timeline's registry: each app declares the events it adds, as guards are declared.

A source is a function `(context) -> Iterable[TimelineEntry]` decorated `@timeline_source`;
it reads only through its own app's scoped selectors, so what an actor may not see never
reaches the timeline (a restricted note, a complaint that names them). Apps register their
sources when Django starts (`AppConfig.ready`), so the casework app needs to know none of
them. `apps.casework.selectors.case_timeline` merges them in time order.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.cases.models import Case
from apps.cases.reading import SealedReader
from apps.core.crypto import KeyUnavailable


@dataclass(frozen=True)
class TimelineEntry:
    """One event on a case's timeline, as the actor may see it."""

    at: datetime
    kind: str  # "transition", "note", "care_plan", "conference", "complaint", or another app's own
    title: str
    detail: str = ""
    by: str = ""
    # The access level of a restricted entry (a note for the team or the supervisors), shown with it.
    restricted: str = ""


@dataclass
class TimelineContext:
    """What every source gets: who asks, about which case, when; sealed values opened through
    the reader of the timeline read (one read row for the page, whatever the number of entries)."""

    actor: User
    case: Case
    at: datetime
    reader: SealedReader = field(repr=False)

    def opened(self, model: type[models.Model] | models.Model, column: str, sealed: Any) -> str:
        """A sealed value of this case's child in plain text; a marker once the child is anonymised."""
        if sealed is None:
            return ""
        try:
            value = self.reader.opened(model, column, sealed, case=self.case)
        except KeyUnavailable:
            return _("Anonymised")
        return str(value or "")


Source = Callable[[TimelineContext], Iterable[TimelineEntry]]
_SOURCES: list[Source] = []


def timeline_source(source: Source) -> Source:
    """Register a source of timeline events (registering twice keeps one)."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def timeline_sources() -> list[Source]:
    return list(_SOURCES)


def person(user: User | None) -> str:
    return str(user) if user is not None else ""
