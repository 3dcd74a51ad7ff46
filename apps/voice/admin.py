"""The child's voice in the admin: the same scope and the same services as every other channel.

Who may open it: staff users who hold an active caseworker, supervisor or guardian
membership; superuser status and model permissions add nothing. Guardians work here for
their wards. Lists are scoped by the case visibility condition and a record outside it is a
404. Records are added through the services (`interpreter_register`,
`interpreter_declaration_record`, `communication_profile_set`, `information_session_record`,
`child_views_record`); an interpreter and a communication profile are changed through theirs
(`interpreter_update`, `communication_profile_set`); sessions and views are facts, never
edited in place (a new record of the child's views supersedes); nothing is deleted. What a
service refuses — a leaflet offered as a session included — is shown on the form. The forms
are in apps/voice/forms.py.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.cases.access import Action, cases_for
from apps.core.admin import ReasonForm, ServiceAdmin, acting_user, became
from apps.voice import selectors, services
from apps.voice.forms import (
    HEARD_FIELDS,
    DeclarationAddForm,
    InterpreterForm,
    ProfileForm,
    SessionAddForm,
    ViewsAddForm,
)
from apps.voice.models import ChildViews, CommunicationProfile, InformationSession, Interpreter, InterpreterDeclaration


class VoiceAdmin(ServiceAdmin):
    """The kit's admin, opened by the case's staff and by guardians for their wards."""

    add_action = Action.WORK_OR_GUARD


@admin.register(Interpreter)
class InterpreterAdmin(VoiceAdmin):
    view_action = Action.WORK_OR_GUARD  # the roster is no case's record: not for partners
    add_form = InterpreterForm
    list_display = ("name", "languages", "dialects", "gender", "freelance", "agency_name", "roster_agency", "active")
    list_filter = ("gender", "freelance", "active")
    list_select_related = ("roster_agency",)
    search_fields = ("name",)
    add_fieldsets = (
        (None, {"fields": ("roster_agency", "name", "languages", "dialects", "gender")}),
        (gettext_lazy("Works for"), {"fields": ("freelance", "agency_name")}),
    )
    fields = ("roster_agency", "name", "languages", "dialects", "gender", "freelance", "agency_name", "active",
              "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[Interpreter]:
        return selectors.interpreter_list(actor=actor)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """The keepers of the interpreter's roster correct it; others only see it."""
        if obj is None:
            return False
        return services.roster_agencies(actor=acting_user(request)).filter(pk=obj.roster_agency_id).exists()

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self.has_change_permission(request, obj):
            return (*fieldsets, (gettext_lazy("Roster"), {"fields": ("active",)}))
        return fieldsets

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = acting_user(request)
        if change:
            done = services.interpreter_update(actor=actor, interpreter=obj, active=form.cleaned_data["active"],
                                               **form.arguments())  # fmt: skip
        else:
            done = services.interpreter_register(actor=actor, agency=form.cleaned_data["roster_agency"],
                                                 **form.arguments())  # fmt: skip
        became(obj, done)


