"""Guardians in the admin (R1): the same scope and the same services as every other channel.

- Guardian profiles (training and criminal-record check) are kept by the supervisors of the
  guardian's own guardianship authority, through `guardian_profile_record`.
- Appointments are listed for the cases the user may see (`case_visibility`) and for the
  user's own appointments as guardian. A supervisor appoints through `guardian_appoint`,
  hands over through `guardian_handover` and ends an appointment without a successor through
  `guardian_appointment_end` (both admin actions with a page of their own). What the rules
  refuse (`GUARDIAN_NOT_ELIGIBLE`, every violation at once; `GUARDIAN_HANDOVER_GAP`) is shown
  on the form and nothing is written. An appointment is never edited or deleted.
- Opinions are recorded by the child's active guardian through `guardian_opinion_record`;
  their sealed text is opened only for those who see the case, and never edited afterwards.
- Requests for a guardian (referrals to the guardianship authority, apps/guardianship/requests.py):
  the case's staff ask and follow them next to R1's deadlines; the authority's supervisor
  proposes one of its guardians (caseload, languages, eligibility) and appoints.

Superuser status and model permissions add nothing; staff status only opens the site.
"""

from datetime import datetime
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import AgencyKind, Membership, Role, User
from apps.cases.access import Action, roles_for
from apps.cases.models import Case, CaseState
from apps.cases.reading import ReadLoggedAdmin, current_reader, visible_records
from apps.cases.selectors import case_list, case_visibility
from apps.core.admin import (
    ACTION_REFUSALS,
    ServiceAdmin,
    ServiceRefusalsMixin,
    acting_user,
    refusal_messages,
    staff_roles,
)
from apps.guardianship import requests, services
from apps.guardianship.forms import GuardianRequestAppointForm, GuardianRequestForm
from apps.guardianship.models import (
    AppointmentKind,
    GuardianAppointment,
    GuardianOpinion,
    GuardianProfile,
    GuardianRequest,
)
from apps.guardianship.selectors import active_appointment, active_appointments, suspended_appointments


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _roles(request: HttpRequest) -> set[str]:
    """The roles the staff user holds in any agency now; read once per request."""
    return set(staff_roles(request))


def _supervised_authorities(actor: User) -> QuerySet[Membership, Any]:
    """The guardianship authorities the actor supervises now (agency ids)."""
    return (
        Membership.objects.active()
        .filter(user=actor, role=Role.SUPERVISOR, agency__kind=AgencyKind.GUARDIANSHIP_AUTHORITY)
        .values("agency_id")
    )


def guardian_candidates() -> QuerySet[User]:
    """Active users who hold a guardian membership now; the services decide whether they are eligible."""
    guardians = Membership.objects.active().filter(role=Role.GUARDIAN).values("user_id")
    return User.objects.filter(is_active=True, pk__in=guardians).order_by("full_name", "email")


class GuardianChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} <{obj.email}>" if obj.full_name else obj.email


def _visible_cases(actor: User) -> QuerySet[Case]:
    return Case.objects.filter(case_visibility(actor=actor))


# --- Guardian profiles --------------------------------------------------------------------
PROFILE_FIELDS = ("trained_on", "training", "record_checked_on", "record_check_valid_until", "languages")


class GuardianProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = GuardianProfile
        fields = PROFILE_FIELDS


