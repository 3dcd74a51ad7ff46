from django.db import migrations

# Memberships granted before approvals existed were in force: they count as approved when
# they started (approved_by empty: no second person was asked then).
BACKFILL = "UPDATE accounts_membership SET approved_at = started_at WHERE approved_at IS NULL AND ended_at IS NULL;"

# Whatever path writes (raw SQL as the application role included, which owns neither table):
# - the history of memberships is append-only;
# - an approval is written once, names its approver when it comes after the request, and
#   a membership's who/where/what and requester never change (end it and grant another).
SQL = """
CREATE FUNCTION accounts_membershipevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the history of memberships is never rewritten' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER accounts_membershipevent_append_only BEFORE UPDATE OR DELETE ON accounts_membershipevent
    FOR EACH ROW EXECUTE FUNCTION accounts_membershipevent_append_only();

CREATE FUNCTION accounts_membership_approval_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.user_id, NEW.agency_id, NEW.role, NEW.requested_by_id)
       IS DISTINCT FROM (OLD.user_id, OLD.agency_id, OLD.role, OLD.requested_by_id) THEN
        RAISE EXCEPTION 'a membership is not rewritten: end it and grant another'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.approved_at IS NOT NULL
       AND (NEW.approved_at, NEW.approved_by_id) IS DISTINCT FROM (OLD.approved_at, OLD.approved_by_id) THEN
        RAISE EXCEPTION 'an approval is written once' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.approved_at IS NULL AND NEW.approved_at IS NOT NULL AND NEW.approved_by_id IS NULL THEN
        RAISE EXCEPTION 'a role awaiting approval is approved by a second person, who is named'
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.approved_at IS NULL AND NEW.approved_at IS NOT NULL AND OLD.ended_at IS NOT NULL THEN
        RAISE EXCEPTION 'a refused or ended grant is not approved' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER accounts_membership_approval_once BEFORE UPDATE ON accounts_membership
    FOR EACH ROW EXECUTE FUNCTION accounts_membership_approval_once();
"""
REVERSE = """
DROP TRIGGER accounts_membership_approval_once ON accounts_membership;
DROP FUNCTION accounts_membership_approval_once();
DROP TRIGGER accounts_membershipevent_append_only ON accounts_membershipevent;
DROP FUNCTION accounts_membershipevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_membership_approval")]
    operations = [migrations.RunSQL(BACKFILL, migrations.RunSQL.noop), migrations.RunSQL(SQL, REVERSE)]
