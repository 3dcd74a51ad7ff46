"""The guards each workflow move must pass, declared by the apps whose rules they are.

A case moves only through `case_transition`, which asks every guard registered for the
move and refuses with all their violations at once (one `RuleViolation`). Apps register
their guards when Django starts (`AppConfig.ready`), so the cases app needs to know none of
them: closing a case asks for the child's views (R6), the follow-ups (R4), answered
complaints and ended services, without a circular import.

A guard that a supervisor may waive checks `move.waived_by_supervisor`: the supervisor's
recorded reason is then kept with the transition (closure: "follow-ups done, or a
supervisor's recorded reason").
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apps.accounts.models import User
from apps.cases.models import Case
from apps.core.rules import Violations


@dataclass(frozen=True)
class Move:
    """One attempted workflow move, as the guards see it."""

    actor: User
    case: Case
    transition: str
    at: datetime
    reason: str
    waiver_reason: str = ""
    actor_is_supervisor: bool = False

    @property
    def waived_by_supervisor(self) -> bool:
        return self.actor_is_supervisor and bool(self.waiver_reason.strip())


Guard = Callable[[Violations, Move], None]
_GUARDS: dict[str, list[Guard]] = {}


def transition_guard(*transitions: str) -> Callable[[Guard], Guard]:
    """Register a guard for the named transitions (registering twice keeps one)."""

    def register(guard: Guard) -> Guard:
        for name in transitions:
            guards = _GUARDS.setdefault(name, [])
            if guard not in guards:
                guards.append(guard)
        return guard

    return register


def guards_for(transition: str) -> list[Guard]:
    return list(_GUARDS.get(transition, []))


def check_move(move: Move) -> Violations:
    found = Violations()
    for guard in guards_for(move.transition):
        guard(found, move)
    return found


@transition_guard("close")
def only_a_supervisor_closes(found: Violations, move: Move) -> None:
    """Closure is a supervisor's approval (the guide's table of roles)."""
    found.check(move.actor_is_supervisor, "CLOSURE_CRITERIA_UNMET.NOT_A_SUPERVISOR")
