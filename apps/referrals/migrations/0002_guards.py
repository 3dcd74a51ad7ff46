from django.db import migrations

from apps.history.triggers import attach

# A referral's steps are its record: never rewritten, never removed (haven_refuse_change: cases 0002).
APPEND_ONLY = """
CREATE TRIGGER referrals_referralevent_append_only BEFORE UPDATE OR DELETE ON referrals_referralevent
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_referrals"), ("cases", "0002_guards"), ("history", "0002_case_data")]
    operations = [
        migrations.RunSQL(APPEND_ONLY, "DROP TRIGGER referrals_referralevent_append_only ON referrals_referralevent;"),
        attach("referrals_referral", case_column="case_id"),
        attach("referrals_referralevent", case_column="referral_id", through=(("referrals_referral", "case_id"),)),
    ]
