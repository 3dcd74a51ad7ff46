"""One catalogue: every field and every kind of attachment of a child's record, in one section.

Everything that shows or sends a child's data — pages, API, exports, referrals, peers —
selects what it may show through `fields_in` / `section_of`, so a referral that shares
"identity" and "health" can never leak the exploitation narrative by accident. A test
fails when a field of the record belongs to no section.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case, Child, Document


class Section(models.TextChoices):
    RECORD = "record", _("Case record")  # reference, agency, workflow, who holds it
    IDENTITY = "identity", _("Identity")
    GENDER_IDENTITY = "gender_identity", _("Gender identity")
    CONTACT = "contact", _("Contacts and address")
    FAMILY = "family", _("Family")
    PROTECTION = "protection", _("Protection needs and risk")
    EXPLOITATION = "exploitation", _("Exploitation (forms and methods)")
    NARRATIVE = "narrative", _("Exploitation narrative")
    SUSPECTS = "suspects", _("Suspects")
    PLACEMENT = "placement", _("Placement")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal and status")


# DOMAIN R8: by default a referral leaves these out.
NEVER_SHARED_BY_DEFAULT = frozenset({Section.NARRATIVE, Section.SUSPECTS, Section.PLACEMENT, Section.GENDER_IDENTITY})
SHARED_BY_DEFAULT = frozenset(Section) - NEVER_SHARED_BY_DEFAULT

FIELDS: dict[type[models.Model], dict[str, Section]] = {
    Child: {
        "id": Section.RECORD,
        "public_id": Section.RECORD,
        "version": Section.RECORD,
        "created_at": Section.RECORD,
        "anonymised_at": Section.RECORD,
        "names": Section.IDENTITY,
        "aliases": Section.IDENTITY,
        "birth_date": Section.IDENTITY,
        "birth_date_basis": Section.IDENTITY,
        "sex": Section.IDENTITY,
        "nationalities": Section.IDENTITY,
        "stateless": Section.IDENTITY,
        "languages": Section.IDENTITY,
        "country_of_origin": Section.IDENTITY,
        "gender_identity": Section.GENDER_IDENTITY,
        "contacts": Section.CONTACT,
        "address": Section.CONTACT,
        "unaccompanied": Section.FAMILY,
        "separated": Section.FAMILY,
        "parents_implicated": Section.FAMILY,
        "parents_conflict_of_interest": Section.FAMILY,
        "family_situation": Section.FAMILY,
        "disabilities": Section.HEALTH,
    },
    Case: {
        "id": Section.RECORD,
        "reference": Section.RECORD,
        "child": Section.RECORD,
        "owning_agency": Section.RECORD,
        "team": Section.RECORD,
        "assigned_caseworker": Section.RECORD,
        "state": Section.RECORD,
        "version": Section.RECORD,
        "registered_by": Section.RECORD,
        "created_at": Section.RECORD,
        "identified_at": Section.PROTECTION,
        "identification_method": Section.PROTECTION,
        "risk_level": Section.PROTECTION,
        "protection_needs": Section.PROTECTION,
        "identification_status": Section.LEGAL,
        "reflection_period_start": Section.LEGAL,
        "reflection_period_end": Section.LEGAL,
        "police_evidence_reference": Section.LEGAL,
        "exploitation_forms": Section.EXPLOITATION,
        "control_methods": Section.EXPLOITATION,
        "recruitment_methods": Section.EXPLOITATION,
        "relationship_to_trafficker": Section.EXPLOITATION,
        "technology_uses": Section.EXPLOITATION,
        "scope": Section.EXPLOITATION,
        "exploitation_narrative": Section.NARRATIVE,
        "suspects": Section.SUSPECTS,
        "health_notes": Section.HEALTH,
    },
}

DOCUMENT_KINDS: dict[str, Section] = {
    Document.Kind.IDENTITY_DOCUMENT: Section.IDENTITY,
    Document.Kind.BIRTH_CERTIFICATE: Section.IDENTITY,
    Document.Kind.FAMILY_DOCUMENT: Section.FAMILY,
    Document.Kind.MEDICAL_REPORT: Section.HEALTH,
    Document.Kind.LEGAL_DOCUMENT: Section.LEGAL,
    Document.Kind.SOCIAL_REPORT: Section.PROTECTION,
    Document.Kind.PLACEMENT_DOCUMENT: Section.PLACEMENT,
    Document.Kind.CONSENT_FORM: Section.LEGAL,
}


def section_of(model: type[models.Model], field_name: str) -> Section:
    return FIELDS[model][field_name]


def fields_in(model: type[models.Model], sections: frozenset[Section] | set[Section]) -> list[str]:
    """The fields of `model` that the given sections may show, in declaration order."""
    return [name for name, section in FIELDS[model].items() if section in sections]


def document_section(kind: str) -> Section:
    return DOCUMENT_KINDS[kind]
