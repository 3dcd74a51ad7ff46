"""Audit columns left in plain text, and why none holds a child's details (see tests/core/test_text_columns_sealed.py)."""

PLAIN_TEXT: dict[str, str] = {
    "RecordAccess.action": "A short code for the kind of read (view, placement_address) that the code sets, "
    "never the value that was read.",
}
