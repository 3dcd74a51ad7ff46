from django.db import migrations

# A membership's team must belong to the membership's agency, whichever code path writes.
SQL = """
CREATE FUNCTION accounts_membership_team_in_agency() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.team_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM accounts_team WHERE id = NEW.team_id AND agency_id = NEW.agency_id
    ) THEN
        RAISE EXCEPTION 'membership team % is not in agency %', NEW.team_id, NEW.agency_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER accounts_membership_team_in_agency
    BEFORE INSERT OR UPDATE OF team_id, agency_id ON accounts_membership
    FOR EACH ROW EXECUTE FUNCTION accounts_membership_team_in_agency();
"""
REVERSE = """
DROP TRIGGER accounts_membership_team_in_agency ON accounts_membership;
DROP FUNCTION accounts_membership_team_in_agency();
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