class GuardianProfileAddForm(GuardianProfileForm):
    actor: User | None = None  # set by GuardianProfileAdmin.get_form for the request

    guardian = GuardianChoiceField(
        label=gettext_lazy("Guardian"),
        queryset=User.objects.none(),
        help_text=gettext_lazy("Guardians of an authority you supervise who have no profile yet."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            field = cast("GuardianChoiceField", self.fields["guardian"])
            theirs = Membership.objects.active().filter(
                role=Role.GUARDIAN, agency_id__in=_supervised_authorities(self.actor)
            )
            field.queryset = (
                User.objects.filter(is_active=True, pk__in=theirs.values("user_id"))
                .exclude(Exists(GuardianProfile.objects.filter(user=OuterRef("pk"))))
                .order_by("full_name", "email")
            )


@admin.register(GuardianProfile)
class GuardianProfileAdmin(ServiceRefusalsMixin):
    """What makes a guardian eligible, kept by the supervisors of their own authority."""

    list_display = ("user", "trained_on", "record_checked_on", "record_check_valid_until", "record_check_in_date")
    list_select_related = ("user",)
    search_fields = ("user__full_name", "user__email")
    form = GuardianProfileForm

    def _supervises_an_authority(self, request: HttpRequest) -> bool:
        if Role.SUPERVISOR not in _roles(request):
            return False
        return _supervised_authorities(_actor(request)).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._supervises_an_authority(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._supervises_an_authority(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._supervises_an_authority(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._supervises_an_authority(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[GuardianProfile]:
        theirs = Membership.objects.active().filter(
            role=Role.GUARDIAN, agency_id__in=_supervised_authorities(_actor(request))
        )
        return super().get_queryset(request).filter(user_id__in=theirs.values("user_id"))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        profile = super().get_object(request, object_id, from_field)
        if profile is None:
            raise Http404
        return profile

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("guardian", *PROFILE_FIELDS) if obj is None else ("user", *PROFILE_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else ("user",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = type("GuardianProfileAddForm", (GuardianProfileAddForm,), {"actor": _actor(request)})
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(boolean=True, description=gettext_lazy("record check in date"))
    def record_check_in_date(self, obj: GuardianProfile) -> bool:
        until = obj.record_check_valid_until
        return until is not None and until >= timezone.localdate()

    def save_model(self, request: HttpRequest, obj: GuardianProfile, form: Any, change: bool) -> None:
        data = form.cleaned_data
        guardian = obj.user if change else data["guardian"]
        profile = services.guardian_profile_record(
            actor=_actor(request), guardian=guardian, **{name: data[name] for name in PROFILE_FIELDS}
        )
        obj.pk, obj.user = profile.pk, guardian

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing besides the service writes."""


# --- Appointments -------------------------------------------------------------------------
class HandoverForm(forms.Form):
    """Who takes over, when, and why; the new appointment must start no later than the old ends."""

    new_guardian = GuardianChoiceField(label=gettext_lazy("New guardian"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("As"), choices=AppointmentKind.choices)
    ends_at = forms.SplitDateTimeField(
        label=gettext_lazy("The current appointment ends"),
        required=False,
        widget=widgets.AdminSplitDateTime,
        help_text=gettext_lazy("Leave empty for now."),
    )
    new_starts_at = forms.SplitDateTimeField(
        label=gettext_lazy("The new appointment starts"),
        required=False,
        widget=widgets.AdminSplitDateTime,
        help_text=gettext_lazy(
            "Leave empty to start when the current one ends. A later start would leave the child without a "
            "guardian and is refused."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Recorded as the reason the current appointment ends."),
    )
    moves_child_to = forms.CharField(
        label=gettext_lazy("The child moves to (country)"),
        max_length=2,
        required=False,
        help_text=gettext_lazy(
            "The two-letter country code when the child moves abroad with this handover; the move must be the one "
            "a decided durable solution allows. Leave empty when the child stays where they live."
        ),
    )

    def __init__(self, *args: Any, appointment: GuardianAppointment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.appointment = appointment
        self.fields["kind"].initial = appointment.kind
        field = cast("GuardianChoiceField", self.fields["new_guardian"])
        field.queryset = guardian_candidates()

    def clean_ends_at(self) -> datetime | None:
        ends: datetime | None = self.cleaned_data["ends_at"]
        if ends is not None and ends < self.appointment.starts_at:
            raise ValidationError(_("The current appointment cannot end before it started."))
        return ends

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        new_guardian = cleaned.get("new_guardian")
        same_person = new_guardian is not None and new_guardian.pk == self.appointment.guardian_id
        if same_person and cleaned.get("kind") == self.appointment.kind:
            self.add_error("new_guardian", _("This person already holds this appointment."))
        return cleaned


class EndAppointmentForm(forms.Form):
    # Not required here: `guardian_appointment_end` refuses an end without a reason, and says so.
    reason = forms.CharField(
        label=gettext_lazy("Why the appointment ends"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Recorded with the appointment. Until someone new is appointed, the case needs one."),
    )


class AppointmentAddForm(forms.ModelForm):  # type: ignore[type-arg]
    """The appointment's reasons are typed here and sealed by `guardian_appoint`."""

    over_cap_reason = forms.CharField(
        label=gettext_lazy("Why the caseload cap is exceeded"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Only to exceed the guardian's caseload cap: say why this guardian all the same."),
    )
    alongside_reason = forms.CharField(
        label=gettext_lazy("Why two act at once"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Only when the child already has one of this kind and both are to act at once: say why. "
            "To replace one, hand it over instead."
        ),
    )

    class Meta:
        model = GuardianAppointment
        fields = ("case", "guardian", "kind")


class _AppointmentStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", _("Active now")), ("suspended", _("Suspended: the guardian may not act")),
                ("ended", _("Ended"))]  # fmt: skip

    def queryset(self, request: HttpRequest, queryset: QuerySet[GuardianAppointment]) -> QuerySet[GuardianAppointment]:
        now = timezone.now()
        # The one definition of "active" (its guardian still may act as one); an appointment
        # whose guardian may not is suspended, neither active nor ended.
        if self.value() == "active":
            return queryset.filter(pk__in=active_appointments(at=now).values("pk"))
        if self.value() == "suspended":
            return queryset.filter(pk__in=suspended_appointments(at=now).values("pk"))
        if self.value() == "ended":
            return queryset.filter(ends_at__lte=now)
        return queryset


@admin.register(GuardianAppointment)
class GuardianAppointmentAdmin(ServiceRefusalsMixin, ReadLoggedAdmin):
    """Representatives and guardians appointed to a child's case; never edited, never deleted."""

    list_display = ("case", "guardian", "kind", "starts_at", "ends_at", "is_active_now", "appointed_by")
    list_select_related = ("case", "guardian", "appointed_by")
    list_filter = (_AppointmentStatusFilter, "kind")
    search_fields = ("case__reference",)
    show_full_result_count = False
    actions = ("hand_over", "end_without_successor")
    handover_template = "admin/guardianship/guardianappointment/handover.html"
    end_template = "admin/guardianship/guardianappointment/end_confirmation.html"

    add_fields = ("case", "guardian", "kind", "over_cap_reason", "alongside_reason")
    view_fields = (
        "case",
        "guardian",
        "kind",
        ("starts_at", "ends_at"),
        "opened_end_reason",
        "opened_over_cap_reason",
        "opened_alongside_reason",
        "appointed_by",
        "hands_over_from",
        "handed_over_to",
        "created_at",
    )
    readonly_fields = (
        "opened_end_reason", "opened_over_cap_reason", "opened_alongside_reason", "hands_over_from", "handed_over_to",
    )  # fmt: skip

    # Access: roles, never superuser status or model permissions.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(roles_for(Action.READ, _roles(request)))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(roles_for(Action.READ, _roles(request)))

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The service decides for each case: a supervisor of its agency or of a guardianship authority.
        return Role.SUPERVISOR in _roles(request)

    def has_appoint_permission(self, request: HttpRequest) -> bool:
        return Role.SUPERVISOR in _roles(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[GuardianAppointment]:
        actor = _actor(request)
        # Through the case's visibility only: a former guardian no longer sees her ended appointment.
        queryset: QuerySet[GuardianAppointment] = visible_records(super().get_queryset(request), actor=actor)
        queryset = queryset.select_related("case", "guardian", "appointed_by")
        # The "active" column reads the one definition of an active appointment.
        active = active_appointments(at=timezone.now()).filter(pk=OuterRef("pk"))
        return queryset.annotate(active_now=Exists(active))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        appointment = super().get_object(request, object_id, from_field)
        if appointment is None:
            raise Http404
        return appointment

    # Forms
    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fields if obj is None else self.view_fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "case":
            kwargs["queryset"] = case_list(actor=_actor(request)).exclude(state=CaseState.CLOSED).order_by("reference")
            kwargs["help_text"] = _("Cases you may see.")
        elif db_field.name == "guardian":
            kwargs["queryset"] = guardian_candidates()
            kwargs["form_class"] = GuardianChoiceField
            kwargs["help_text"] = _(
                "Trained, independent of the case, with a criminal-record check in date and under the caseload cap."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = AppointmentAddForm
            # The form declares the reasons, named like the sealed columns they fill: a model
            # form may not list those (non-editable), so only its own Meta fields are listed.
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def render_change_form(  # noqa: PLR0917 - Django's signature
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: GuardianAppointment | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None:
            current_reader().note(obj.case)  # the page is a read of the case, a reason opened or not
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def save_model(self, request: HttpRequest, obj: GuardianAppointment, form: Any, change: bool) -> None:
        if change:
            raise PermissionDenied(_("An appointment is not edited: hand it over or end it."))
        data = form.cleaned_data
        appointment = services.guardian_appoint(
            actor=_actor(request),
            case=data["case"],
            guardian=data["guardian"],
            kind=data["kind"],
            over_cap_reason=data.get("over_cap_reason") or "",
            alongside_reason=data.get("alongside_reason") or "",
        )
        obj.pk, obj.starts_at, obj.appointed_by = appointment.pk, appointment.starts_at, appointment.appointed_by

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing besides the service writes."""

    # Columns
    @admin.display(boolean=True, description=gettext_lazy("active"))
    def is_active_now(self, obj: GuardianAppointment) -> bool:
        # Annotated in get_queryset from the one definition of an active appointment.
        return bool(getattr(obj, "active_now", False))

    def _opened(self, obj: GuardianAppointment, column: str) -> str:
        # Only reached for an appointment on a case the user may see (get_queryset); a logged read.
        text = current_reader().text(obj, column, case=obj.case)
        return _("Anonymised") if text is None else (text or "—")

    @admin.display(description=gettext_lazy("why it ended"))
    def opened_end_reason(self, obj: GuardianAppointment) -> str:
        return self._opened(obj, "end_reason")

    @admin.display(description=gettext_lazy("why the caseload cap was exceeded"))
    def opened_over_cap_reason(self, obj: GuardianAppointment) -> str:
        return self._opened(obj, "over_cap_reason")

    @admin.display(description=gettext_lazy("why two act at once"))
    def opened_alongside_reason(self, obj: GuardianAppointment) -> str:
        return self._opened(obj, "alongside_reason")

    @staticmethod
    def _describe(appointment: GuardianAppointment) -> str:
        def when(moment: datetime) -> str:
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

        ends = when(appointment.ends_at) if appointment.ends_at else _("open")
        starts = when(appointment.starts_at)
        return f"{appointment.guardian} — {appointment.get_kind_display()} ({starts} → {ends})"

    @admin.display(description=gettext_lazy("hands over from"))
    def hands_over_from(self, obj: GuardianAppointment) -> str:
        return self._describe(obj.succeeds) if obj.succeeds is not None else "—"

    @admin.display(description=gettext_lazy("handed over to"))
    def handed_over_to(self, obj: GuardianAppointment) -> str:
        successor = GuardianAppointment.objects.filter(succeeds=obj).select_related("guardian").first()
        return self._describe(successor) if successor else "—"

    # Actions: one appointment at a time, on a page of their own
    def _one_open(self, request: HttpRequest, queryset: QuerySet[GuardianAppointment]) -> GuardianAppointment | None:
        selected = list(queryset.select_related("case", "guardian")[:2])
        if len(selected) != 1:
            self.message_user(request, _("Select exactly one appointment."), messages.WARNING)
            return None
        [appointment] = selected
        if appointment.ends_at is not None and appointment.ends_at <= timezone.now():
            self.message_user(
                request, _("%(case)s: this appointment has already ended.") % {"case": appointment.case}, messages.INFO
            )
            return None
        if GuardianAppointment.objects.filter(succeeds=appointment).exists():
            self.message_user(
                request,
                _("%(case)s: this appointment has already been handed over.") % {"case": appointment.case},
                messages.INFO,
            )
            return None
        return appointment

    def _page(
        self,
        request: HttpRequest,
        template: str,
        *,
        action: str,
        title: str,
        appointment: GuardianAppointment,
        form: Any,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.opts,
            "action": action,
            "appointment": appointment,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, template, context)

    @admin.action(description=gettext_lazy("Hand over to another guardian"), permissions=["appoint"])
    def hand_over(self, request: HttpRequest, queryset: QuerySet[GuardianAppointment]) -> HttpResponse | None:
        """Ask for the new guardian, the moments and the reason, then call `guardian_handover`."""
        appointment = self._one_open(request, queryset)
        if appointment is None:
            return None
        form = HandoverForm(request.POST if request.POST.get("confirm") else None, appointment=appointment)
        title = _("Hand over %(case)s to another guardian") % {"case": appointment.case}
        if form.is_valid():
            data = form.cleaned_data
            try:
                new = services.guardian_handover(
                    actor=_actor(request),
                    appointment=appointment,
                    new_guardian=data["new_guardian"],
                    reason=data["reason"],
                    at=data["ends_at"],
                    new_starts_at=data["new_starts_at"],
                    kind=data["kind"],
                    moves_child_to=data["moves_child_to"],
                )
            except ACTION_REFUSALS as refusal:
                # Nothing was written: show the page again with what the rules refused.
                for message in refusal_messages(refusal):
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    _("%(case)s handed over to %(guardian)s.") % {"case": appointment.case, "guardian": new.guardian},
                    messages.SUCCESS,
                )
                return None
        return self._page(
            request, self.handover_template, action="hand_over", title=title, appointment=appointment, form=form
        )

    @admin.action(description=gettext_lazy("End without successor"), permissions=["appoint"])
    def end_without_successor(
        self, request: HttpRequest, queryset: QuerySet[GuardianAppointment]
    ) -> HttpResponse | None:
        """Ask why, then call `guardian_appointment_end`; the case needs a guardian again."""
        appointment = self._one_open(request, queryset)
        if appointment is None:
            return None
        form = EndAppointmentForm(request.POST if request.POST.get("confirm") else None)
        title = _("End the appointment on %(case)s without a successor") % {"case": appointment.case}
        if form.is_valid():
            try:
                services.guardian_appointment_end(
                    actor=_actor(request), appointment=appointment, reason=form.cleaned_data["reason"]
                )
            except ACTION_REFUSALS as refusal:
                if isinstance(refusal, ValidationError) and hasattr(refusal, "error_dict"):
                    for message in refusal.message_dict.get("end_reason", []):
                        form.add_error("reason", message)
                    for name, errors in refusal.message_dict.items():
                        if name != "end_reason":
                            for message in errors:
                                form.add_error(None, message)
                else:
                    for message in refusal_messages(refusal):
                        form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    _("The appointment of %(guardian)s on %(case)s has ended; the case needs a guardian again.")
                    % {"guardian": appointment.guardian, "case": appointment.case},
                    messages.SUCCESS,
                )
                return None
        return self._page(
            request, self.end_template, action="end_without_successor", title=title, appointment=appointment, form=form
        )


# --- Opinions -----------------------------------------------------------------------------
OPINION_ADD_FIELDS = ("case", "decision", "subject", "opinion_text", "agrees")


class GuardianOpinionAddForm(forms.ModelForm):  # type: ignore[type-arg]
    """The active guardian's opinion on one decision; its text is sealed by the service."""

    actor: User | None = None  # set by GuardianOpinionAdmin.get_form for the request

    opinion_text = forms.CharField(label=gettext_lazy("Opinion"), widget=forms.Textarea(attrs={"rows": 6}))

    class Meta:
        model = GuardianOpinion
        fields = ("case", "decision", "subject", "agrees")
        labels = {"agrees": gettext_lazy("Agrees with the proposed decision")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            case_field = cast("forms.ModelChoiceField[Case]", self.fields["case"])
            case_field.queryset = wards(self.actor)
            case_field.help_text = _("Cases where you are the active representative or guardian.")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        case, decision, subject = cleaned.get("case"), cleaned.get("decision"), cleaned.get("subject")
        if case is not None and decision and subject:
            appointment = active_appointment(case=case, at=timezone.now())
            recorded = GuardianOpinion.objects.filter(
                case=case, decision=decision, subject=subject, appointment=appointment
            )
            if appointment is not None and recorded.exists():
                raise ValidationError(_("Your opinion on this decision is already recorded; it is not changed."))
        return cleaned


def wards(actor: User) -> QuerySet[Case]:
    """Cases where the actor is an active representative or guardian (and a guardian by role)."""
    mine = active_appointments(at=timezone.now()).filter(guardian=actor, case=OuterRef("pk"))
    return _visible_cases(actor).filter(Exists(mine)).order_by("reference")


@admin.register(GuardianOpinion)
class GuardianOpinionAdmin(ServiceRefusalsMixin, ReadLoggedAdmin):
    """Guardians' recorded opinions; the text is opened only on a case the user may see."""

    list_display = ("case", "decision", "subject", "agrees", "recorded_by", "recorded_at")
    list_select_related = ("case", "appointment__guardian")
    list_filter = ("decision",)
    search_fields = ("case__reference", "subject")
    view_fields = ("case", "decision", "subject", "agrees", "recorded_by", "recorded_at", "opinion_text")
    readonly_fields = ("recorded_by", "opinion_text")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(roles_for(Action.READ, _roles(request)))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(roles_for(Action.READ, _roles(request)))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return Role.GUARDIAN in _roles(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[GuardianOpinion]:
        return visible_records(super().get_queryset(request), actor=_actor(request))

    def render_change_form(  # noqa: PLR0917 - Django's signature
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: GuardianOpinion | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None:
            # The page is a read of the case, whether or not the opinion's text opens.
            current_reader().note(obj.case)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return OPINION_ADD_FIELDS if obj is None else self.view_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = type("GuardianOpinionAddForm", (GuardianOpinionAddForm,), {"actor": _actor(request)})
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: GuardianOpinion, form: Any, change: bool) -> None:
        if change:
            raise PermissionDenied(_("A recorded opinion is not changed."))
        data = form.cleaned_data
        try:
            record = services.guardian_opinion_record(
                actor=_actor(request),
                case=data["case"],
                decision=data["decision"],
                subject=data["subject"],
                opinion=data["opinion_text"],
                agrees=data["agrees"],
            )
        except Http404:
            raise PermissionDenied(_("Only the child's active guardian records an opinion on this case.")) from None
        obj.pk, obj.appointment, obj.recorded_at = record.pk, record.appointment, record.recorded_at

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing besides the service writes."""

    @admin.display(description=gettext_lazy("recorded by"))
    def recorded_by(self, obj: GuardianOpinion) -> str:
        return str(obj.appointment.guardian)

    @admin.display(description=gettext_lazy("opinion"))
    def opinion_text(self, obj: GuardianOpinion) -> str:
        # Only reached for an opinion on a case the user may see (get_queryset); a logged read.
        text = current_reader().text(obj, "opinion", case=obj.case)
        return _("Anonymised") if text is None else text


# --- Requests for a guardian ----------------------------------------------------------------
def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


@admin.register(GuardianRequest)
class GuardianRequestAdmin(ServiceAdmin):
    """Requests to the guardianship authority for a representative or guardian (referrals).

    The case's caseworkers and supervisors ask ("Ask for a guardian": the add form, which a
    case's page links to with `?case=`), through `guardian_request_send`, and follow each request
    next to R1's deadlines. The authority's staff see the requests asked of them; a supervisor
    of the authority proposes and appoints one of its guardians with the action "Propose and
    appoint a guardian" (the candidates with their caseload, languages and eligibility), through
    `guardian_request_appoint`, which completes the request.
    """

    add_form = GuardianRequestForm
    record = requests.guardian_request_send
    add_fieldsets = ((None, {"fields": ("case", "authority", "legal_basis", "purpose", "sections")}),)
    list_display = (
        "case", "to_agency", "state", "sent_at", "representative_due", "guardian_due", "answered_by",
    )  # fmt: skip
    list_filter = ("state",)
    search_fields = ("case__reference",)
    actions = ("propose_and_appoint",)
    appoint_template = "admin/guardianship/guardianrequest/appoint.html"
    fields = (
        "case", "from_agency", "to_agency", "state", "sent_at", "representative_due", "guardian_due", "answered_by",
    )  # fmt: skip
    readonly_fields = fields

    def scope(self, actor: User) -> QuerySet[Any]:
        return requests.guardian_request_list(actor=actor)

    def may_work(self, request: HttpRequest) -> bool:
        # The authority's partner staff follow the requests asked of it too.
        return bool(_roles(request) & {Role.CASEWORKER, Role.SUPERVISOR, Role.PARTNER_STAFF})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(_roles(request) & {Role.CASEWORKER, Role.SUPERVISOR})

    def has_appoint_permission(self, request: HttpRequest) -> bool:
        return Role.SUPERVISOR in _roles(request)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        case_id = request.GET.get("case", "")
        if case_id.isdigit():
            case = self.case_choices(acting_user(request)).filter(pk=int(case_id)).first()
            authority = requests.guardianship_authorities_for(case=case).first() if case else None
            if authority is not None:
                initial["authority"] = str(authority.pk)
        return initial

    # Columns: the request next to R1's deadlines, and its answer
    @admin.display(description=gettext_lazy("representative due"))
    def representative_due(self, obj: GuardianRequest) -> str:
        due = requests.guardian_deadlines(case=obj.case, request=obj)
        return _when(due.provisional_due) + (" ✓" if due.has_provisional else "")

    @admin.display(description=gettext_lazy("qualified guardian due"))
    def guardian_due(self, obj: GuardianRequest) -> str:
        due = requests.guardian_deadlines(case=obj.case, request=obj)
        return _when(due.qualified_due) + (" ✓" if due.has_qualified else "")

    @admin.display(description=gettext_lazy("answered by"))
    def answered_by(self, obj: GuardianRequest) -> str:
        appointment = requests.guardian_request_answer(referral=obj)
        if appointment is None:
            return _("Waiting for the authority") if requests.guardian_request_is_open(obj) else "—"
        return _("%(guardian)s, %(kind)s since %(start)s") % {
            "guardian": appointment.guardian,
            "kind": appointment.get_kind_display().lower(),
            "start": _when(appointment.starts_at),
        }

    @admin.action(description=gettext_lazy("Propose and appoint a guardian"), permissions=["appoint"])
    def propose_and_appoint(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        """One request at a time: the authority's guardians as candidates, then `guardian_request_appoint`."""
        selected = list(queryset[:2])
        if len(selected) != 1:
            self.message_user(request, _("Select exactly one request."), messages.WARNING)
            return None
        actor = acting_user(request)
        try:
            referral = requests.guardian_request_get(actor=actor, pk=selected[0].pk, serve=True)
        except Http404:
            self.message_user(request, _("This request is not asked of your authority."), messages.ERROR)
            return None
        if not requests.guardian_request_is_open(referral):
            self.message_user(request, _("%(case)s: this request is no longer open.") % {"case": referral.case},
                              messages.WARNING)  # fmt: skip
            return None
        candidates = requests.guardian_candidate_list(actor=actor, referral=referral)
        guardians = User.objects.filter(pk__in=[c.guardian.pk for c in candidates]).order_by("full_name", "email")
        form = GuardianRequestAppointForm(request.POST if request.POST.get("confirm") else None, guardians=guardians)
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = requests.guardian_request_appoint(
                    actor=actor, referral=referral, guardian=data["guardian"], kind=data["kind"] or None,
                    over_cap_reason=data["over_cap_reason"],
                )  # fmt: skip
            except ACTION_REFUSALS as refusal:
                for message in refusal_messages(refusal):
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    _("%(guardian)s appointed %(kind)s on %(case)s; the request is answered.")
                    % {"guardian": appointment.guardian, "kind": appointment.get_kind_display().lower(),
                       "case": referral.case},
                    messages.SUCCESS,
                )  # fmt: skip
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Propose and appoint a guardian for %(case)s") % {"case": referral.case},
            "subtitle": None,
            "opts": self.opts,
            "action": "propose_and_appoint",
            "referral": referral,
            "candidates": candidates,
            "deadlines": requests.guardian_deadlines(case=referral.case),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.appoint_template, context)
