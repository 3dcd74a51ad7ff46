from django.db import migrations

# Notes are never changed or removed, whatever path tries: a correction is a new note.
SQL = """
CREATE TRIGGER casework_casenote_append_only BEFORE UPDATE OR DELETE ON casework_casenote
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial"), ("cases", "0002_guards")]
    operations = [migrations.RunSQL(SQL, "DROP TRIGGER casework_casenote_append_only ON casework_casenote;")]
