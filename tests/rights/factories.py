from datetime import date, timedelta

from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.guardianship.models import AppointmentKind, GuardianAppointment
from apps.rights.models import CriminalProceeding
from apps.rights.services import criminal_proceeding_record
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.care.factories import case_with_staff
from tests.cases.factories import supervisor_in

__all__ = ["case_with_staff", "guardian_for", "proceeding_for"]


def guardian_for(case, *, starts_at=None):
    """An active qualified guardian of the case, made directly (the appointment rules are R1's),
    whose guardian role began with the appointment: they were the child's guardian at the
    interviews held since then."""
    starts_at = starts_at or timezone.now() - timedelta(days=1)
    authority = AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY, country=case.owning_agency.country)
    guardian = MembershipFactory(role=Role.GUARDIAN, agency=authority, started_at=starts_at).user
    GuardianAppointment.objects.create(
        case=case, guardian=guardian, kind=AppointmentKind.QUALIFIED, starts_at=starts_at,
        appointed_by=supervisor_in(case.owning_agency),
    )  # fmt: skip
    return guardian


def proceeding_for(case, caseworker, **kwargs) -> CriminalProceeding:
    values = {"child_role": "victim", "reference": "PROC-2026-0042", "stage_since": date(2026, 1, 5), **kwargs}
    return criminal_proceeding_record(actor=caseworker, case=case, **values)
