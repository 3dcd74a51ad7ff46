from django.db import migrations

# The admin's own change history (django_admin_log) is a record of who changed what: like the
# read log, the application can add to it and never rewrite or prune it.
SQL = """
CREATE TRIGGER django_admin_log_append_only BEFORE UPDATE OR DELETE ON django_admin_log
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only"), ("admin", "0003_logentry_add_action_flag_choices")]
    operations = [migrations.RunSQL(SQL, "DROP TRIGGER django_admin_log_append_only ON django_admin_log;")]
