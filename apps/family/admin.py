"""Family records in the admin: the same scope and the same services as every other channel.

Built on the care admin's conventions (apps/care/admin.py): staff users with an active
caseworker or supervisor membership only; lists scoped by the case visibility condition, a
record outside it a 404; records added through the services, never edited in place or
deleted; what follows a record (verifying, results, closing, withdrawing) is an action that
calls its service. Refusals — SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN among them — are shown
on the form with their code. A relative's page lists what a release to them still lacks.

The guardian's consent to tracing is a record, never a box on the request: a caseworker enters
one here only by quoting the guardian's signed record (the guardian, its date, its reference),
and the tracing request names that record.
"""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import AgencyKind, User
from apps.cases.access import Action, cases_for
from apps.core.admin import ReasonForm, ServiceAdmin, ServiceForm, acting_user, agency_field, text_field, when_field
from apps.core.rules import RuleViolation, Violations
from apps.family import rules, selectors, services
from apps.family.models import (
    SECURITY_FACTORS,
    FamilyAssessment,
    FamilyConclusion,
    IdentityMethod,
    Relationship,
    RelationshipMethod,
    Relative,
    RiskSecurityAssessment,
    TracingChannel,
    TracingConsent,
    TracingNotDone,
    TracingNotDoneReason,
    TracingRequest,
    TracingStatus,
)

SEALED_HELP = gettext_lazy("Stored sealed with the child's own key.")
YES_NO = [("", "---------"), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


def _sealed_text(label: Any, *, required: bool = False, help_text: Any = SEALED_HELP) -> forms.CharField:
    return text_field(label, required=required, help_text=help_text)


def _relatives_for(actor: User) -> QuerySet[Relative]:
    return selectors.relative_list(actor=actor).filter(case__in=cases_for(actor, Action.WORK).values("pk"))


def _relative_field(label: Any, *, required: bool) -> "forms.ModelChoiceField[Relative]":
    return forms.ModelChoiceField(label=label, queryset=Relative.objects.none(), required=required)


# --- Forms --------------------------------------------------------------------------------
class RelativeAddForm(ServiceForm):
    relationship = forms.ChoiceField(label=gettext_lazy("Relationship to the child"), choices=Relationship.choices)
    names_text = _sealed_text(gettext_lazy("Names"), required=True)
    whereabouts_text = _sealed_text(gettext_lazy("Whereabouts"))
    contact_text = _sealed_text(gettext_lazy("Contact"))
    country = forms.CharField(
        label=gettext_lazy("Lives in (country)"), max_length=2, required=False, help_text=gettext_lazy("ISO 3166 code.")
    )
    deceased = forms.BooleanField(label=gettext_lazy("Deceased"), required=False)
    suspected_link = forms.BooleanField(label=gettext_lazy("Suspected link to the exploitation"), required=False)
    suspected_link_note_text = _sealed_text(gettext_lazy("Why a link is suspected"))

    class Meta:
        model = Relative
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "relationship": data["relationship"],
            "names": data["names_text"],
            "whereabouts": data["whereabouts_text"],
            "contact": data["contact_text"],
            "country": data["country"],
            "deceased": data["deceased"],
            "suspected_link": data["suspected_link"],
            "suspected_link_note": data["suspected_link_note_text"],
        }


class FamilyAssessmentAddForm(ServiceForm):
    relative = _relative_field(gettext_lazy("Relative or other adult"), required=True)
    situation_text = _sealed_text(gettext_lazy("Family situation"), required=True)
    income_and_housing_text = _sealed_text(gettext_lazy("Income and housing"), required=True)
    school_and_health_text = _sealed_text(gettext_lazy("Access to school and health care"), required=True)
    covers_exploitation_links = forms.ChoiceField(
        label=gettext_lazy("Does the assessment cover links to the exploitation?"),
        choices=YES_NO,
        required=False,
        help_text=gettext_lazy("A release needs an assessment that does: a relative can be a trafficker."),
    )
    exploitation_links_text = _sealed_text(gettext_lazy("Findings on links to the exploitation"))
    conclusion = forms.ChoiceField(label=gettext_lazy("Conclusion"), choices=FamilyConclusion.choices)
    support_needed_text = _sealed_text(gettext_lazy("Support the family needs"))
    completed_at = when_field(gettext_lazy("Completed"), gettext_lazy("Leave empty for now."))

    class Meta:
        model = FamilyAssessment
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["case"]  # the relative names the case
        if self.actor is not None:
            cast("forms.ModelChoiceField[Relative]", self.fields["relative"]).queryset = _relatives_for(self.actor)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        covers = {"yes": True, "no": False}.get(data["covers_exploitation_links"])
        return {
            "relative": data["relative"],
            "situation": data["situation_text"],
            "income_and_housing": data["income_and_housing_text"],
            "school_and_health_access": data["school_and_health_text"],
            "covers_exploitation_links": covers,
            "exploitation_links_findings": data["exploitation_links_text"],
            "conclusion": data["conclusion"],
            "support_needed": data["support_needed_text"],
            "completed_at": data["completed_at"],
        }


