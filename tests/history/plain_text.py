"""History columns left in plain text, and why none holds a child's details (see tests/core/test_text_columns_sealed.py)."""

PLAIN_TEXT: dict[str, str] = {
    "Change.table_name": "The name of the table that changed, set by the trigger.",
    "Change.row_pk": "The changed row's id.",
    "Change.changed": "Names of the columns that changed, never their values.",
    "Change.channel": "A short code for the channel (web, admin, api, task, command, sql).",
    "Change.request_id": "The id of the request or task, or the name of the command.",
    "Change.db_role": "The database role the change ran as.",
}
