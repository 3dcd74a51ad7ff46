"""Alert columns left in plain text, and why none holds a child's details (see tests/core/test_text_columns_sealed.py).

An alert may reach people who may not open the case: its plain columns are written by the
services in the system's own words. What was done about it is sealed (`Alert.outcome`).
"""

PLAIN_TEXT: dict[str, str] = {
    "Alert.key": "A machine key built from record ids (`held:<id>`, `urgent:<id>:guardian:<id>`) so that a "
    "periodic check raises each alert once; nobody types it.",
    "Alert.detail": "Sentences the services compose from the case reference, kinds, dates, country codes and "
    "staff names only, never from what anyone typed (tests/alerts/test_sealed_text.py holds them to it).",
}
