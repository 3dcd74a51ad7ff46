"""Admin conventions: nothing is deleted in bulk, access follows Haven's roles, and what
the services refuse is shown to the user rather than turned into an error page.

The service-admin kit every app's admin builds on:

- `ServiceAdmin`: the scoped admin base. Lists and pages show only what `scope(actor)`
  returns (a record outside it is a 404), records are added through one service call and
  never deleted, and sealed values are opened through the reading kit. Who opens it and who
  adds are the access policy's actions (`view_action`, `add_action`: guardians work on some
  screens for their wards); a record the service may correct names a `change_form`.
- `ServiceForm`: the add form that becomes one service call (`arguments()`), offering only
  the cases the actor works on; `ReasonForm` for actions that need a reason.
- `ConfirmThenActMixin.confirm_then`: an action that asks for a form's values on one page
  (`ACTION_TEMPLATE`), then calls a service for each selected record; with
  `refusal_on_form`, a refusal for a single record is shown on that page to be corrected.
- `acting_user`, `became` (the admin's instance takes the written record's values), and the
  form fields `text_field`, `date_field`, `when_field` and `agency_field`.
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Agency, User
from apps.accounts.selectors import membership_list_for_user, user_is_operator
from apps.cases.access import Action, cases_for, roles_for
from apps.cases.models import Case
from apps.cases.reading import ReadLoggedAdmin, current_reader, sealed_text_for
from apps.core.errors import StaleRecord, TransitionNotAllowed
from apps.core.rules import RuleViolation

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# Records of children are never deleted in bulk from a list page.
admin.site.disable_action("delete_selected")
admin.site.site_header = "Haven"
admin.site.site_title = "Haven"


def staff_roles(request: HttpRequest) -> frozenset[str]:
    """Every role the signed-in staff user holds in any agency now; read once per request,
    whichever admin asks (the sidebar asks each of them)."""
    cached: frozenset[str] | None = getattr(request, "_haven_staff_roles", None)
    if cached is None:
        user = request.user
        cached = frozenset()
        if isinstance(user, User) and user.is_active and user.is_staff:
            cached = frozenset(membership_list_for_user(user=user).values_list("role", flat=True))
        setattr(request, "_haven_staff_roles", cached)  # noqa: B010 - HttpRequest declares no such attribute
    return cached


class OperatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """For installation records: operators (and the superuser who installed Haven) only."""

    def _is_operator(self, request: HttpRequest) -> bool:
        # Asked by every operator admin for the sidebar and each permission: read once per request.
        cached: bool | None = getattr(request, "_haven_is_operator", None)
        if cached is None:
            user = request.user
            cached = bool(
                user.is_authenticated and user.is_active and (user.is_superuser or user_is_operator(user=user))
            )
            setattr(request, "_haven_is_operator", cached)  # noqa: B010 - HttpRequest declares no such attribute
        return cached

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_operator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_operator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_operator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_operator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Refusals -----------------------------------------------------------------------------
# What the services refuse with. On a form save a refusal becomes the form's errors; in an
# action it becomes one error message per refusal, naming the record.
FORM_REFUSALS = (RuleViolation, ValidationError)
ACTION_REFUSALS = (RuleViolation, ValidationError, StaleRecord, TransitionNotAllowed, PermissionDenied)
_REFUSAL = "_haven_refusal"
_SAVING = "_haven_saving"


def refusal_messages(refusal: Exception) -> list[str]:
    """Every message a refusal carries: each violation of a RuleViolation, each error of a ValidationError."""
    if isinstance(refusal, RuleViolation):
        # The rule's code goes with its words: it is what the user quotes and the tests name.
        return [f"{v.message} ({v.code})" for v in refusal.violations]
    if isinstance(refusal, ValidationError):
        return [str(m) for m in refusal.messages]
    return [str(refusal) or _("You may not do this.")]


def _refusal_errors(refusal: Exception) -> Iterable[tuple[str | None, str]]:
    if isinstance(refusal, ValidationError) and hasattr(refusal, "error_dict"):
        for name, errors in refusal.message_dict.items():
            for message in errors:
                yield (None if name == NON_FIELD_ERRORS else name), message
        return
    for message in refusal_messages(refusal):
        yield None, message


def _with_refusal(form_class: type[forms.ModelForm], refusal: Exception) -> type[forms.ModelForm]:  # type: ignore[type-arg]
    """The same form, invalid with the refusal's messages (on their fields where they name one)."""

    class Refused(form_class):  # type: ignore[valid-type,misc]
        def clean(self) -> dict[str, Any]:
            cleaned: dict[str, Any] = super().clean()
            for name, message in _refusal_errors(refusal):
                if name is None or name in self.fields:
                    self.add_error(name, message)
                else:
                    self.add_error(None, f"{name}: {message}")
            return cleaned

    return Refused


