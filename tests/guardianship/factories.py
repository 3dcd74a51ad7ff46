from datetime import date, timedelta

from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.cases import vault
from apps.guardianship.models import GuardianAppointment, GuardianProfile
from tests.accounts.factories import AgencyFactory, MembershipFactory


def guardianship_authority():
    return AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY)


def eligible_guardian(authority=None, *, trained=True, record_valid_days=365):
    authority = authority or guardianship_authority()
    # A guardian of some standing: their role began well before any appointment in a test.
    guardian = MembershipFactory(
        role=Role.GUARDIAN, agency=authority, started_at=timezone.now() - timedelta(days=365)
    ).user
    GuardianProfile.objects.create(
        user=guardian,
        trained_on=date(2025, 1, 10) if trained else None,
        training="National guardianship course",
        record_checked_on=timezone.now().date() - timedelta(days=30),
        record_check_valid_until=timezone.now().date() + timedelta(days=record_valid_days),
    )
    return guardian


def sealed_reason(case, text, column="end_reason"):
    """An appointment's reason as the service stores it (sealed with the child's key), for tests
    that end an appointment directly."""
    return vault.seal(case.child, vault.data_key(case.child), GuardianAppointment, column, text)
