"""Refusals that are not rules of the domain: a stale record, a move the workflow lacks."""

from django.utils.translation import gettext as _


class StaleRecord(Exception):
    """Someone changed the record after the caller read it; nothing was written."""

    def __init__(self, *, label: str, expected: int, current: int | None) -> None:
        self.label, self.expected, self.current = label, expected, current
        super().__init__(
            _("%(label)s was changed by someone else (version %(current)s, you had %(expected)s); reload it.")
            % {"label": label, "current": current, "expected": expected}
        )


class TransitionNotAllowed(Exception):
    """The workflow has no such move from the record's current state."""

    def __init__(self, *, transition: str, state: str) -> None:
        self.transition, self.state = transition, state
        super().__init__(
            _("“%(transition)s” is not possible while the case is in “%(state)s”.")
            % {"transition": transition, "state": state}
        )
