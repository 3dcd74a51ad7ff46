from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.cases.models import Case
from apps.complaints.models import ComplaintAbout, LodgedBy
from apps.complaints.services import complaint_lodge
from apps.guardianship.models import AppointmentKind, GuardianAppointment
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.care.factories import case_with_staff


def world():
    """A case with its caseworker, a supervisor of its agency, and its active guardian."""
    case, caseworker, supervisor = case_with_staff()
    guardian = guardian_of(case, appointed_by=supervisor)
    return case, caseworker, supervisor, guardian


def second_supervisor(case):
    return MembershipFactory(role=Role.SUPERVISOR, agency=case.owning_agency).user


def agency_admin(case):
    return MembershipFactory(role=Role.AGENCY_ADMIN, agency=case.owning_agency).user


def lodge(actor, case, *, named=(), text="He shouts at me when I ask to call my sister.", at=None, **kwargs):
    kwargs.setdefault("lodged_by", LodgedBy.GUARDIAN)
    kwargs.setdefault("about", ComplaintAbout.STAFF if named else ComplaintAbout.AGENCY)
    return complaint_lodge(actor=actor, case=Case.objects.get(pk=case.pk), named=named, text=text, at=at, **kwargs)


def guardian_of(case, *, appointed_by):
    """An active qualified guardian of the case, appointed by the agency's own supervisor (so the
    agency has exactly the supervisors a test makes)."""
    authority = AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY, country=case.owning_agency.country)
    guardian = MembershipFactory(role=Role.GUARDIAN, agency=authority).user
    GuardianAppointment.objects.create(
        case=case, guardian=guardian, kind=AppointmentKind.QUALIFIED,
        starts_at=timezone.now() - timedelta(days=1), appointed_by=appointed_by,
    )  # fmt: skip
    return guardian
