"""When an alert's condition has ended, one small resolver per kind.

Each resolver reads the raising app's public selectors and answers, for one open alert, why it
no longer holds (the outcome recorded) or None. They mirror the condition the raising task
checks, so a resolved alert is one that task would not raise now. Registered when Django
starts (`AlertsConfig.ready`); the raising apps' periodic tasks call `alerts_resolve` for
their kinds, and the alerts app's own periodic task for every kind.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_resolver


def _key_parts(alert: Alert) -> list[str]:
    return alert.key.split(":")


@alert_resolver(AlertKind.GUARDIAN_OVERDUE)
def guardian_no_longer_overdue(alert: Alert, at: datetime) -> str | None:
    """`provisional:<case>` ends once any appointment has begun; `qualified:<case>` once a
    qualified guardian's has; `vacant:<case>:<appointment>` once someone is active again. Any of
    them ends when the child no longer needs a guardian (R1)."""
    from apps.guardianship.models import AppointmentKind, GuardianAppointment
    from apps.guardianship.rules import needs_guardian
    from apps.guardianship.selectors import active_appointment

    case = alert.case
    if case is None:
        return None
    if not needs_guardian(case.child):
        return _("The child no longer needs a representative or guardian.")
    begun = GuardianAppointment.objects.filter(case=case, starts_at__lte=at)
    stage = _key_parts(alert)[0]
    if stage == "provisional" and begun.exists():
        return _("A representative or guardian was appointed.")
    if stage == "qualified" and begun.filter(kind=AppointmentKind.QUALIFIED).exists():
        return _("A qualified guardian was appointed.")
    if stage == "vacant" and active_appointment(case=case, at=at) is not None:
        return _("A representative or guardian is active again.")
    return None


@alert_resolver(AlertKind.CHILD_HELD)
def child_no_longer_held(alert: Alert, at: datetime) -> str | None:
    """`held:<event>` (and the guardian's copy) ends with the recorded release."""
    from apps.care.models import HeldEvent

    parts = _key_parts(alert)
    if parts[0] != "held" or len(parts) < 2 or not parts[1].isdigit():
        return None
    released = HeldEvent.objects.filter(pk=int(parts[1]), released_at__lte=at).exists()
    return _("The child's release is recorded.") if released else None


@alert_resolver(AlertKind.INTERVIEW_WITHOUT_GUARDIAN)
def interview_reviewed(alert: Alert, at: datetime) -> str | None:
    """`interview:<interview>` (the supervisors') ends with a supervisor's review, and
    `interview:<interview>:guardian:<user>` with the guardian's."""
    return _interview_review_done(alert)


@alert_resolver(AlertKind.URGENT_ACTION_REVIEW)
def urgent_interview_reviewed(alert: Alert, at: datetime) -> str | None:
    return _interview_review_done(alert)


@alert_resolver(AlertKind.URGENT_ACTION_GUARDIAN_REVIEW)
def urgent_interview_reviewed_by_guardian(alert: Alert, at: datetime) -> str | None:
    return _interview_review_done(alert)


def _interview_review_done(alert: Alert) -> str | None:
    from apps.rights.models import ProceedingInterview

    parts = _key_parts(alert)
    if parts[0] != "interview" or len(parts) < 2 or not parts[1].isdigit():
        return None  # another app's urgent action: reviewed through its own service
    interview = ProceedingInterview.objects.filter(pk=int(parts[1])).first()
    if interview is None:
        return None
    if "guardian" in parts:
        return _("The guardian reviewed the interview.") if interview.guardian_reviewed_at else None
    return _("A supervisor reviewed the interview.") if interview.supervisor_reviewed_at else None
