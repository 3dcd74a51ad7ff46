from apps.audit.models import RecordAccess
from apps.cases.models import Case


def record_access_log(
    *, actor: object, case: Case | None, action: str, channel: str, allowed: bool, break_glass: bool = False
) -> None:
    """Log a read (or a denied attempt) in the caller's transaction; `break_glass` marks a read
    made under a running break-glass."""
    RecordAccess.objects.create(
        actor_id=getattr(actor, "pk", None), case=case, action=action, channel=channel, allowed=allowed,
        break_glass=break_glass,
    )  # fmt: skip
