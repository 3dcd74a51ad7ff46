"""Database guards for the case workflow, versions and history.

The state guard's function is the output of apps.cases.workflow.transition_guard_sql() at
the time of writing; tests/cases/test_workflow.py fails if the declaration moves on
without a new migration. These are plain triggers: no session setting turns them off,
and the application's role does not own the tables, so it cannot disable them.
"""

from django.db import migrations

STATE_GUARD = """
CREATE OR REPLACE FUNCTION cases_case_guard_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'registered' THEN
            RAISE EXCEPTION 'a case starts registered, not %', NEW.state USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NEW.state IS DISTINCT FROM OLD.state AND (OLD.state, NEW.state) NOT IN (
            ('aftercare', 'closed'),
            ('assessment', 'support'),
            ('closed', 'assessment'),
            ('durable_solution', 'implementation'),
            ('durable_solution', 'support'),
            ('follow_up', 'aftercare'),
            ('follow_up', 'closed'),
            ('implementation', 'follow_up'),
            ('implementation', 'support'),
            ('protection', 'assessment'),
            ('registered', 'protection'),
            ('support', 'aftercare'),
            ('support', 'durable_solution')
        ) THEN
        RAISE EXCEPTION 'the workflow has no move from % to %', OLD.state, NEW.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cases_case_guard_state
    BEFORE INSERT OR UPDATE OF state ON cases_case
    FOR EACH ROW EXECUTE FUNCTION cases_case_guard_state();
"""

# Every change bumps the version, whatever wrote it (raw SQL included): the services'
# "no lost update" check and, later, the API's ETags rest on it.
VERSION = """
CREATE FUNCTION haven_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.version := 1;
    ELSE
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cases_case_version BEFORE INSERT OR UPDATE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION haven_bump_version();
CREATE TRIGGER cases_child_version BEFORE INSERT OR UPDATE ON cases_child
    FOR EACH ROW EXECUTE FUNCTION haven_bump_version();
"""

APPEND_ONLY = """
CREATE FUNCTION haven_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER cases_casetransition_append_only BEFORE UPDATE OR DELETE ON cases_casetransition
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
"""

REVERSE = """
DROP TRIGGER cases_casetransition_append_only ON cases_casetransition;
DROP FUNCTION haven_refuse_change();
DROP TRIGGER cases_child_version ON cases_child;
DROP TRIGGER cases_case_version ON cases_case;
DROP FUNCTION haven_bump_version();
DROP TRIGGER cases_case_guard_state ON cases_case;
DROP FUNCTION cases_case_guard_state();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunSQL(STATE_GUARD + VERSION + APPEND_ONLY, REVERSE)]
