"""Admin conventions: nothing is deleted in bulk, access follows Haven's roles, and what
the services refuse is shown to the user rather than turned into an error page."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.selectors import membership_list_for_user, user_is_operator
from apps.core.errors import StaleRecord, TransitionNotAllowed
from apps.core.rules import RuleViolation

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
