"""Text columns of the age app that stay plain: none of them holds a child's details."""

PLAIN_TEXT: dict[str, str] = {
    "AgeAppeal.decided_by": "the court, panel or authority that decided the appeal, never the child",
    "AssessmentProfessional.name": "the name of a professional who carried out the assessment",
    "ExternalAgeDecision.authority": "the name of the authority that made the external age decision",
}