@admin.register(InterpreterDeclaration)
class InterpreterDeclarationAdmin(VoiceAdmin):
    add_form = DeclarationAddForm
    record = services.interpreter_declaration_record
    sealed = ("withdrawn_reason",)
    list_display = ("interpreter", "case", "declared_on", "withdrawn_at")
    list_filter = (("withdrawn_at", admin.EmptyFieldListFilter),)
    list_select_related = ("interpreter", "case")
    search_fields = ("case__reference", "interpreter__name")
    actions = ("withdraw",)
    add_fieldsets = (
        (
            None,
            {
                "fields": ("case", "interpreter", "declared_on"),
                "description": gettext_lazy(
                    "The interpreter declares that they have no link to the suspects of this case. Without it they "
                    "cannot interpret at the case's sessions or when the child is heard."
                ),
            },
        ),
    )
    fields = ("interpreter", "case", "declared_on", "withdrawn_at", "opened_withdrawn_reason", "recorded_by",
              "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[InterpreterDeclaration]:
        return selectors.declaration_list(actor=actor)

    @admin.display(description=gettext_lazy("why withdrawn"))
    def opened_withdrawn_reason(self, obj: InterpreterDeclaration) -> str:
        return "" if obj.withdrawn_reason is None else self.opened(obj, "withdrawn_reason")

    @admin.action(description=gettext_lazy("Withdraw the declaration (a link to the suspects came to light)"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[InterpreterDeclaration]) -> HttpResponse | None:
        actor = acting_user(request)

        def withdraw(record: InterpreterDeclaration, data: dict[str, Any]) -> str:
            services.interpreter_declaration_withdraw(actor=actor, declaration=record, reason=data["reason"])
            return _("%(record)s withdrawn.") % {"record": record}

        return self.confirm_then(request, queryset.filter(withdrawn_at__isnull=True), action="withdraw",
                                 title=_("Withdraw declarations"), form_class=ReasonForm, apply=withdraw)  # fmt: skip


@admin.register(CommunicationProfile)
class CommunicationProfileAdmin(VoiceAdmin):
    add_form = ProfileForm
    record = services.communication_profile_set
    sealed = ("communication_support",)
    list_display = ("case", "preferred_language", "preferred_dialect", "preferred_interviewer_gender",
                    "needs_communication_support", "updated_at")  # fmt: skip
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    add_fieldsets = (
        (None, {"fields": ("case", "preferred_language", "preferred_dialect", "preferred_interviewer_gender")}),
        (gettext_lazy("Support to communicate"),
         {"fields": ("needs_communication_support", "communication_support_text")}),
    )  # fmt: skip
    fields = ("case", "preferred_language", "preferred_dialect", "preferred_interviewer_gender",
              "needs_communication_support", "opened_support", "updated_by", "updated_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[CommunicationProfile]:
        return selectors.communication_profile_list(actor=actor)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return False
        return cases_for(acting_user(request), self.add_action).filter(pk=obj.case_id).exists()

    @admin.display(description=gettext_lazy("communication support needed"))
    def opened_support(self, obj: CommunicationProfile) -> str:
        return self.opened(obj, "communication_support")


@admin.register(InformationSession)
class InformationSessionAdmin(VoiceAdmin):
    add_form = SessionAddForm
    record = services.information_session_record
    sealed = ("understanding", "gender_reason")
    list_display = ("case", "held_at", "format", "language", "interpreter", "held_by")
    list_filter = ("format",)
    list_select_related = ("case", "interpreter", "held_by")
    search_fields = ("case__reference",)
    add_fieldsets = (
        (None, {"fields": ("case", "held_at", "topics", "format", "materials")}),
        (gettext_lazy("Language"), {"fields": ("language", "dialect", "interpreter")}),
        (gettext_lazy("Understanding"), {"fields": ("understanding_text",)}),
        (gettext_lazy("Who held it"), {"fields": ("held_by_gender", "gender_reason_text")}),
    )
    fields = ("case", "held_at", "topics", "format", "materials", "language", "dialect", "interpreter", "held_by",
              "held_by_gender", "opened_gender_reason", "opened_understanding", "recorded_by",
              "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[InformationSession]:
        return selectors.information_session_list(actor=actor)

    @admin.display(description=gettext_lazy("how the child showed they understood"))
    def opened_understanding(self, obj: InformationSession) -> str:
        return self.opened(obj, "understanding")

    @admin.display(description=gettext_lazy("why not the gender the child prefers"))
    def opened_gender_reason(self, obj: InformationSession) -> str:
        return "" if obj.gender_reason is None else self.opened(obj, "gender_reason")


@admin.register(ChildViews)
class ChildViewsAdmin(VoiceAdmin):
    add_form = ViewsAddForm
    record = services.child_views_record
    sealed = ("views", "gender_reason", "method_tried")
    list_display = ("case", "decision", "subject", "heard", "objects", "recorded_at", "recorded_by")
    list_filter = ("decision", "heard")
    list_select_related = ("case", "recorded_by")
    search_fields = ("case__reference",)
    add_fieldsets = (
        (None, {"fields": ("case", "decision", "subject", "heard")}),
        (gettext_lazy("Heard"), {"fields": HEARD_FIELDS}),
        (gettext_lazy("Not heard"), {"fields": ("not_heard_reasons", "method_tried_text")}),
    )
    fields = ("case", "decision", "subject", "heard", "opened_views", "how_expressed", "language", "interpreter",
              "heard_by_gender", "opened_gender_reason", "objects", "not_heard_reasons", "opened_method_tried",
              "recorded_by", "recorded_at")  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[ChildViews]:
        return selectors.child_views_list(actor=actor)

    @admin.display(description=gettext_lazy("the child's views"))
    def opened_views(self, obj: ChildViews) -> str:
        return "" if obj.views is None else self.opened(obj, "views")

    @admin.display(description=gettext_lazy("the method that was tried"))
    def opened_method_tried(self, obj: ChildViews) -> str:
        return "" if obj.method_tried is None else self.opened(obj, "method_tried")

    @admin.display(description=gettext_lazy("why not the gender the child prefers"))
    def opened_gender_reason(self, obj: ChildViews) -> str:
        return "" if obj.gender_reason is None else self.opened(obj, "gender_reason")
