"""Guardianship columns left in plain text, and why none holds a child's details (see tests/core/test_text_columns_sealed.py)."""

PLAIN_TEXT: dict[str, str] = {
    "GuardianOpinion.subject": "The id of the decision the opinion is about (a record key the service writes); "
    "the opinion itself is sealed.",
    "GuardianProfile.training": "The name of the guardianship course the guardian completed: about the "
    "professional, kept by their authority, never about a ward.",
    "GuardianProfile.languages": "The languages the guardian speaks, matched against a child's when a guardian "
    "is proposed: about the professional, never about a ward.",
    "GuardianRequest.legal_reference": "A request for a guardian is a referral (a proxy of referrals.Referral): "
    "the citation of the law or court order it relies on, never the child's details.",
}
