"""Risk assessments and safety plans in the admin: the same scope and services as every channel.

Caseworkers and supervisors of the agency holding the case record them through
apps.safety.services; both are facts on file, never changed in place or deleted — a new
assessment or a new plan version supersedes the last. The record's page opens its sealed
text, and the read is logged.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from apps.core.admin import ServiceAdmin, ServiceForm, text_field, when_field
from apps.safety import selectors, services
from apps.safety.models import RiskAssessment, RiskFactor, RiskLevel, SafetyPlan

SEALED_HELP = gettext_lazy("Stored sealed with the child's own key.")


class RiskAssessmentForm(ServiceForm):
    level = forms.ChoiceField(label=gettext_lazy("Risk level"), choices=RiskLevel.choices)
    factors = forms.MultipleChoiceField(
        label=gettext_lazy("Risk factors"),
        choices=RiskFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    narrative_text = text_field(gettext_lazy("Why (narrative)"), help_text=SEALED_HELP)
    assessed_at = when_field(gettext_lazy("Assessed"))

    class Meta:
        model = RiskAssessment
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        case = data["case"]
        return {
            "case": case,
            # The version of the case as it was chosen on this form: a change to the case made
            # meanwhile by someone else is refused as stale rather than overwritten.
            "expected_version": case.version,
            "level": data["level"],
            "factors": data["factors"],
            "narrative": data["narrative_text"],
            "assessed_at": data["assessed_at"],
        }


class SafetyPlanForm(ServiceForm):
    trafficker_contact_text = text_field(
        gettext_lazy("Contact with traffickers: known contacts and measures"), help_text=SEALED_HELP
    )
    phones_and_accounts_text = text_field(gettext_lazy("Phones and online accounts"), help_text=SEALED_HELP)
    number_changed = forms.BooleanField(label=gettext_lazy("Phone number changed"), required=False)
    accounts_closed = forms.BooleanField(label=gettext_lazy("Online accounts closed"), required=False)
    accounts_watched = forms.BooleanField(label=gettext_lazy("Online accounts watched"), required=False)
    safe_routes_text = text_field(gettext_lazy("Safe routes (school, appointments)"), help_text=SEALED_HELP)
    who_to_call_text = text_field(
        gettext_lazy("Who to call: trusted people, emergency numbers"), required=True, help_text=SEALED_HELP
    )
    review_on = forms.DateField(label=gettext_lazy("Review by"), widget=admin.widgets.AdminDateWidget)

    class Meta:
        model = SafetyPlan
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "trafficker_contact": data["trafficker_contact_text"],
            "phones_and_accounts": data["phones_and_accounts_text"],
            "number_changed": data["number_changed"],
            "accounts_closed": data["accounts_closed"],
            "accounts_watched": data["accounts_watched"],
            "safe_routes": data["safe_routes_text"],
            "who_to_call": data["who_to_call_text"],
            "review_on": data["review_on"],
        }


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ServiceAdmin):
    add_form = RiskAssessmentForm
    record = services.risk_assessment_record
    sealed = ("narrative",)
    list_display = ("case", "level", "assessed_at", "assessed_by", "next_due_at", "superseded_at")
    list_filter = ("level", ("superseded_at", admin.EmptyFieldListFilter))
    list_select_related = ("case", "assessed_by")
    search_fields = ("case__reference",)
    add_fieldsets = (
        (
            None,
            {
                "fields": ("case", "level", "factors", "narrative_text", "assessed_at"),
                "description": gettext_lazy(
                    "The assessment sets the case's risk level and supersedes the assessment before it; the next "
                    "one is due by the level."
                ),
            },
        ),
    )
    fields = ("case", "level", "factors", "opened_narrative", "assessed_by", "assessed_at", "next_due_at",
              "superseded_at", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: Any) -> QuerySet[RiskAssessment]:
        return selectors.risk_assessment_list(actor=actor)

    @admin.display(description=gettext_lazy("why (narrative)"))
    def opened_narrative(self, obj: RiskAssessment) -> str:
        return self.opened(obj, "narrative")


@admin.register(SafetyPlan)
class SafetyPlanAdmin(ServiceAdmin):
    add_form = SafetyPlanForm
    record = services.safety_plan_record
    sealed = ("trafficker_contact", "phones_and_accounts", "safe_routes", "who_to_call")
    list_display = ("case", "version", "review_on", "recorded_at", "recorded_by", "superseded_at")
    list_filter = (("superseded_at", admin.EmptyFieldListFilter),)
    list_select_related = ("case", "recorded_by")
    search_fields = ("case__reference",)
    add_fieldsets = (
        (
            None,
            {
                "fields": ("case", "who_to_call_text", "review_on"),
                "description": gettext_lazy("A new plan becomes the current version; earlier versions stay on file."),
            },
        ),
        (gettext_lazy("Traffickers"), {"fields": ("trafficker_contact_text",)}),
        (
            gettext_lazy("Phones and online accounts"),
            {"fields": ("phones_and_accounts_text", "number_changed", "accounts_closed", "accounts_watched")},
        ),
        (gettext_lazy("Safe routes"), {"fields": ("safe_routes_text",)}),
    )
    fields = (
        "case", "version", "opened_who_to_call", "review_on", "opened_trafficker_contact", "opened_phones_and_accounts",
        "number_changed", "accounts_closed", "accounts_watched", "opened_safe_routes", "recorded_by", "recorded_at",
        "superseded_at",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: Any) -> QuerySet[SafetyPlan]:
        return selectors.safety_plan_list(actor=actor)

    @admin.display(description=gettext_lazy("who to call"))
    def opened_who_to_call(self, obj: SafetyPlan) -> str:
        return self.opened(obj, "who_to_call")

    @admin.display(description=gettext_lazy("contact with traffickers"))
    def opened_trafficker_contact(self, obj: SafetyPlan) -> str:
        return self.opened(obj, "trafficker_contact")

    @admin.display(description=gettext_lazy("phones and online accounts"))
    def opened_phones_and_accounts(self, obj: SafetyPlan) -> str:
        return self.opened(obj, "phones_and_accounts")

    @admin.display(description=gettext_lazy("safe routes"))
    def opened_safe_routes(self, obj: SafetyPlan) -> str:
        return self.opened(obj, "safe_routes")
