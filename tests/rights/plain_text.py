"""The rights app's text columns left plain: names and references of authorities, courts and
professionals, never what a person typed about a child."""

PLAIN_TEXT: dict[str, str] = {
    "CriminalProceeding.reference": "the reference the police, prosecutor or court gave the proceedings",
    "CriminalProceeding.prosecutor_name": "the name of the prosecutor's office when not an agency here",
    "CriminalProceeding.court": "the name of the court hearing the proceedings",
    "IdentificationChange.authority_name": "the name of the competent authority when not an agency here",
    "IdentificationChange.authority_reference": "the reference the competent authority gave its decision",
    "NonRefoulementFinding.source": "the name of the authority or court that made the finding",
    "NonRefoulementFinding.reference": "the reference of the authority's or court's decision",
    "NonRefoulementFinding.set_aside_by": "the name and reference of the later decision that set the finding aside",
    "ProceedingInterview.interviewer": "the name or role of the professional who interviewed the child",
    "ProceedingRepresentative.name": "the name of the child's lawyer or guardian ad litem, a professional",
    "ProtectionClaim.authority": "the name of the authority the claim was lodged with",
    "ProtectionClaim.authority_reference": "the reference the authority gave the claim",
    "ResidencePermit.issued_by": "the name of the authority that issued the permit",
}