class ServiceRefusalsMixin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shows what the services refuse: form errors on a save, error messages in actions.

    `save_model` calls a service; a RuleViolation (every violation), ValidationError or
    PermissionDenied it raises rolls the save back and the form is shown again with the
    messages as errors. (A PermissionDenied raised before the save, by the admin's own
    permission checks, stays a 403.) A StaleRecord sends the user back to the record as
    it is now, with the message. Actions call `message_refusal` for each record a
    service refused. A subclass overriding `save_form` calls this one.
    """

    def message_refusal(self, request: HttpRequest, refusal: Exception, *, about: str = "") -> None:
        for message in refusal_messages(refusal):
            self.message_user(request, f"{about}: {message}" if about else message, messages.ERROR)

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        # The form is valid and the services are about to write: a refusal from here on is theirs.
        setattr(request, _SAVING, True)
        return super().save_form(request, form, change)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleRecord as stale:
            # The form was built on an older version: nothing was written; show the record as it is now.
            self.message_refusal(request, stale)
            return HttpResponseRedirect(request.get_full_path())
        except (*FORM_REFUSALS, PermissionDenied) as refusal:
            if isinstance(refusal, PermissionDenied) and not getattr(request, _SAVING, False):
                raise  # the admin's own permission check: a 403, not a form error
            # The save was rolled back; build the same form again, invalid with the refusal's messages.
            setattr(request, _SAVING, False)
            setattr(request, _REFUSAL, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal: Exception | None = getattr(request, _REFUSAL, None)
        return form if refusal is None else _with_refusal(form, refusal)


# --- The service-admin kit ----------------------------------------------------------------
# The one page an action asks its values on, whichever app's admin it belongs to.
ACTION_TEMPLATE = "admin/action_form.html"

Label: TypeAlias = "str | _StrPromise"
LEAVE_EMPTY = gettext_lazy("Leave empty for now.")


def acting_user(request: HttpRequest) -> User:
    """The signed-in user the services act as. Anyone else gets a 404, as for a record out of
    scope: the admin's own permission checks have already turned them away before this."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def when_field(label: Label, help_text: Label = LEAVE_EMPTY) -> forms.SplitDateTimeField:
    """An optional date and time, in the admin's date and time widgets; the service says what empty means."""
    return forms.SplitDateTimeField(label=label, required=False, widget=widgets.AdminSplitDateTime, help_text=help_text)


def text_field(label: Label, *, required: bool = False, help_text: Label = "", rows: int = 3) -> forms.CharField:
    """A few lines of free text, optional unless `required`; the service seals it where it holds a child's details."""
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text
    )


def date_field(label: Label, *, required: bool = True, help_text: Label = "") -> forms.DateField:
    """A date, in the admin's date widget."""
    return forms.DateField(label=label, required=required, widget=widgets.AdminDateWidget, help_text=help_text)


def agency_field(label: Label, *, kinds: tuple[str, ...] = ()) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    """An optional choice among the active agencies, of the given kinds if any are named."""
    agencies = Agency.objects.filter(is_active=True)
    if kinds:
        agencies = agencies.filter(kind__in=kinds)
    return forms.ModelChoiceField(label=label, queryset=agencies, required=False)


