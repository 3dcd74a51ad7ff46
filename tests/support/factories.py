from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.cases.services import case_transition, child_facts_update
from apps.support.models import ServiceKind
from apps.support.services import service_request
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.care.factories import case_with_staff

NOW = timezone.now()


def provider_with_staff(kind=AgencyKind.NGO_SERVICE_PROVIDER, country="PT"):
    """A provider agency in Haven and one of its partner staff."""
    agency = AgencyFactory(kind=kind, country=country)
    return agency, MembershipFactory(role=Role.PARTNER_STAFF, agency=agency).user


def requested(case, actor, kind=ServiceKind.COUNSELLING, *, provider=None, provider_name="", **kwargs):
    if provider is None and not provider_name:
        provider_name = "Centro Comunitário do Mar"
    kwargs.setdefault("at", NOW - timedelta(days=5))
    return service_request(actor=actor, case=case, kind=kind, provider=provider, provider_name=provider_name, **kwargs)


def stateless(case, actor):
    child_facts_update(actor=actor, case=case, facts={"stateless": True, "nationalities": []})


def to_aftercare(case, actor):
    for name in ["start_protection", "start_assessment", "start_support", "move_to_aftercare"]:
        case = case_transition(actor=actor, case=case, transition=name, expected_version=case.version, reason="step")
    return case


__all__ = ["NOW", "case_with_staff", "provider_with_staff", "requested", "stateless", "to_aftercare"]
