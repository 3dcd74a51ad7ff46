from datetime import datetime

from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.cases.models import Case
from apps.guardianship.models import AppointmentKind, GuardianAppointment


def _active_at(at: datetime) -> Q:
    return Q(starts_at__lte=at) & (Q(ends_at__isnull=True) | Q(ends_at__gt=at))


def active_appointments(*, at: datetime) -> QuerySet[GuardianAppointment]:
    return GuardianAppointment.objects.filter(_active_at(at))


def active_appointment(*, case: Case, at: datetime) -> GuardianAppointment | None:
    """The case's active representative or guardian; a qualified guardian before a provisional one."""
    return (
        active_appointments(at=at)
        .filter(case=case)
        .order_by("-kind", "-starts_at")  # "qualified" > "provisional": a guardian first
        .select_related("guardian")
        .first()
    )


def guardian_active_ward_count(*, guardian: User, at: datetime) -> int:
    """Wards now and to come: an appointment starting later still takes a place under the cap
    (two appointments racing may carry times in either order)."""
    current_or_future = Q(ends_at__isnull=True) | Q(ends_at__gt=at)
    return GuardianAppointment.objects.filter(current_or_future, guardian=guardian).values("case").distinct().count()


def appointment_list_for_case(*, case: Case) -> QuerySet[GuardianAppointment]:
    return (
        GuardianAppointment.objects.filter(case=case).select_related("guardian", "appointed_by").order_by("-starts_at")
    )


def has_qualified_guardian(*, case: Case, at: datetime) -> bool:
    return active_appointments(at=at).filter(case=case, kind=AppointmentKind.QUALIFIED).exists()
