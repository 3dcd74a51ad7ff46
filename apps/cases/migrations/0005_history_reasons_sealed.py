"""The reasons kept in a case's workflow history and in the child's gating-fact history are
sealed with the child's key, existing rows sealed in place (issue 11).

Both tables are append-only (migrations 0002 and 0004): their guard triggers are switched off
for the data step only, by the tables' owner, and on again in the same transaction. No other
trigger or function reads these columns. "A gating fact's change has a reason" is kept: the
sealed reason is not null. The reason of a change about a child anonymised before this
migration went with their key; an empty value stands for it (it opens to nothing, as every
value of theirs).
"""

from django.db import migrations, models

import apps.cases.models
from apps.cases.sealing_migration import seal_existing


def _guard(table: str, trigger: str) -> list[migrations.RunSQL]:
    off = f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"
    on = f"ALTER TABLE {table} ENABLE TRIGGER {trigger}"
    return [migrations.RunSQL(off, on), migrations.RunSQL(on, off)]


TRANSITION_OFF, TRANSITION_ON = _guard("cases_casetransition", "cases_casetransition_append_only")
CHANGE_OFF, CHANGE_ON = _guard("cases_gatingfactchange", "cases_gatingfactchange_append_only")


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_gating_facts_and_transition_integrity")]

    operations = [
        # The old constraints go first: undoing this migration restores them once the plain text is back.
        migrations.RemoveConstraint(model_name="gatingfactchange", name="cases_gatingfact_reason"),
        migrations.AddField(
            model_name="casetransition",
            name="reason_sealed",
            field=apps.cases.models.Sealed(blank=True, editable=False, null=True, verbose_name="reason"),
        ),
        migrations.AddField(
            model_name="casetransition",
            name="waiver_reason_sealed",
            field=apps.cases.models.Sealed(
                blank=True, editable=False, null=True, verbose_name="supervisor's reason to waive a criterion"
            ),
        ),
        migrations.AddField(
            model_name="gatingfactchange",
            name="reason_sealed",
            field=apps.cases.models.Sealed(blank=True, editable=False, null=True, verbose_name="reason"),
        ),
        TRANSITION_OFF,
        seal_existing(
            "cases",
            "CaseTransition",
            {"reason": "reason_sealed", "waiver_reason": "waiver_reason_sealed"},
            child="case__child",
        ),
        TRANSITION_ON,
        CHANGE_OFF,
        seal_existing("cases", "GatingFactChange", {"reason": "reason_sealed"}, child="child"),
        migrations.RunSQL(
            "UPDATE cases_gatingfactchange SET reason_sealed = ''::bytea WHERE reason_sealed IS NULL",
            migrations.RunSQL.noop,
        ),
        CHANGE_ON,
        migrations.RemoveField(model_name="casetransition", name="reason"),
        migrations.RemoveField(model_name="casetransition", name="waiver_reason"),
        # Blank for a moment (no SQL): undoing the removal below re-adds the plain column with "" in each row.
        migrations.AlterField(
            model_name="gatingfactchange", name="reason", field=models.TextField(blank=True, verbose_name="reason")
        ),
        migrations.RemoveField(model_name="gatingfactchange", name="reason"),
        migrations.RenameField(model_name="casetransition", old_name="reason_sealed", new_name="reason"),
        migrations.RenameField(model_name="casetransition", old_name="waiver_reason_sealed", new_name="waiver_reason"),
        migrations.RenameField(model_name="gatingfactchange", old_name="reason_sealed", new_name="reason"),
        migrations.AddConstraint(
            model_name="gatingfactchange",
            constraint=models.CheckConstraint(condition=models.Q(reason__isnull=False), name="cases_gatingfact_reason"),
        ),
    ]
