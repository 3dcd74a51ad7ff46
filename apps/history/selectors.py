"""Who has seen and who has changed a case's file, for its supervisors."""

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.models import RecordAccess
from apps.audit.services import record_access_log
from apps.cases import vault
from apps.cases.access import Action, require
from apps.cases.models import Case
from apps.history.models import Change

SHOWN = 200  # of each kind, newest first: the page is for a look, not an export
_WIDTH = 80


@dataclass(frozen=True)
class ChangedColumn:
    name: str
    value: str  # "sealed" for a sealed column: the page never opens one


@dataclass(frozen=True)
class Activity:
    at: datetime
    kind: str  # "read" or "change"
    who: str
    channel: str
    what: str
    columns: tuple[ChangedColumn, ...] = ()


@cache
def _tables() -> dict[str, tuple[str, frozenset[str]]]:
    """Each table's record name and its sealed columns."""
    return {
        model._meta.db_table: (str(model._meta.verbose_name), frozenset(vault.sealed_columns(model)))
        for model in apps.get_models()
    }


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def _columns(change: Change, sealed: frozenset[str]) -> tuple[ChangedColumn, ...]:
    before, after = change.before or {}, change.after or {}
    shown = []
    for name in change.changed:
        if name in sealed:
            value = _("sealed")
        elif change.operation == "UPDATE":
            value = f"{_shown(before.get(name))} → {_shown(after.get(name))}"
        else:
            value = _shown((after or before).get(name))
        shown.append(ChangedColumn(name=name, value=value))
    return tuple(shown)


def _who(user: User | None, fallback: str) -> str:
    return user.get_username() if user is not None else fallback


def case_file_activity(*, actor: User, case: Case, channel: str) -> list[Activity]:
    """The reads and changes of `case`'s file, newest first; for a supervisor of its agency.

    Changes of the child's own rows (and records of the child rather than of one case) are
    included. Values are shown as stored: sealed ones as "sealed", nothing is opened. Looking
    is itself a logged read of the case.
    """
    require(actor, Action.SUPERVISE, case)
    reads = list(RecordAccess.objects.filter(case=case).select_related("actor").order_by("-at", "-id")[:SHOWN])
    changes = list(
        Change.objects.filter(Q(case_id=case.pk) | Q(child_id=case.child_id, case_id__isnull=True))
        .select_related("actor")
        .order_by("-at", "-id")[:SHOWN]
    )
    tables = _tables()
    activity = [
        Activity(
            at=read.at,
            kind="read",
            who=_who(read.actor, _("the system")),
            channel=read.channel,
            what=read.action if read.allowed else _("%(action)s (refused)") % {"action": read.action},
        )
        for read in reads
    ]
    for change in changes:
        record, sealed = tables.get(change.table_name, (change.table_name, frozenset()))
        activity.append(
            Activity(
                at=change.at,
                kind="change",
                who=_who(change.actor, _("database role %(role)s") % {"role": change.db_role}),
                channel=change.channel,
                what=f"{change.get_operation_display()} {record} #{change.row_pk}",
                columns=_columns(change, sealed),
            )
        )
    activity.sort(key=lambda entry: entry.at, reverse=True)
    record_access_log(actor=actor, case=case, action="history", channel=channel, allowed=True)
    return activity
