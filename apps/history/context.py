"""Who is changing case data, and through which channel, told to the database.

The history trigger reads `haven.actor`, `haven.channel` and `haven.request_id` from the
connection. Haven marks what it runs (`marked`): a request (the middleware), a Celery task,
a management command. The settings are set on the connection just before the first write
of a marked run (one `SELECT set_config(...)`), so a page that only reads pays nothing and
a write pays one query per run, not one per statement.

A setting made inside a transaction that is then rolled back is undone by PostgreSQL; what
was set is remembered with an on-commit marker that Django drops on that rollback, so the
next write sets it again.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from apps.audit.models import Channel

_WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE")
_NOTHING: tuple[str, str, str] = ("", "", "")


@dataclass(frozen=True)
class Mark:
    channel: str
    request_id: str = ""
    actor: Callable[[], Any] | None = None  # called at the first write: a request's user is known late

    def values(self) -> tuple[str, str, str]:
        actor = self.actor() if self.actor is not None else None
        actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
        return ("" if actor_id is None else str(actor_id), self.channel, self.request_id)


_current: ContextVar[Mark | None] = ContextVar("haven_history_mark", default=None)


@contextmanager
def marked(mark: Mark) -> Iterator[Mark]:
    """Changes made inside are recorded with `mark`'s actor, channel and request id."""
    token = _current.set(mark)
    try:
        yield mark
    finally:
        _current.reset(token)


def begin(mark: Mark) -> Any:
    """`marked` for callers that start and end in two places (Celery's signals); `end` undoes it."""
    return _current.set(mark)


def end(token: Any) -> None:
    _current.reset(token)


class _Committed:
    """An on-commit callback that only notes it ran (the setting then outlives the transaction)."""

    ran = False

    def __call__(self) -> None:
        self.ran = True


def _still_set(connection: BaseDatabaseWrapper, marker: _Committed | None) -> bool:
    if marker is None or marker.ran:
        return True
    return any(entry[1] is marker for entry in connection.run_on_commit)


def _tell_database(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    if isinstance(sql, str) and sql.lstrip()[:6].upper().startswith(_WRITES):
        connection = context["connection"]
        mark = _current.get()
        wanted = mark.values() if mark is not None else _NOTHING
        applied, marker = getattr(connection, "haven_history_applied", (_NOTHING, None))
        if applied != wanted or not _still_set(connection, marker):
            context["cursor"].execute(
                "SELECT set_config('haven.actor', %s, false), set_config('haven.channel', %s, false), "
                "set_config('haven.request_id', %s, false)",
                list(wanted),
            )
            marker = None
            if connection.in_atomic_block:
                marker = _Committed()
                connection.on_commit(marker)
            connection.haven_history_applied = (wanted, marker)
    return execute(sql, params, many, context)


def _connected(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    # A new connection has no settings: nothing to undo until a marked run writes.
    connection.haven_history_applied = (_NOTHING, None)  # type: ignore[attr-defined]
    if _tell_database not in connection.execute_wrappers:
        connection.execute_wrappers.append(_tell_database)


def _command_execute(original: Callable[..., Any]) -> Callable[..., Any]:
    def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        name = type(self).__module__.rsplit(".", 1)[-1]
        with marked(Mark(channel=Channel.COMMAND, request_id=f"command:{name}")):
            return original(self, *args, **kwargs)

    execute.haven_history = True  # type: ignore[attr-defined]
    return execute


def _task_started(task_id: str | None = None, **kwargs: Any) -> None:
    if task_id:
        _tasks[task_id] = begin(Mark(channel=Channel.TASK, request_id=task_id))


def _task_finished(task_id: str | None = None, **kwargs: Any) -> None:
    token = _tasks.pop(task_id or "", None)
    if token is not None:
        end(token)


_tasks: dict[str, Any] = {}


def install() -> None:
    """Mark management commands and Celery tasks, and watch every connection's writes."""
    from celery.signals import task_postrun, task_prerun
    from django.core.management.base import BaseCommand

    connection_created.connect(_connected, dispatch_uid="haven_history_connected")
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            _connected(None, connection)
    # Django has no signal around a command; every command, migrate and shell included, is marked.
    if not getattr(BaseCommand.execute, "haven_history", False):
        BaseCommand.execute = _command_execute(BaseCommand.execute)  # type: ignore[method-assign]
    task_prerun.connect(_task_started, dispatch_uid="haven_history_task_started")
    task_postrun.connect(_task_finished, dispatch_uid="haven_history_task_finished")
