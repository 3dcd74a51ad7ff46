"""Guardianship columns left in plain text, and why none holds a child's details (see tests/core/test_text_columns_sealed.py)."""

PLAIN_TEXT: dict[str, str] = {
    "GuardianOpinion.subject": "The id of the decision the opinion is about (a record key the service writes); "
    "the opinion itself is sealed.",
    "GuardianProfile.training": "The name of the guardianship course the guardian completed: about the "
    "professional, kept by their authority, never about a ward.",
}