class ServiceForm(forms.ModelForm):  # type: ignore[type-arg]
    """The arguments of one service call, handed over by `arguments()`. The service validates
    them and writes, so the model's own validation of a half-built instance is skipped here."""

    actor: User | None = None  # set per request by ServiceAdmin.get_form
    cases: "QuerySet[Case] | None" = None  # the cases the actor may pick, set with the actor

    case = forms.ModelChoiceField(label=gettext_lazy("Case"), queryset=Case.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.cases is not None and "case" in self.fields:  # a form not about one case sets `case = None`
            self._cases(self.fields["case"]).queryset = self.cases

    @staticmethod
    def _cases(field: forms.Field) -> "forms.ModelChoiceField[Case]":
        return cast("forms.ModelChoiceField[Case]", field)

    def choices(self, name: str) -> "forms.ModelChoiceField[Any]":
        """The form's choice field `name`, to narrow what it offers to what the actor may pick."""
        return cast("forms.ModelChoiceField[Any]", self.fields[name])

    def arguments(self) -> dict[str, Any]:
        """The service's keyword arguments (besides the actor), from the cleaned data."""
        raise NotImplementedError

    def _post_clean(self) -> None:
        pass


class ReasonForm(forms.Form):
    """The one value an action that needs a reason asks for."""

    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


def refused_on(form: forms.Form, refusal: Exception) -> None:
    """A service's refusal as the form's errors: on the field it names, else on the form (with the rule's code)."""
    for name, message in _refusal_errors(refusal):
        form.add_error(name if name in form.fields else None, message)


class ConfirmThenActMixin(ServiceRefusalsMixin):
    """Actions that ask for values first, then call a service for each selected record."""

    action_template: ClassVar[str] = ACTION_TEMPLATE
    # For one selected record, what the service refuses (a reason to give, a supervisor needed)
    # is shown on the form again, to be corrected; otherwise, and for several, one message each.
    refusal_on_form: ClassVar[bool] = False

    def confirm_then(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        *,
        action: str,
        title: str,
        form_class: type[forms.Form],
        apply: Callable[[Any, dict[str, Any]], str],
    ) -> HttpResponse | None:
        """Ask for the form's values, then apply them to each selected record through a service.

        `apply(record, cleaned_data)` calls the service and returns the success message; what a
        service refuses becomes an error message naming the record, and the others go ahead.
        """
        records = list(queryset)
        form = form_class(request.POST if request.POST.get("confirm") else None)

        def ask() -> HttpResponse:
            context = {
                **self.admin_site.each_context(request),
                "title": title,
                "subtitle": None,
                "opts": self.opts,
                "action": action,
                "records": records,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media + form.media,
            }
            return TemplateResponse(request, self.action_template, context)

        if not form.is_valid():
            return ask()
        for record in records:
            try:
                done = apply(record, form.cleaned_data)
            except ACTION_REFUSALS as refusal:
                if self.refusal_on_form and len(records) == 1 and not isinstance(refusal, PermissionDenied):
                    refused_on(form, refusal)
                    return ask()
                self.message_refusal(request, refusal, about=str(record))
            else:
                self.message_user(request, done, messages.SUCCESS)
        return None


def became(obj: models.Model, created: models.Model) -> None:
    """The admin's unsaved instance takes the values of the record the service created."""
    for field in created._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False


class ServiceAdmin(ConfirmThenActMixin, ReadLoggedAdmin):
    """Scoped by case visibility; added through a service; never changed in place or deleted.

    A subclass names its `scope(actor)` (a selector), its `add_form` (a ServiceForm) and
    `add_fieldsets`, the service that `record`s what the add form holds, and the `sealed`
    columns its page opens with `opened(obj, column)` (of the record's `case_of(obj)`). Who
    may open it (`may_work`, `view_action`), who may add (`may_add`, `add_action`) and the
    cases the add form offers (`case_choices`, for `add_action`) are the access policy's
    answers (apps/cases/access.py); superuser status and model permissions add nothing.

    A record the service may correct says so in `has_change_permission(request, obj)`; its
    page then shows `change_form` (the add form when None) with the add fieldsets, and
    `save_model` calls `record` again, or the subclass's own service.
    """

    # What the signed-in user's roles must allow on some case to open the screens, and to add.
    view_action: ClassVar[Action] = Action.READ
    add_action: ClassVar[Action] = Action.WORK
    add_form: ClassVar[type[ServiceForm]]
    change_form: ClassVar[type[ServiceForm] | None] = None
    add_fieldsets: ClassVar[Any]
    # The service that records what the add form holds.
    record: ClassVar[Callable[..., models.Model]]
    # Sealed columns the record's page opens (a read of the child's record, logged).
    sealed: ClassVar[tuple[str, ...]] = ()
    show_full_result_count = False

    def scope(self, actor: User) -> QuerySet[Any]:
        # Each admin narrows this to what the actor may see; the base shows nothing.
        nothing: QuerySet[Any] = self.model._default_manager.none()
        return nothing

    def may_work(self, request: HttpRequest) -> bool:
        """Whether the signed-in staff user holds, now, a role that can do `view_action` on some case."""
        return bool(roles_for(self.view_action, staff_roles(request)))

    def may_add(self, request: HttpRequest) -> bool:
        """Whether the signed-in staff user holds, now, a role that can do `add_action` on some case."""
        return bool(roles_for(self.add_action, staff_roles(request)))

    def case_choices(self, actor: User) -> QuerySet[Case]:
        """The cases the add form offers: those the actor may do `add_action` on now."""
        return cases_for(actor, self.add_action).order_by("reference")

    def case_of(self, obj: Any) -> Case:
        """The case a record belongs to, whose read its page is."""
        return cast("Case", obj.case)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.may_work(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_work(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.may_add(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # records are facts; what follows them is an action through a service

    def _editing(self, request: HttpRequest, obj: Any) -> bool:
        """Whether the page shows the service's form: adding, or correcting a record the service may change."""
        return obj is None or self.has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scope(acting_user(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404  # out of scope answers like a record that does not exist
        return found

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if self._editing(request, obj) else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if self._editing(request, obj) else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if self._editing(request, obj):
            actor = acting_user(request)
            form = self.add_form if obj is None or self.change_form is None else self.change_form
            kwargs["form"] = type(form.__name__, (form,), {"actor": actor, "cases": self.case_choices(actor)})
            # The add form declares its own fields, some named like the sealed column they fill:
            # a model form may not list those (non-editable), so none is listed.
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        created = type(self).record(actor=acting_user(request), **form.arguments())
        became(obj, created)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing besides the service writes."""

    def render_change_form(  # noqa: PLR0917 - Django's signature
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None and self.sealed:
            current_reader().note(self.case_of(obj))  # the page is a read of the case, a value opened or not
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def opened(self, obj: Any, column: str, *, case: Case | None = None) -> str:
        """A sealed value of the record (of `case`, or its own), opened for the page's reader (the read logged)."""
        reader = current_reader()
        of_case = self.case_of(obj) if case is None else case
        value = sealed_text_for(actor=reader.actor, channel=reader.channel, record=obj, column=column, case=of_case)
        return _("Anonymised") if value is None else value
