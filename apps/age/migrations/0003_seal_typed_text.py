"""What people type about the child is sealed with the child's key, existing rows sealed in place:
the reasons of document events and treatments as an adult, how an external decision is
challenged, and an assessment's last-resort reason, consent (language and explanation), appeal
information and stop reason. Append-only and final rows are sealed with their guards off for
the data step only (the migration runs as the tables' owner).
"""

from django.db import migrations, models

import apps.cases.models
from apps.cases.sealing_migration import seal_existing

SEALED = {
    "documentevent": {"reason": "why"},
    "externalagedecision": {"challenge": "how it is challenged"},
    "ageassessment": {
        "last_resort_reason": "why documents and interviews could not settle the age",
        "consent_language": "language of the consent",
        "consent_explanation": "what the child was told the assessment involves",
        "appeal_information": "how the child was told to appeal",
        "stop_reason": "why it stopped",
    },
    "adulttreatment": {"reason": "why"},
}
CHILD = {"documentevent": "document__case__child"}
MODEL_NAMES = {
    "documentevent": "DocumentEvent",
    "externalagedecision": "ExternalAgeDecision",
    "ageassessment": "AgeAssessment",
    "adulttreatment": "AdultTreatment",
}
REQUIRED: dict[tuple[str, str], models.Field] = {  # type: ignore[type-arg]
    ("documentevent", "reason"): models.TextField(default="", verbose_name="why"),
    ("adulttreatment", "reason"): models.TextField(default="", verbose_name="why"),
    ("ageassessment", "last_resort_reason"): models.TextField(
        default="", verbose_name="why documents and interviews could not settle the age"
    ),
    ("ageassessment", "consent_language"): models.CharField(
        default="", max_length=60, verbose_name="language of the consent"
    ),
    ("ageassessment", "consent_explanation"): models.TextField(
        default="", verbose_name="what the child was told the assessment involves"
    ),
}
GUARDS = (
    ("age_documentevent", "age_documentevent_append_only"),
    ("age_adulttreatment", "age_adulttreatment_append_only"),
    ("age_ageassessment", "age_ageassessment_final"),
    ("age_externalagedecision", "age_externalagedecision_final"),
)
GUARDS_OFF = "".join(f"ALTER TABLE {table} DISABLE TRIGGER {name};\n" for table, name in GUARDS)
GUARDS_ON = "".join(f"ALTER TABLE {table} ENABLE TRIGGER {name};\n" for table, name in GUARDS)

OLD_CONSTRAINTS = {
    "documentevent": ["age_documentevent_has_reason"],
    "externalagedecision": ["age_external_challenge_complete"],
    "ageassessment": [
        "age_assessment_opening_conditions",
        "age_assessment_status_consistent",
        "age_assessment_stop_has_reason",
    ],
    "adulttreatment": ["age_adulttreatment_has_reason"],
}
NEW_CONSTRAINTS = {
    "documentevent": [
        models.CheckConstraint(condition=models.Q(reason__isnull=False), name="age_documentevent_has_reason"),
    ],
    "externalagedecision": [
        models.CheckConstraint(
            condition=models.Q(challenged_at__isnull=True)
            | models.Q(challenged_by__isnull=False, challenge__isnull=False),
            name="age_external_challenge_complete",
        ),
    ],
    "ageassessment": [
        models.CheckConstraint(
            condition=models.Q(
                last_resort_reason__isnull=False,
                consent_given=True,
                consent_told_no_penalty=True,
                consent_language__isnull=False,
                consent_explanation__isnull=False,
            ),
            name="age_assessment_opening_conditions",
        ),
        models.CheckConstraint(
            condition=models.Q(status="open", result="", approved_at__isnull=True)
            | models.Q(status="stopped", approved_at__isnull=True)
            | models.Q(status="concluded", result_recorded_at__isnull=False, approved_at__isnull=True)
            | models.Q(
                status="approved",
                result_recorded_at__isnull=False,
                approved_by__isnull=False,
                approved_at__isnull=False,
                appeal_period_ends_at__isnull=False,
                appeal_information__isnull=False,
            ),
            name="age_assessment_status_consistent",
        ),
        models.CheckConstraint(
            condition=models.Q(stopped_at__isnull=True, status__in=["open", "concluded", "approved"])
            | models.Q(stopped_at__isnull=False, status="stopped", stop_reason__isnull=False),
            name="age_assessment_stop_has_reason",
        ),
    ],
    "adulttreatment": [
        models.CheckConstraint(condition=models.Q(reason__isnull=False), name="age_adulttreatment_has_reason"),
    ],
}


def _operations() -> list[migrations.operations.base.Operation]:
    removed = [
        migrations.RemoveConstraint(model_name=model, name=name)
        for model, names in OLD_CONSTRAINTS.items()
        for name in names
    ]
    twins = [
        migrations.AddField(
            model_name=model, name=f"{column}_sealed", field=apps.cases.models.Sealed(verbose_name=label)
        )
        for model, columns in SEALED.items()
        for column, label in columns.items()
    ]
    sealed = [
        seal_existing(
            "age",
            MODEL_NAMES[model],
            {column: f"{column}_sealed" for column in columns},
            child=CHILD.get(model, "case__child"),
        )
        for model, columns in SEALED.items()
    ]
    # A required plain column gets a default first (no change in the database), so that
    # reversing can add it back to a table that has rows before their text is opened into it.
    defaults = [
        migrations.AlterField(model_name=model, name=column, field=field) for (model, column), field in REQUIRED.items()
    ]
    swapped = [
        operation
        for model, columns in SEALED.items()
        for column in columns
        for operation in (
            migrations.RemoveField(model_name=model, name=column),
            migrations.RenameField(model_name=model, old_name=f"{column}_sealed", new_name=column),
        )
    ]
    added = [
        migrations.AddConstraint(model_name=model, constraint=constraint)
        for model, constraints in NEW_CONSTRAINTS.items()
        for constraint in constraints
    ]
    return [
        *removed,
        *twins,
        migrations.RunSQL(GUARDS_OFF, GUARDS_ON),
        *sealed,
        migrations.RunSQL(GUARDS_ON, GUARDS_OFF),
        *defaults,
        *swapped,
        *added,
    ]


class Migration(migrations.Migration):
    dependencies = [("age", "0002_guards"), ("cases", "0004_gating_facts_and_transition_integrity")]
    operations = _operations()
