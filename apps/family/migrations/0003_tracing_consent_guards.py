"""The guardian's consent to tracing, held by the database whatever writes the row — raw SQL as
the application role included, which owns no table and cannot disable triggers; no trigger
reads a session setting.

- A consent names the guardian of the appointment it is given under, on that appointment's
  case: nobody writes "the guardian consents" under someone else's appointment (the check
  constraint family_consent_own_or_quoted then holds who recorded it: the guardian, or a
  caseworker quoting a signed record with its date and reference).
- A consent is never rewritten: the guardian records a new one.
"""

from django.db import migrations

GUARDS = """
CREATE FUNCTION family_consent_names_its_guardian() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'guardian consent % is never rewritten: record a new one', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM guardianship_guardianappointment AS a
        WHERE a.id = NEW.appointment_id AND a.guardian_id = NEW.guardian_id AND a.case_id = NEW.case_id
    ) THEN
        RAISE EXCEPTION 'a guardian consent names the guardian of its appointment, on its case'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER family_consent_names_its_guardian
    BEFORE INSERT OR UPDATE ON family_tracingconsent
    FOR EACH ROW EXECUTE FUNCTION family_consent_names_its_guardian();
"""

UNDO = """
DROP TRIGGER IF EXISTS family_consent_names_its_guardian ON family_tracingconsent;
DROP FUNCTION IF EXISTS family_consent_names_its_guardian();
"""


class Migration(migrations.Migration):
    dependencies = [("family", "0002_guardian_consent_to_tracing")]

    operations = [migrations.RunSQL(GUARDS, UNDO)]
