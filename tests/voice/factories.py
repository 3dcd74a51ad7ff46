"""The child's voice made through the services, for this app's tests and the helpers of others."""

from datetime import datetime

from django.utils import timezone

from apps.accounts.models import Agency, User
from apps.cases.models import Case
from apps.voice.models import ChildViews, Gender, HowExpressed, Interpreter, NotHeardReason, ViewsDecision
from apps.voice.services import child_views_record, interpreter_declaration_record, interpreter_register


def heard(
    case: Case,
    decision: str = ViewsDecision.CLOSURE,
    *,
    actor: User | None = None,
    at: datetime | None = None,
    subject: str = "",
    objects: bool | None = False,
    views: str = "Fictional: she says she is ready and knows whom to call.",
) -> ChildViews:
    """The child heard on a decision, recorded by the case's registering caseworker by default."""
    return child_views_record(
        actor=actor or case.registered_by, case=case, decision=decision, heard=True, subject=subject, views=views,
        how_expressed=HowExpressed.SPOKEN, language="Arabic", objects=objects, at=at or timezone.now(),
    )  # fmt: skip


def not_heard(
    case: Case,
    decision: str = ViewsDecision.CLOSURE,
    *,
    actor: User | None = None,
    at: datetime | None = None,
    reasons: tuple[str, ...] = (NotHeardReason.CHILD_AGE, NotHeardReason.COMMUNICATION),
    method: str = "Fictional: play session with a child psychologist, with pictures.",
) -> ChildViews:
    return child_views_record(
        actor=actor or case.registered_by, case=case, decision=decision, heard=False, not_heard_reasons=list(reasons),
        method_tried=method, at=at or timezone.now(),
    )  # fmt: skip


def interpreter(
    agency: Agency, actor: User, *, name: str = "Fictional Interpreter", gender: str = Gender.FEMALE, **kw: object
) -> Interpreter:
    values: dict[str, object] = {"languages": ["Arabic"], "dialects": ["Darija"], "freelance": True, **kw}
    return interpreter_register(actor=actor, agency=agency, name=name, gender=gender, **values)  # type: ignore[arg-type]


def declared(interp: Interpreter, case: Case, actor: User | None = None) -> Interpreter:
    """The interpreter's declaration of no link to the case's suspects, on file."""
    interpreter_declaration_record(actor=actor or case.registered_by, interpreter=interp, case=case)
    return interp
