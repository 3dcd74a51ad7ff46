from django.db import migrations

# The read log cannot be rewritten or pruned by the application, whatever path it takes.
SQL = """
CREATE TRIGGER audit_recordaccess_append_only BEFORE UPDATE OR DELETE ON audit_recordaccess
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial"), ("cases", "0002_guards")]
    operations = [migrations.RunSQL(SQL, "DROP TRIGGER audit_recordaccess_append_only ON audit_recordaccess;")]
