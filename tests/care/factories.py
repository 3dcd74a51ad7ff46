from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.guardianship.models import AppointmentKind, GuardianAppointment
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory
from tests.cases.factories import caseworker_in, register, supervisor_in


def case_with_staff(agency=None, **register_kwargs):
    """A registered case, its caseworker (who registered it) and a supervisor of its agency."""
    agency = agency or AgencyFactory()
    caseworker = caseworker_in(agency, TeamFactory(agency=agency))
    case = register(caseworker, agency, **register_kwargs).case
    return case, caseworker, supervisor_in(agency)


def guardian_for(case, *, starts_at=None):
    """An active qualified guardian of the case (made directly: the appointment rules are R1's)."""
    authority = AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY, country=case.owning_agency.country)
    guardian = MembershipFactory(role=Role.GUARDIAN, agency=authority).user
    GuardianAppointment.objects.create(
        case=case,
        guardian=guardian,
        kind=AppointmentKind.QUALIFIED,
        starts_at=starts_at or timezone.now() - timedelta(days=1),
        appointed_by=supervisor_in(case.owning_agency),
    )
    return guardian


def partner_agency(kind, country="PT"):
    """An agency of `kind` with one partner-staff member; returns (agency, staff user)."""
    agency = AgencyFactory(kind=kind, country=country)
    return agency, MembershipFactory(role=Role.PARTNER_STAFF, agency=agency).user
