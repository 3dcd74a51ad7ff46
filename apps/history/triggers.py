"""The trigger that writes the history, and the one way to attach it to a table.

A table holding a child's case data gets the trigger in a migration of the app that owns
the table:

    from apps.history.triggers import attach

    class Migration(migrations.Migration):
        dependencies = [..., ("history", "0002_case_data")]
        operations = [attach("referrals_referral", case_column="case_id")]

`case_column` names the column holding the case's id ("id" for the case itself); see
`attach` for records reached through another record and for a child's records.
tests/history/test_triggers.py fails for a case-data table without the trigger.

Only migrations run these statements, as the owner role: the application role can neither
drop nor disable a trigger on a table it does not own.
"""

import re

from django.db import migrations

from config.db_roles import ident

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

TRIGGER = "history_record"

# One row per changed row, whatever wrote it. Who and through which channel come from the
# settings Haven sets on its connection (apps/history/context.py); a statement from anywhere
# else records no actor and channel "sql", with the database role it ran as.
# Arguments: the row's column holding the case id (or the first step towards it), the row's
# column holding the child's id, then (table, column) pairs to follow to the case id.
FUNCTION_SQL = """
CREATE FUNCTION haven_history_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    row_data jsonb;
    columns text[];
    case_ref text;
    child_ref text;
    step int := 2;
BEGIN
    IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
    row_data := coalesce(new_row, old_row);
    IF TG_OP = 'UPDATE' THEN
        SELECT coalesce(array_agg(n.key ORDER BY n.key), '{}') INTO columns
        FROM jsonb_each(new_row) n WHERE n.value IS DISTINCT FROM old_row -> n.key;
        IF cardinality(columns) = 0 THEN
            RETURN NULL;  -- nothing changed: nothing to record
        END IF;
    ELSE
        SELECT coalesce(array_agg(k ORDER BY k), '{}') INTO columns FROM jsonb_object_keys(row_data) k;
    END IF;
    IF TG_ARGV[0] <> '' THEN
        case_ref := row_data ->> TG_ARGV[0];
        WHILE step + 1 < TG_NARGS AND case_ref IS NOT NULL LOOP
            EXECUTE format('SELECT %I::text FROM %I WHERE id = $1::bigint', TG_ARGV[step + 1], TG_ARGV[step])
                INTO case_ref USING case_ref;
            step := step + 2;
        END LOOP;
    END IF;
    IF TG_ARGV[1] <> '' THEN child_ref := row_data ->> TG_ARGV[1]; END IF;
    INSERT INTO public.history_change
        (at, table_name, row_pk, case_id, child_id, operation, before, after, changed,
         actor_id, channel, request_id, db_role)
    VALUES (
        clock_timestamp(), TG_TABLE_NAME, coalesce(row_data ->> 'id', ''), case_ref::bigint, child_ref::bigint,
        TG_OP, old_row, new_row, columns,
        nullif(current_setting('haven.actor', true), '')::bigint,
        coalesce(nullif(current_setting('haven.channel', true), ''), 'sql'),
        coalesce(current_setting('haven.request_id', true), ''),
        current_user
    );
    RETURN NULL;
END
$$;
"""


def _argument(name: str) -> str:
    if name and not _NAME.match(name):
        raise ValueError(f"not a table or column name: {name!r}")
    return f"'{name}'"


def attach_sql(
    table: str, *, case_column: str | None = None, child_column: str | None = None,
    through: tuple[tuple[str, str], ...] = (),
) -> str:  # fmt: skip
    arguments = [case_column or "", child_column or ""] + [name for pair in through for name in pair]
    return (
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {ident(table)} "
        f"FOR EACH ROW EXECUTE FUNCTION haven_history_record({', '.join(_argument(a) for a in arguments)});"
    )


def detach_sql(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {TRIGGER} ON {ident(table)};"


def attach(
    table: str, *, case_column: str | None = None, child_column: str | None = None,
    through: tuple[tuple[str, str], ...] = (),
) -> migrations.RunSQL:  # fmt: skip
    """The migration operation that records every change to `table` in the history.

    `case_column`: the row's column holding its case's id ("id" for the case itself), or the
    first step towards it, followed through `through`'s (table, column) pairs (a proceeding's
    interview: case_column="proceeding_id", through=(("rights_criminalproceeding", "case_id"),)).
    `child_column`: the row's column holding the child's id, for rows of a child rather than a case.
    """
    return migrations.RunSQL(
        attach_sql(table, case_column=case_column, child_column=child_column, through=through), detach_sql(table)
    )