class SecurityAssessmentAddForm(ServiceForm):
    # One sealed finding per factor R4 names (SECURITY_FACTORS), in its order.
    family_situation_text = _sealed_text(gettext_lazy("Family situation"), required=True)
    reprisal_risk_text = _sealed_text(gettext_lazy("Risk of reprisals"), required=True)
    retrafficking_risk_text = _sealed_text(gettext_lazy("Risk of re-trafficking"), required=True)
    access_to_protection_text = _sealed_text(gettext_lazy("Access to protection"), required=True)
    health_care_text = _sealed_text(gettext_lazy("Access to health care"), required=True)
    education_text = _sealed_text(gettext_lazy("Access to education"), required=True)
    country = forms.CharField(label=gettext_lazy("Country"), max_length=2, help_text=gettext_lazy("ISO 3166 code."))
    relative = _relative_field(gettext_lazy("Family (relative)"), required=False)
    sources_text = _sealed_text(gettext_lazy("Sources consulted"))
    safe = forms.BooleanField(label=gettext_lazy("Concludes the move is safe"), required=False)
    serious_harm_found = forms.BooleanField(label=gettext_lazy("Real risk of serious harm found"), required=False)
    completed_at = when_field(gettext_lazy("Completed"))

    class Meta:
        model = RiskSecurityAssessment
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            cast("forms.ModelChoiceField[Relative]", self.fields["relative"]).queryset = _relatives_for(self.actor)

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "country": data["country"],
            "relative": data["relative"],
            "findings": {name: data[f"{name}_text"] for name, _label in SECURITY_FACTORS},
            "sources": data["sources_text"],
            "safe": data["safe"],
            "serious_harm_found": data["serious_harm_found"],
            "completed_at": data["completed_at"],
        }


class TracingRequestAddForm(ServiceForm):
    via = forms.ChoiceField(label=gettext_lazy("Via"), choices=TracingChannel.choices)
    counterpart = agency_field(gettext_lazy("Counterpart agency abroad"), kinds=(AgencyKind.FOREIGN_COUNTERPART,))
    country = forms.CharField(
        label=gettext_lazy("Tracing in (country)"),
        max_length=2,
        required=False,
        help_text=gettext_lazy("ISO 3166 code; for a counterpart agency, its country."),
    )
    relative = _relative_field(gettext_lazy("Relative sought"), required=False)
    sought_text = _sealed_text(gettext_lazy("Who is sought, what is known"), required=True)
    child_views_text = _sealed_text(
        gettext_lazy("The child's views on tracing"),
        help_text=gettext_lazy("Required before contacting the authorities of the child's country of origin."),
    )
    guardian_consent = forms.ModelChoiceField(
        label=gettext_lazy("The guardian's consent"),
        queryset=TracingConsent.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "The guardian's own record, or a signed record quoted under “Guardian's consents to tracing”. "
            "It counts for its country, while that guardian is still the child's guardian."
        ),
    )
    sent_at = when_field(gettext_lazy("Sent"))

    class Meta:
        model = TracingRequest
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            cast("forms.ModelChoiceField[Relative]", self.fields["relative"]).queryset = _relatives_for(self.actor)
            works_on = cases_for(self.actor, Action.WORK)
            consents = selectors.tracing_consent_list(actor=self.actor).filter(case__in=works_on)
            cast("forms.ModelChoiceField[TracingConsent]", self.fields["guardian_consent"]).queryset = consents

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "via": data["via"],
            "counterpart": data["counterpart"],
            "country": data["country"],
            "relative": data["relative"],
            "sought": data["sought_text"],
            "child_views": data["child_views_text"],
            "guardian_consent": data["guardian_consent"],
            "sent_at": data["sent_at"],
        }


class GuardianChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class TracingConsentAddForm(ServiceForm):
    """A caseworker quotes the guardian's signed consent: who signed, when, its reference."""

    country = forms.CharField(
        label=gettext_lazy("Tracing in (country)"), max_length=2, help_text=gettext_lazy("ISO 3166 code.")
    )
    guardian = GuardianChoice(
        label=gettext_lazy("Guardian who signed"),
        queryset=User.objects.none(),
        help_text=gettext_lazy("The child's active guardian."),
    )
    document_date = forms.DateField(label=gettext_lazy("Signed on"), widget=widgets.AdminDateWidget)
    document_reference = forms.CharField(label=gettext_lazy("Reference of the signed record"), max_length=100)
    words_text = _sealed_text(gettext_lazy("The guardian's words"))

    class Meta:
        model = TracingConsent
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            works_on = cases_for(self.actor, Action.WORK)
            guardians = User.objects.filter(appointments__case__in=works_on).distinct().order_by("pk")
            cast("forms.ModelChoiceField[User]", self.fields["guardian"]).queryset = guardians

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "country": data["country"],
            "guardian": data["guardian"],
            "document_date": data["document_date"],
            "document_reference": data["document_reference"],
            "words": data["words_text"],
        }


class TracingNotDoneAddForm(ServiceForm):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=TracingNotDoneReason.choices)
    explanation_text = _sealed_text(gettext_lazy("Explanation"), required=True)
    decided_at = when_field(gettext_lazy("Decided"))

    class Meta:
        model = TracingNotDone
        fields = ()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "case": data["case"],
            "reason": data["reason"],
            "explanation": data["explanation_text"],
            "decided_at": data["decided_at"],
        }


class IdentityForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("Verified by means of"), choices=IdentityMethod.choices)
    note = forms.CharField(
        label=gettext_lazy("What was seen or checked"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RelationshipForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("Verified by means of"), choices=RelationshipMethod.choices)
    note = forms.CharField(
        label=gettext_lazy("What the verification rests on"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResultsForm(forms.Form):
    results = forms.CharField(label=gettext_lazy("Results"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))


# --- The admins ---------------------------------------------------------------------------
@admin.register(Relative)
class RelativeAdmin(ServiceAdmin):
    add_form = RelativeAddForm
    record = services.relative_record
    sealed = ("names", "whereabouts", "contact")
    list_display = ("case", "relationship", "country", "identity_verified_at", "relationship_verified_at",
                    "suspected_link")  # fmt: skip
    list_filter = ("relationship", "suspected_link")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    actions = ("verify_identity", "verify_relationship")
    add_fieldsets = (
        (None, {"fields": ("case", "relationship", "names_text", "whereabouts_text", "contact_text", "country",
                           "deceased")}),
        (gettext_lazy("Links to the exploitation"), {"fields": ("suspected_link", "suspected_link_note_text")}),
    )  # fmt: skip
    fields = (
        "case", "relationship", "opened_names", "opened_whereabouts", "opened_contact", "country", "deceased",
        "suspected_link", "opened_suspected_link_note", "identity_verified_at", "identity_verified_by",
        "identity_method", "opened_identity_note", "relationship_verified_at", "relationship_verified_by",
        "relationship_method", "opened_relationship_note", "release_checks", "recorded_by", "recorded_at",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[Relative]:
        return selectors.relative_list(actor=actor)

    @admin.display(description=gettext_lazy("names"))
    def opened_names(self, obj: Relative) -> str:
        return self.opened(obj, "names")

    @admin.display(description=gettext_lazy("whereabouts"))
    def opened_whereabouts(self, obj: Relative) -> str:
        return self.opened(obj, "whereabouts")

    @admin.display(description=gettext_lazy("contact"))
    def opened_contact(self, obj: Relative) -> str:
        return self.opened(obj, "contact")

    @admin.display(description=gettext_lazy("why a link is suspected"))
    def opened_suspected_link_note(self, obj: Relative) -> str:
        return self.opened(obj, "suspected_link_note")

    @admin.display(description=gettext_lazy("how the identity was verified"))
    def opened_identity_note(self, obj: Relative) -> str:
        return self.opened(obj, "identity_note")

    @admin.display(description=gettext_lazy("how the relationship was verified"))
    def opened_relationship_note(self, obj: Relative) -> str:
        return self.opened(obj, "relationship_note")

    @admin.display(description=gettext_lazy("a release to this person still needs"))
    def release_checks(self, obj: Relative) -> str:
        found = Violations()
        rules.release_verified(found, relative=obj, at=timezone.now())
        try:
            found.raise_if_any()
        except RuleViolation as missing:
            return format_html_join("", "<p>{}</p>", ((f"{v.message} ({v.code})",) for v in missing.violations))
        return _("Nothing: identity and relationship verified, and a family assessment that covers links to the "
                 "exploitation. The guardian's opinion is asked with the release itself.")  # fmt: skip

    @admin.action(description=gettext_lazy("Record that the identity is verified"))
    def verify_identity(self, request: HttpRequest, queryset: QuerySet[Relative]) -> HttpResponse | None:
        actor = acting_user(request)

        def verify(relative: Relative, data: dict[str, Any]) -> str:
            services.relative_identity_verify(actor=actor, relative=relative, method=data["method"], note=data["note"])
            return _("%(relative)s: identity verified.") % {"relative": relative}

        return self.confirm_then(request, queryset, action="verify_identity", title=_("Verify the identity"),
                                 form_class=IdentityForm, apply=verify)  # fmt: skip

    @admin.action(description=gettext_lazy("Record that the relationship is verified"))
    def verify_relationship(self, request: HttpRequest, queryset: QuerySet[Relative]) -> HttpResponse | None:
        actor = acting_user(request)

        def verify(relative: Relative, data: dict[str, Any]) -> str:
            services.relative_relationship_verify(
                actor=actor, relative=relative, method=data["method"], note=data["note"]
            )
            return _("%(relative)s: relationship verified.") % {"relative": relative}

        return self.confirm_then(request, queryset, action="verify_relationship", title=_("Verify the relationship"),
                                 form_class=RelationshipForm, apply=verify)  # fmt: skip


@admin.register(FamilyAssessment)
class FamilyAssessmentAdmin(ServiceAdmin):
    add_form = FamilyAssessmentAddForm
    record = services.family_assessment_complete
    sealed = ("situation",)
    list_display = ("case", "relative", "covers_exploitation_links", "conclusion", "completed_at", "completed_by")
    list_filter = ("conclusion", "covers_exploitation_links")
    list_select_related = ("case", "relative__case", "completed_by")
    search_fields = ("case__reference",)
    add_fieldsets = (
        (None, {"fields": ("relative", "situation_text", "income_and_housing_text", "school_and_health_text")}),
        (gettext_lazy("Links to the exploitation"), {"fields": ("covers_exploitation_links",
                                                                 "exploitation_links_text")}),
        (gettext_lazy("Conclusion"), {"fields": ("conclusion", "support_needed_text", "completed_at")}),
    )  # fmt: skip
    fields = (
        "case", "relative", "opened_situation", "opened_income_and_housing", "opened_school_and_health_access",
        "covers_exploitation_links", "opened_exploitation_links_findings", "conclusion", "opened_support_needed",
        "completed_at", "completed_by",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[FamilyAssessment]:
        return selectors.family_assessment_list(actor=actor)

    @admin.display(description=gettext_lazy("family situation"))
    def opened_situation(self, obj: FamilyAssessment) -> str:
        return self.opened(obj, "situation")

    @admin.display(description=gettext_lazy("income and housing"))
    def opened_income_and_housing(self, obj: FamilyAssessment) -> str:
        return self.opened(obj, "income_and_housing")

    @admin.display(description=gettext_lazy("access to school and health care"))
    def opened_school_and_health_access(self, obj: FamilyAssessment) -> str:
        return self.opened(obj, "school_and_health_access")

    @admin.display(description=gettext_lazy("findings on links to the exploitation"))
    def opened_exploitation_links_findings(self, obj: FamilyAssessment) -> str:
        return self.opened(obj, "exploitation_links_findings")

    @admin.display(description=gettext_lazy("support the family needs"))
    def opened_support_needed(self, obj: FamilyAssessment) -> str:
        return self.opened(obj, "support_needed")


@admin.register(RiskSecurityAssessment)
class RiskSecurityAssessmentAdmin(ServiceAdmin):
    add_form = SecurityAssessmentAddForm
    record = services.security_assessment_complete
    sealed = tuple(name for name, _label in SECURITY_FACTORS)
    list_display = ("case", "country", "relative", "safe", "serious_harm_found", "completed_at", "expires_at")
    list_filter = ("country", "safe", "serious_harm_found")
    list_select_related = ("case", "relative__case")
    search_fields = ("case__reference",)
    add_fieldsets = (
        (None, {"fields": ("case", "country", "relative")}),
        (gettext_lazy("Factors assessed"), {"fields": tuple(f"{name}_text" for name, _label in SECURITY_FACTORS)}),
        (gettext_lazy("Conclusion"), {"fields": ("sources_text", "safe", "serious_harm_found", "completed_at")}),
    )
    fields = ("case", "country", "relative", "findings", "safe", "serious_harm_found", "completed_at", "completed_by",
              "expires_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[RiskSecurityAssessment]:
        return selectors.security_assessment_list(actor=actor)

    @admin.display(description=gettext_lazy("findings"))
    def findings(self, obj: RiskSecurityAssessment) -> str:
        rows = [(str(label), self.opened(obj, name)) for name, label in SECURITY_FACTORS]
        rows.append((_("Sources consulted"), self.opened(obj, "sources")))
        return format_html_join("", "<p><strong>{}</strong>: {}</p>", rows)


@admin.register(TracingRequest)
class TracingRequestAdmin(ServiceAdmin):
    add_form = TracingRequestAddForm
    record = services.tracing_request_open
    sealed = ("sought", "child_views", "results", "close_reason")
    list_display = ("case", "via", "counterpart", "country", "status", "sent_at", "result_at")
    list_filter = ("status", "via")
    list_select_related = ("case", "counterpart")
    search_fields = ("case__reference",)
    actions = ("record_found", "record_not_found", "close_request")
    add_fieldsets = (
        (None, {"fields": ("case", "via", "counterpart", "country", "relative", "sought_text", "sent_at")}),
        (
            gettext_lazy("The child's country of origin"),
            {
                "fields": ("child_views_text", "guardian_consent"),
                "description": gettext_lazy(
                    "Nothing goes to the authorities of the child's country of origin while protection is claimed or "
                    "contact could endanger the child or family; otherwise only with the child's views and the "
                    "guardian's consent."
                ),
            },
        ),
    )
    fields = (
        "case", "via", "counterpart", "country", "relative", "opened_sought", "opened_child_views",
        "guardian_consent", "guardian_consent_by", "status", "sent_at", "sent_by", "opened_results", "result_at", "result_recorded_by",
        "closed_at", "opened_close_reason", "closed_by",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[TracingRequest]:
        return selectors.tracing_request_list(actor=actor)

    @admin.display(description=gettext_lazy("who is sought, what is known"))
    def opened_sought(self, obj: TracingRequest) -> str:
        return self.opened(obj, "sought")

    @admin.display(description=gettext_lazy("the child's views on tracing"))
    def opened_child_views(self, obj: TracingRequest) -> str:
        return self.opened(obj, "child_views")

    @admin.display(description=gettext_lazy("results"))
    def opened_results(self, obj: TracingRequest) -> str:
        return self.opened(obj, "results")

    @admin.display(description=gettext_lazy("why it was closed"))
    def opened_close_reason(self, obj: TracingRequest) -> str:
        return self.opened(obj, "close_reason")

    def _results(self, request: HttpRequest, queryset: QuerySet[TracingRequest], *, found: bool) -> HttpResponse | None:
        actor = acting_user(request)

        def record(tracing: TracingRequest, data: dict[str, Any]) -> str:
            done = services.tracing_request_result(actor=actor, request=tracing, found=found, results=data["results"])
            return _("%(request)s: %(status)s.") % {"request": tracing, "status": done.get_status_display()}

        action = "record_found" if found else "record_not_found"
        return self.confirm_then(request, queryset.filter(status=TracingStatus.OPEN), action=action,
                                 title=_("Record the results"), form_class=ResultsForm, apply=record)  # fmt: skip

    @admin.action(description=gettext_lazy("Record the results: found"))
    def record_found(self, request: HttpRequest, queryset: QuerySet[TracingRequest]) -> HttpResponse | None:
        return self._results(request, queryset, found=True)

    @admin.action(description=gettext_lazy("Record the results: not found"))
    def record_not_found(self, request: HttpRequest, queryset: QuerySet[TracingRequest]) -> HttpResponse | None:
        return self._results(request, queryset, found=False)

    @admin.action(description=gettext_lazy("Close the request"))
    def close_request(self, request: HttpRequest, queryset: QuerySet[TracingRequest]) -> HttpResponse | None:
        actor = acting_user(request)

        def close(tracing: TracingRequest, data: dict[str, Any]) -> str:
            services.tracing_request_close(actor=actor, request=tracing, reason=data["reason"])
            return _("%(request)s closed.") % {"request": tracing}

        return self.confirm_then(request, queryset, action="close_request", title=_("Close the request"),
                                 form_class=ReasonForm, apply=close)  # fmt: skip


@admin.register(TracingConsent)
class TracingConsentAdmin(ServiceAdmin):
    add_form = TracingConsentAddForm
    record = services.tracing_consent_record
    sealed = ("words",)
    list_display = ("case", "country", "guardian", "document_date", "document_reference", "recorded_by",
                    "recorded_at")  # fmt: skip
    list_select_related = ("case", "guardian", "recorded_by")
    search_fields = ("case__reference", "document_reference")
    add_fieldsets = (
        (
            None,
            {
                "fields": ("case", "country", "guardian", "document_date", "document_reference", "words_text"),
                "description": gettext_lazy(
                    "Quote the consent the guardian signed; the guardian records their own consent themself."
                ),
            },
        ),
    )
    fields = ("case", "country", "guardian", "appointment", "opened_words", "document_date", "document_reference",
              "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[TracingConsent]:
        return selectors.tracing_consent_list(actor=actor)

    @admin.display(description=gettext_lazy("the guardian's words"))
    def opened_words(self, obj: TracingConsent) -> str:
        return self.opened(obj, "words")


@admin.register(TracingNotDone)
class TracingNotDoneAdmin(ServiceAdmin):
    add_form = TracingNotDoneAddForm
    record = services.tracing_not_done_record
    sealed = ("explanation", "withdraw_reason")
    list_display = ("case", "reason", "decided_at", "decided_by", "withdrawn_at")
    list_filter = ("reason", ("withdrawn_at", admin.EmptyFieldListFilter))
    list_select_related = ("case", "decided_by")
    search_fields = ("case__reference",)
    actions = ("withdraw",)
    add_fieldsets = ((None, {"fields": ("case", "reason", "explanation_text", "decided_at")}),)
    fields = ("case", "reason", "opened_explanation", "decided_at", "decided_by", "withdrawn_at", "withdrawn_by",
              "opened_withdraw_reason")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[TracingNotDone]:
        return selectors.tracing_not_done_list(actor=actor)

    @admin.display(description=gettext_lazy("explanation"))
    def opened_explanation(self, obj: TracingNotDone) -> str:
        return self.opened(obj, "explanation")

    @admin.display(description=gettext_lazy("why it was withdrawn"))
    def opened_withdraw_reason(self, obj: TracingNotDone) -> str:
        return self.opened(obj, "withdraw_reason")

    @admin.action(description=gettext_lazy("Withdraw the reason"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[TracingNotDone]) -> HttpResponse | None:
        actor = acting_user(request)

        def apply(record: TracingNotDone, data: dict[str, Any]) -> str:
            services.tracing_not_done_withdraw(actor=actor, record=record, reason=data["reason"])
            return _("%(record)s withdrawn.") % {"record": record}

        return self.confirm_then(request, queryset.filter(withdrawn_at__isnull=True), action="withdraw",
                                 title=_("Withdraw the reason"), form_class=ReasonForm, apply=apply)  # fmt: skip
