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
    COMMUNICATION = "communication", _("Communication and the child's views")
    CASEWORK = "casework", _("Care plan, notes and conferences")
    SUPPORT = "support", _("Support services")
    DECISIONS = "decisions", _("Best interests and durable solutions")
    COMPLAINTS = "complaints", _("Complaints")


# DOMAIN R8: by default a referral leaves these out. A complaint names staff of the case:
# it is the child's and their guardian's business with the agency, not a partner's.
NEVER_SHARED_BY_DEFAULT = frozenset(
    {Section.NARRATIVE, Section.SUSPECTS, Section.PLACEMENT, Section.GENDER_IDENTITY, Section.COMPLAINTS}
)
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


# Every other record of a child's case, by model label: the section a partner needs shared to
# read it (the case's own fields and its documents go field by field and kind by kind above).
# None: never through a referral, whatever it shares — the agency's own machinery (read logs,
# alerts, search tokens, the key) and a probable duplicate, which R8 keeps from other agencies.
# A test fails when a model that concerns a case is missing here.
RECORD_SECTIONS: dict[str, Section | None] = {
    "audit.RecordAccess": None,
    "alerts.Alert": None,
    "cases.ChildKey": None,
    "cases.ChildSearchToken": None,
    "cases.ChildNameTrigrams": None,
    "cases.PossibleDuplicateNotice": None,
    # Referrals and grants: their own people reach them by their own rule (the receiving
    # agency its referrals, the grantee their grant), never through another referral.
    "referrals.Referral": None,
    "referrals.ReferralEvent": None,
    "referrals.IncomingReferral": None,
    "guardianship.GuardianRequest": None,
    "grants.BreakGlass": None,
    "grants.CaseUserObjectPermission": None,
    "grants.CaseGroupObjectPermission": None,
    "cases.CaseTransition": Section.RECORD,
    "cases.FactsReliance": Section.RECORD,
    "cases.GatingFactChange": Section.PROTECTION,
    "guardianship.GuardianAppointment": Section.LEGAL,
    "guardianship.GuardianOpinion": Section.DECISIONS,
    "age.IdentityDocument": Section.IDENTITY,
    "age.DocumentEvent": Section.IDENTITY,
    "age.AgeClaim": Section.IDENTITY,
    "age.ExternalAgeDecision": Section.IDENTITY,
    "age.AgeAssessment": Section.IDENTITY,
    "age.AssessmentProfessional": Section.IDENTITY,
    "age.AssessmentMethod": Section.IDENTITY,
    "age.AgeAppeal": Section.IDENTITY,
    "age.AdultTreatment": Section.IDENTITY,
    "care.Placement": Section.PLACEMENT,
    "care.ChildTie": Section.FAMILY,
    "care.UrgentAction": Section.PROTECTION,
    "care.HeldEvent": Section.PROTECTION,
    "care.MissingReport": Section.PROTECTION,
    "care.Charge": Section.LEGAL,
    "voice.InterpreterDeclaration": Section.COMMUNICATION,
    "voice.CommunicationProfile": Section.COMMUNICATION,
    "voice.InformationSession": Section.COMMUNICATION,
    "voice.ChildViews": Section.COMMUNICATION,
    "support.SupportService": Section.SUPPORT,
    "support.OtherReasonApproval": Section.SUPPORT,
    "support.CooperationRecord": Section.SUPPORT,
    "safety.RiskAssessment": Section.PROTECTION,
    "safety.SafetyPlan": Section.PROTECTION,
    "rights.IdentificationChange": Section.LEGAL,
    "rights.ReflectionPeriodChange": Section.LEGAL,
    "rights.ResidencePermit": Section.LEGAL,
    "rights.ProtectionClaim": Section.LEGAL,
    "rights.ProtectionClaimStatusChange": Section.LEGAL,
    "rights.NonRefoulementFinding": Section.LEGAL,
    "rights.CriminalProceeding": Section.LEGAL,
    "rights.ProceedingInterview": Section.LEGAL,
    "rights.SpecialMeasureRequest": Section.LEGAL,
    "rights.ProceedingRepresentative": Section.LEGAL,
    "rights.CompensationClaim": Section.LEGAL,
    "complaints.Complaint": Section.COMPLAINTS,
    "complaints.ComplaintNamedPerson": Section.COMPLAINTS,
    "casework.CaseNote": None,  # notes keep their own confidentiality levels: never a partner's
    "casework.CarePlanGoal": Section.CASEWORK,
    "casework.CarePlanAction": Section.CASEWORK,
    "casework.CarePlanReview": Section.CASEWORK,
    "casework.ConferenceRequest": Section.CASEWORK,
    "casework.CaseConference": Section.CASEWORK,
    "casework.OutsideParticipant": Section.CASEWORK,
    "casework.ConferenceDecision": Section.CASEWORK,
    "family.Relative": Section.FAMILY,
    "family.FamilyAssessment": Section.FAMILY,
    "family.RiskSecurityAssessment": Section.FAMILY,
    "family.TracingConsent": Section.FAMILY,
    "family.TracingRequest": Section.FAMILY,
    "family.TracingNotDone": Section.FAMILY,
    "bestinterests.BestInterestsAssessment": Section.DECISIONS,
    "bestinterests.BestInterestsReview": Section.DECISIONS,
    "bestinterests.BestInterestsDetermination": Section.DECISIONS,
    "bestinterests.PanelMember": Section.DECISIONS,
    "bestinterests.ConfidentialityUndertaking": Section.DECISIONS,
    "bestinterests.OptionWeighed": Section.DECISIONS,
    "solutions.DurableSolution": Section.DECISIONS,
    "solutions.ReintegrationPlan": Section.DECISIONS,
    "solutions.ReintegrationService": Section.DECISIONS,
    "solutions.FollowUpVisit": Section.DECISIONS,
    "solutions.TransitionPlan": Section.DECISIONS,
}


def record_section(model: type[models.Model]) -> Section | None:
    """The section a record of `model` belongs to (None: never shared); Case and Child are
    read field by field (`fields_in`), documents kind by kind (`document_section`)."""
    return RECORD_SECTIONS.get(model._meta.label)


def section_of(model: type[models.Model], field_name: str) -> Section:
    return FIELDS[model][field_name]


def fields_in(model: type[models.Model], sections: frozenset[Section] | set[Section]) -> list[str]:
    """The fields of `model` that the given sections may show, in declaration order."""
    return [name for name, section in FIELDS[model].items() if section in sections]


def document_section(kind: str) -> Section:
    return DOCUMENT_KINDS[kind]
