"""Text columns of the family app that stay plain: none of them holds a child's details."""

PLAIN_TEXT: dict[str, str] = {
    "TracingConsent.document_reference": "the filing reference of the guardian's signed consent form, a register number",
}
