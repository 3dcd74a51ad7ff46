"""What people type about one child in their care records is sealed with the child's key.

Existing rows are sealed in place (apps.cases.sealing_migration). A placement that ended
because the next one started keeps no words: its end reason becomes empty, which is how a
cancelled next placement finds the one to give back (see Placement.end_reason).
"""

from django.db import migrations, models

import apps.cases.models
from apps.cases.sealing_migration import seal_existing

PLACEMENT = ("justification", "urgent_reason", "separation_decision", "end_reason")
URGENT_ACTION = ("reason", "supervisor_review", "guardian_review")
HELD_EVENT = ("held_by", "release_note")
MISSING_REPORT = ("notice_withheld_reason",)

LABELS = {
    "justification": "why not family- or community-based care",
    "urgent_reason": "urgent because",
    "separation_decision": "best-interests decision to live apart",
    "end_reason": "why it ended",
    "reason": "reason",
    "supervisor_review": "supervisor's review",
    "guardian_review": "guardian's review",
    "held_by": "held by",
    "release_note": "about the release",
    "notice_withheld_reason": "why notice is withheld",
}
HELP = {
    "separation_decision": (
        "The reference of the decision that this child lives apart from a sibling or their mother or baby."
    ),
    "held_by": "When not an agency in Haven.",
}

CHANGED_WITHOUT_WORDS = (
    "UPDATE care_placement SET end_reason = '' WHERE end_reason = 'Placement changed.' AND cancelled_at IS NULL"
)
CHANGED_IN_WORDS = (
    "UPDATE care_placement SET end_reason = 'Placement changed.' "
    "WHERE end_reason = '' AND ends_at IS NOT NULL AND cancelled_at IS NULL"
)


def _sealed(column: str) -> apps.cases.models.Sealed:
    return apps.cases.models.Sealed(
        blank=True, editable=False, null=True, verbose_name=LABELS[column], help_text=HELP.get(column, "")
    )


def _seal(model: str, columns: tuple[str, ...]) -> list[migrations.operations.base.Operation]:
    return [
        *[migrations.AddField(model, f"{column}_sealed", _sealed(column)) for column in columns],
        seal_existing("care", model, {column: f"{column}_sealed" for column in columns}, child="case__child"),
        *[migrations.RemoveField(model, column) for column in columns],
        *[migrations.RenameField(model, f"{column}_sealed", column) for column in columns],
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0005_placement_guards"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="placement", name="care_placement_institution_justified"),
        migrations.RemoveConstraint(model_name="placement", name="care_placement_urgent_has_reason"),
        migrations.RemoveConstraint(model_name="urgentaction", name="care_urgent_has_reason"),
        migrations.RunSQL(CHANGED_WITHOUT_WORDS, CHANGED_IN_WORDS),
        *_seal("Placement", PLACEMENT),
        *_seal("UrgentAction", URGENT_ACTION),
        *_seal("HeldEvent", HELD_EVENT),
        *_seal("MissingReport", MISSING_REPORT),
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind__in", ["shelter", "institution"]), _negated=True),
                    ("justification__isnull", False),
                    ("urgent", True),
                    _connector="OR",
                ),
                name="care_placement_institution_justified",
            ),
        ),
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.CheckConstraint(
                condition=models.Q(urgent=False) | models.Q(urgent_reason__isnull=False),
                name="care_placement_urgent_has_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="urgentaction",
            constraint=models.CheckConstraint(condition=models.Q(reason__isnull=False), name="care_urgent_has_reason"),
        ),
    ]
