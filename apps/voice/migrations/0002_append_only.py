from django.db import migrations

# The child's views stay as they were written, whatever path tries to change them: a new
# record supersedes. Declarations of independence and information sessions are never deleted;
# a declaration found untrue is withdrawn. (haven_refuse_change: cases 0002.)
SQL = """
CREATE TRIGGER voice_childviews_append_only BEFORE UPDATE OR DELETE ON voice_childviews
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
CREATE TRIGGER voice_interpreterdeclaration_no_delete BEFORE DELETE ON voice_interpreterdeclaration
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
CREATE TRIGGER voice_informationsession_no_delete BEFORE DELETE ON voice_informationsession
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
"""
REVERSE = """
DROP TRIGGER voice_informationsession_no_delete ON voice_informationsession;
DROP TRIGGER voice_interpreterdeclaration_no_delete ON voice_interpreterdeclaration;
DROP TRIGGER voice_childviews_append_only ON voice_childviews;
"""


class Migration(migrations.Migration):
    dependencies = [("voice", "0001_initial"), ("cases", "0002_guards")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
