"""Family records for tests, made through the services (the rules are what is tested)."""

from datetime import timedelta

from django.utils import timezone

from apps.family import services
from apps.family.models import (
    SECURITY_FACTORS,
    FamilyConclusion,
    IdentityMethod,
    Relationship,
    RelationshipMethod,
)
from apps.rights.models import ClaimKind
from apps.rights.services import protection_claim_lodge
from tests.care.factories import case_with_staff, guardian_for, partner_agency

__all__ = ["case_with_staff", "guardian_for", "partner_agency"]

FINDINGS = {name: f"Finding on {name} (fictional)." for name, _label in SECURITY_FACTORS}


def relative_of(case, actor, **values):
    return services.relative_record(
        actor=actor, case=case, **{"relationship": Relationship.MOTHER, "names": "Khadija Benali", "country": "MA",
                                   "whereabouts": "Tangier, old medina", **values},
    )  # fmt: skip


def verified(relative, actor, *, at=None):
    services.relative_identity_verify(
        actor=actor, relative=relative, method=IdentityMethod.IDENTITY_DOCUMENT, note="National ID card seen", at=at
    )
    return services.relative_relationship_verify(
        actor=actor, relative=relative, method=RelationshipMethod.DOCUMENTS, note="Birth certificate", at=at
    )


def assessed(relative, actor, **values):
    return services.family_assessment_complete(
        actor=actor, relative=relative, **{
            "situation": "Lives with two younger children.", "income_and_housing": "Rents two rooms; works in a bakery.",
            "school_and_health_access": "School 500 m away; health centre in the district.",
            "covers_exploitation_links": True, "exploitation_links_findings": "No link found to the recruiters.",
            "conclusion": FamilyConclusion.SUITABLE, **values,
        },
    )  # fmt: skip


def security_assessed(case, actor, **values):
    return services.security_assessment_complete(
        actor=actor, case=case, **{"country": "MA", "findings": dict(FINDINGS), "safe": True,
                                   "serious_harm_found": False, **values},
    )  # fmt: skip


def consent_of(case, guardian, *, country="MA", at=None):
    """The guardian's own recorded consent to tracing in `country`."""
    return services.tracing_consent_record(actor=guardian, case=case, country=country,
                                           words="I agree to the search (fictional).", at=at)  # fmt: skip


def asylum_claim(case, actor, *, lodged_on=None):
    return protection_claim_lodge(
        actor=actor, case=case, kind=ClaimKind.ASYLUM, lodged_on=lodged_on or timezone.localdate() - timedelta(days=3),
        authority="Asylum Office (fictional)",
    )  # fmt: skip


def yesterday():
    return timezone.now() - timedelta(days=1)
