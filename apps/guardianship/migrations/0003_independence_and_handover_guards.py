from django.db import migrations

# R1, held by the database whatever path writes (raw SQL as the application role included,
# which owns neither table and cannot switch these off):
# - independence: a guardian is never staff of a police, immigration or prosecution agency.
#   Checked when an appointment is written (who, from when), and when a membership in such
#   an agency is granted to someone whose appointment is still open. A membership counts
#   from its request (pending ones too): being asked onto a police staff is enough.
#   (The care provider where the child lives stays a service check: it depends on the
#   placement history, which another app writes and which changes after the appointment.)
# - no handover gap: an appointment that hands over from another starts no later than the
#   other ends, whichever of the two rows is written last.
SQL = """
CREATE FUNCTION guardianship_appointment_independent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    employer text;
BEGIN
    SELECT a.name INTO employer
        FROM accounts_membership m JOIN accounts_agency a ON a.id = m.agency_id
        WHERE m.user_id = NEW.guardian_id
          AND a.kind IN ('police', 'immigration', 'prosecution')
          AND (m.ended_at IS NULL OR m.ended_at > NEW.starts_at)
          AND (NEW.ends_at IS NULL OR m.started_at < NEW.ends_at)
        LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT: guardian % works for %', NEW.guardian_id, employer
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER guardianship_appointment_independent
    BEFORE INSERT OR UPDATE OF guardian_id, starts_at ON guardianship_guardianappointment
    FOR EACH ROW EXECUTE FUNCTION guardianship_appointment_independent();

CREATE FUNCTION guardianship_membership_keeps_guardians_independent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM accounts_agency a
               WHERE a.id = NEW.agency_id AND a.kind IN ('police', 'immigration', 'prosecution'))
       AND EXISTS (SELECT 1 FROM guardianship_guardianappointment g
                   WHERE g.guardian_id = NEW.user_id
                     AND (g.ends_at IS NULL OR g.ends_at > NEW.started_at)
                     AND (NEW.ended_at IS NULL OR g.starts_at < NEW.ended_at)) THEN
        RAISE EXCEPTION 'GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT: user % is a guardian with an open appointment',
            NEW.user_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER guardianship_membership_keeps_guardians_independent
    BEFORE INSERT OR UPDATE OF user_id, agency_id, started_at ON accounts_membership
    FOR EACH ROW EXECUTE FUNCTION guardianship_membership_keeps_guardians_independent();

CREATE FUNCTION guardianship_no_handover_gap() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_ends timestamptz;
    new_starts timestamptz;
BEGIN
    IF NEW.succeeds_id IS NOT NULL THEN
        SELECT ends_at INTO old_ends FROM guardianship_guardianappointment WHERE id = NEW.succeeds_id FOR SHARE;
        IF old_ends IS NOT NULL AND NEW.starts_at > old_ends THEN
            RAISE EXCEPTION 'GUARDIAN_HANDOVER_GAP: appointment % starts after % ends', NEW.id, NEW.succeeds_id
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.ends_at IS NOT NULL THEN
        SELECT starts_at INTO new_starts FROM guardianship_guardianappointment WHERE succeeds_id = NEW.id;
        IF FOUND AND new_starts > NEW.ends_at THEN
            RAISE EXCEPTION 'GUARDIAN_HANDOVER_GAP: appointment % ends before its successor starts', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER guardianship_no_handover_gap
    BEFORE INSERT OR UPDATE OF starts_at, ends_at, succeeds_id ON guardianship_guardianappointment
    FOR EACH ROW EXECUTE FUNCTION guardianship_no_handover_gap();
"""
REVERSE = """
DROP TRIGGER guardianship_no_handover_gap ON guardianship_guardianappointment;
DROP FUNCTION guardianship_no_handover_gap();
DROP TRIGGER guardianship_membership_keeps_guardians_independent ON accounts_membership;
DROP FUNCTION guardianship_membership_keeps_guardians_independent();
DROP TRIGGER guardianship_appointment_independent ON guardianship_guardianappointment;
DROP FUNCTION guardianship_appointment_independent();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("guardianship", "0002_appointment_alongside_reason"),
        ("accounts", "0004_membership_approval_guards"),
    ]
    operations = [migrations.RunSQL(SQL, REVERSE)]
