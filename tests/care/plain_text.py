"""Care columns left in plain text, and why none holds a child's details (see tests/core/test_text_columns_sealed.py)."""

PLAIN_TEXT: dict[str, str] = {
    "Charge.authority_name": "The name of the prosecuting or penalising authority when it is not an agency in "
    "Haven: an institution, never the child; the acts charged are sealed.",
    "MissingReport.police_reference": "The reference number the police issued for the report, as the police "
    "write it; where the child was last seen, and why notice is withheld, are sealed.",
}
