"""A protection claim's status and a non-refoulement finding gate R4: the database refuses,
at commit, any write of them without the child's gating-fact history row written in the same
transaction and saying what the value became (issue 10, 2a). The reason and the supervisor
are held by that row's own constraints (apps/cases, migration 0004)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION rights_claim_status_has_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM cases_gatingfactchange g
        WHERE g.fact = 'protection_claim' AND g.subject = 'protection claim ' || NEW.id
          AND g.xact = pg_current_xact_id()::text::bigint AND g.after = to_jsonb(NEW.status::text)
    ) THEN
        RAISE EXCEPTION 'protection claim % became % without a recorded reason', NEW.id, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER rights_claim_status_has_history
    AFTER INSERT OR UPDATE OF status ON rights_protectionclaim DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION rights_claim_status_has_history();

CREATE FUNCTION rights_finding_has_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    stands boolean := NEW.set_aside_on IS NULL;
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.set_aside_on IS NULL) = (OLD.set_aside_on IS NULL) THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM cases_gatingfactchange g
        WHERE g.fact = 'non_refoulement_finding' AND g.subject = 'non-refoulement finding ' || NEW.id
          AND g.xact = pg_current_xact_id()::text::bigint AND g.after = to_jsonb(stands)
    ) THEN
        RAISE EXCEPTION 'non-refoulement finding % changed without a recorded reason', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER rights_finding_has_history
    AFTER INSERT OR UPDATE OF set_aside_on ON rights_nonrefoulementfinding DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION rights_finding_has_history();
"""

REVERSE = """
DROP TRIGGER rights_finding_has_history ON rights_nonrefoulementfinding;
DROP FUNCTION rights_finding_has_history();
DROP TRIGGER rights_claim_status_has_history ON rights_protectionclaim;
DROP FUNCTION rights_claim_status_has_history();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0002_interview_reviews"),
        ("cases", "0004_gating_facts_and_transition_integrity"),
    ]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
