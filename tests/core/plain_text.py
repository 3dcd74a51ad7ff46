"""Core columns left in plain text, and why none holds a child's details (see tests/core/test_text_columns_sealed.py)."""

PLAIN_TEXT: dict[str, str] = {
    "Heartbeat.name": "The name of a periodic process proving it is alive (the beat scheduler, say).",
}
