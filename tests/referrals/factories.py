"""Referrals for tests, made through the services (the rules are what is tested)."""

from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.referrals.models import LegalBasis, ReferralKind, ServiceKind
from apps.referrals.services import referral_send
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.care.factories import case_with_staff

__all__ = ["case_with_staff"]

PURPOSE = "Medical check-up after arrival; the child reports a toothache (fictional)."


def hospital(country="PT"):
    """A health agency with one partner-staff member; returns (agency, staff user)."""
    agency = AgencyFactory(kind=AgencyKind.HEALTH, country=country)
    # Staff of some standing: their role began before any referral in a test.
    staff = MembershipFactory(role=Role.PARTNER_STAFF, agency=agency, started_at=timezone.now() - timedelta(days=365))
    return agency, staff.user


def send(actor, case, to_agency, **values):
    """A routine health referral on a legal duty, unless `values` say otherwise."""
    return referral_send(
        actor=actor, case=case, to_agency=to_agency,
        **{"kind": ReferralKind.SERVICE, "service": ServiceKind.HEALTH, "legal_basis": LegalBasis.LEGAL_DUTY,
           "purpose": PURPOSE, "sections": ["record", "identity", "health"], **values},
    )  # fmt: skip


def in_days(days):
    return timezone.now() + timedelta(days=days)
