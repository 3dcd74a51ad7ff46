"""The guards of R6, one small function each. They add to a Violations collector.

`child_views_recorded` is the one other apps call before a decision that needs the child's
views: an age assessment, a best-interests determination, a durable solution, a placement
change, a closure, a release to an adult. Never before urgent protection.
"""

from datetime import datetime

from apps.cases.models import Case
from apps.core.rules import Violations
from apps.voice.models import LEAFLET_ONLY, GenderPreference, Interpreter, NotHeardReason, ViewsDecision


def child_views_recorded(
    found: Violations, *, case: Case, decision: str, at: datetime, subject: str = "", since: datetime | None = None
) -> None:
    """CHILD_VIEWS_REQUIRED unless the child's views on `decision` (or why they could not be
    heard) were recorded at or before `at` — and not before `since`, when given. With a
    `subject`, views on that very decision or on the decision in general both count."""
    from apps.voice.selectors import views_on

    records = views_on(case=case, decision=decision, subject=subject).filter(recorded_at__lte=at)
    if since is not None:
        records = records.filter(recorded_at__gte=since)
    if not records.exists():
        found.add("CHILD_VIEWS_REQUIRED", decision=ViewsDecision(decision).label)


def not_heard_explained(found: Violations, *, reasons: list[str], method_tried: str) -> None:
    """A child not heard: a reason that is not age alone, and the method that was tried."""
    found.check(bool(method_tried.strip()), "CHILD_VIEWS_REQUIRED.NO_METHOD_TRIED")
    if reasons and all(reason == NotHeardReason.CHILD_AGE for reason in reasons):
        found.add("CHILD_VIEWS_REQUIRED.AGE_IS_NOT_A_REASON")


def is_a_session(found: Violations, *, format: str) -> None:
    """A printed leaflet handed over is not an information session."""
    found.check(format != LEAFLET_ONLY, "CHILD_VIEWS_REQUIRED.LEAFLET_IS_NOT_A_SESSION")


def understanding_recorded(found: Violations, *, understanding: str) -> None:
    found.check(bool(understanding.strip()), "CHILD_VIEWS_REQUIRED.UNDERSTANDING_NOT_RECORDED")


def interpreter_independent(found: Violations, *, interpreter: Interpreter | None, case: Case) -> None:
    """An interpreter is used on a case only with a declaration of no link to its suspects."""
    from apps.voice.selectors import interpreter_declared_independent

    if interpreter is not None and not interpreter_declared_independent(interpreter=interpreter, case=case):
        found.add("CHILD_VIEWS_REQUIRED.INTERPRETER_NOT_INDEPENDENT", interpreter=interpreter.name)


def gender_preference_respected(found: Violations, *, preferred: str, genders: list[str], reason: str) -> None:
    """The child's preferred gender of interviewer, respected where possible: anyone else (the
    one who held the session or heard the child, the interpreter) needs a recorded reason."""
    if preferred == GenderPreference.NONE or reason.strip():
        return
    if any(gender != preferred for gender in genders):
        found.add("CHILD_VIEWS_REQUIRED.GENDER_PREFERENCE_NOT_RESPECTED", preferred=GenderPreference(preferred).label)
