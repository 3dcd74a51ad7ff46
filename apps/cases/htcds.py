"""Values from the Human Trafficking Case Data Standard (HTCDS 2.0), and Haven's additions.

Stored values are HTCDS value names wherever the standard has the field, so an export in
the standard is a projection. A value Haven adds declares its HTCDS projection here
(None: the standard has nothing to say, and the export leaves the value out).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExploitationForm(models.TextChoices):
    # vic_TypeOfExploitation
    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced military service by non-state actors")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    OTHER = "Other", _("Other")
    # Haven's additions
    FORCED_CRIMINALITY = "ForcedCriminality", _("Forced criminality")
    NOT_YET_DISCLOSED = "NotYetDisclosed", _("Not yet disclosed")


EXPLOITATION_HTCDS_PROJECTION: dict[str, str | None] = {
    ExploitationForm.FORCED_CRIMINALITY: "Other",
    ExploitationForm.NOT_YET_DISCLOSED: None,
}


class ControlMethod(models.TextChoices):
    # vic_MethodsOfControl
    PHYSICAL_THREATS = "PhysicalThreats", _("Physical threats")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _("Threats of law enforcement")
    THREATENS_FAMILY = "ThreatensChildrenFamily", _("Threats to family")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Restricts financial access")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCE = "PsychoactiveSubstance", _("Psychoactive substances")
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", _("Other")


class RecruitmentMethod(models.TextChoices):
    # vic_MethodOfRecruitment
    PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("At a place of business")
    EDUCATIONAL_INSTITUTION = "AtAnEducationalInstitution", _("At an educational institution")
    AT_WORK = "AtWork", _("At work")
    ONLINE_SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks", _("Through online social networks")
    ONLINE_ADVERTISEMENT = "ThroughAnOnlineAdvertisement", _("Through an online advertisement")
    TELEVISION_ADVERT = "ThroughATelevisionAdvert", _("Through a television advert")
    NEWSPAPER_ADVERT = "ThroughANewspaperAdvert", _("Through a newspaper advert")
    FAMILY = "ThroughFamilyOrFamilyEvents", _("Through family or family events")
    FRIENDS = "ThroughFriendsOrSocialEvents", _("Through friends or social events")
    OTHER = "Other", _("Other")


class RelationshipToTrafficker(models.TextChoices):
    # vic_RelationshipToTrafficker
    FAMILIAL = "Familial", _("Family")
    ACQUAINTED = "Acquainted", _("Acquaintance")
    UNACQUAINTED = "Unaquainted", _("Stranger")  # HTCDS spells it so
    # Haven's addition: a valid answer while the child has not said
    NOT_KNOWN = "NotKnown", _("Not known")


RELATIONSHIP_HTCDS_PROJECTION: dict[str, str | None] = {RelationshipToTrafficker.NOT_KNOWN: None}


class Gender(models.TextChoices):
    """prs_Gender: used for a child's gender identity (optional, never shared by default)."""

    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    NON_SPECIFIED = "NonSpecifiedUnknown", _("Not specified")


class Sex(models.TextChoices):
    """Recorded sex (Haven's field); HTCDS has only gender, so it projects onto prs_Gender."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Not known")


SEX_HTCDS_PROJECTION: dict[str, str] = {
    Sex.FEMALE: Gender.FEMININE,
    Sex.MALE: Gender.MASCULINE,
    Sex.INTERSEX: Gender.NON_SPECIFIED,
    Sex.UNKNOWN: Gender.NON_SPECIFIED,
}


class IdentificationStatus(models.TextChoices):
    PRESUMED = "presumed", _("Presumed victim")
    IDENTIFIED = "identified", _("Identified")
    FORMALLY_IDENTIFIED = "formally_identified", _("Formally identified by the competent authority")


# vic_TraffickingStatus
IDENTIFICATION_HTCDS_PROJECTION: dict[str, str] = {
    IdentificationStatus.PRESUMED: "PossibleVictimOfTrafficking",
    IdentificationStatus.IDENTIFIED: "ActualVictimOfTrafficking",
    IdentificationStatus.FORMALLY_IDENTIFIED: "ActualVictimOfTrafficking",
}

HTCDS_CASE_STATUSES = ("Active", "FollowUp", "Closed", "ClosedReferred")


def project(value: str, projection: dict[str, str | None]) -> str | None:
    """The HTCDS value for a stored value: itself, unless Haven added it."""
    return projection.get(value, value)
