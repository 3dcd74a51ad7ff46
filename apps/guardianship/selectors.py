from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.accounts.models import Membership, Role, User
from apps.cases.models import Case
from apps.guardianship.models import AppointmentKind, GuardianAppointment


def _active_at(at: datetime) -> Q:
    return Q(starts_at__lte=at) & (Q(ends_at__isnull=True) | Q(ends_at__gt=at))


def _may_act_as_guardian(at: datetime) -> Q:
    """The appointed person still holds an approved, current guardian role (any authority)."""
    role = Membership.objects.active(at=at).filter(user=OuterRef("guardian"), role=Role.GUARDIAN)
    return Q(Exists(role))


def active_appointments(*, at: datetime) -> QuerySet[GuardianAppointment]:
    """The one definition of an active appointment, for every question R1 asks.

    Begun and not ended, and its guardian may act as one: a guardian whose role ended (or
    whose account or authority was deactivated) is no-one's active guardian, even before
    the appointment row itself is closed. Case visibility, GUARDIAN_REQUIRED, opinions and
    the deadline check all read this.
    """
    return GuardianAppointment.objects.filter(_active_at(at) & _may_act_as_guardian(at))


def open_appointments(*, at: datetime) -> QuerySet[GuardianAppointment]:
    """Not ended at `at` (begun or still to begin), whether or not its guardian may act now."""
    return GuardianAppointment.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))


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


def suspended_appointments(*, at: datetime) -> QuerySet[GuardianAppointment]:
    """Begun, not ended, but whose guardian may no longer act (role ended, account closed)."""
    return GuardianAppointment.objects.filter(_active_at(at)).exclude(_may_act_as_guardian(at))
