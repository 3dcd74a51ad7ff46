"""Operators manage agencies, teams, users and memberships here, through the services."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts import services
from apps.accounts.models import APPROVER_ROLES, Agency, Membership, MembershipEvent, Role, Team, User
from apps.core.admin import ACTION_REFUSALS, OperatorAdmin, ServiceRefusalsMixin


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("agency", "team", "role", "started_at", "ended_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UserAddForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


@admin.register(User)
class UserAdmin(OperatorAdmin):
    list_display = ("email", "full_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    inlines = (MembershipInline,)
    # Passwords are never set here: a new user chooses one through the reset e-mail.
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")
    fields = ("email", "full_name", "is_active", "is_staff", "is_superuser", "last_login", "date_joined")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = UserAddForm
            kwargs["fields"] = ("email", "full_name")
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("email", "full_name") if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.user_create(
            actor=request.user,  # type: ignore[arg-type]
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
        )
        obj.pk = created.pk


@admin.register(Agency)
class AgencyAdmin(OperatorAdmin):
    list_display = ("name", "kind", "country", "jurisdiction", "time_zone", "is_active")
    list_filter = ("kind", "country", "is_active")
    search_fields = ("name", "jurisdiction")
    readonly_fields = ("created_at",)

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        if change:
            approver = obj.approver_agency
            obj.approver_agency_id = Agency.objects.get(pk=obj.pk).approver_agency_id
            super().save_model(request, obj, form, change)
            if approver != obj.approver_agency:
                services.agency_approver_name(actor=request.user, agency=obj, approver_agency=approver)  # type: ignore[arg-type]
            return
        created = services.agency_create(
            actor=request.user,  # type: ignore[arg-type]
            name=obj.name,
            kind=obj.kind,
            country=obj.country,
            time_zone=obj.time_zone,
            jurisdiction=obj.jurisdiction,
        )
        obj.pk = created.pk
        if obj.approver_agency is not None:
            services.agency_approver_name(actor=request.user, agency=created, approver_agency=obj.approver_agency)  # type: ignore[arg-type]


@admin.register(Team)
class TeamAdmin(OperatorAdmin):
    list_display = ("name", "agency")
    list_filter = ("agency",)
    list_select_related = ("agency",)
    search_fields = ("name",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("agency",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Team, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.team_create(actor=request.user, agency=obj.agency, name=obj.name)  # type: ignore[arg-type]
        obj.pk = created.pk


def _agencies_administered(user: Any) -> set[int]:
    return set(
        Membership.objects.active().filter(user=user, role=Role.AGENCY_ADMIN).values_list("agency_id", flat=True)
    )


def _administered(request: HttpRequest) -> set[int]:
    """The agencies the signed-in person administers, read once per request."""
    cached: set[int] | None = getattr(request, "_haven_administered", None)
    if cached is None:
        cached = _agencies_administered(request.user)
        setattr(request, "_haven_administered", cached)  # noqa: B010 - HttpRequest declares no such attribute
    return cached


def _agencies_approved_for(user: Any) -> set[int]:
    """Where `user` may approve grants: agencies they supervise or administer, and the agencies
    that name one they supervise as approver."""
    own = Membership.objects.active().filter(user=user, role__in=APPROVER_ROLES)
    supervised = own.filter(role=Role.SUPERVISOR).values("agency_id")
    partners = Agency.objects.filter(approver_agency_id__in=supervised).values_list("pk", flat=True)
    return set(own.values_list("agency_id", flat=True)) | set(partners)


class MembershipEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = MembershipEvent
    extra = 0
    fields = ("at", "kind", "actor", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


REFUSED_IN_THE_ADMIN = _("Refused by an approver in the administration screens.")


@admin.register(Membership)
class MembershipAdmin(ServiceRefusalsMixin, OperatorAdmin):
    """Operators, agency administrators and supervisors: grants, approvals, ends.

    An operator sees every agency's memberships and grants operators and first
    administrators; an agency administrator grants (asks for) roles in their agency; a
    supervisor or administrator approves or refuses what awaits approval in the agencies
    they may approve for. Every write is a service call.
    """

    list_display = ("user", "agency", "team", "role", "status", "started_at", "ended_at", "requested_by",
                    "approved_by")  # fmt: skip
    list_filter = ("role", "agency")
    list_select_related = ("user", "agency", "team", "requested_by", "approved_by")
    search_fields = ("user__email", "user__full_name", "agency__name")
    actions = ("approve_memberships", "refuse_memberships", "end_memberships")
    inlines = (MembershipEventInline,)

    def _scope(self, request: HttpRequest) -> set[int] | None:
        """The agencies this person works on here; None: every agency (an operator)."""
        if self._is_operator(request):
            return None
        cached: set[int] | None = getattr(request, "_haven_membership_scope", None)
        if cached is None:
            user = request.user
            cached = set()
            if user.is_authenticated and user.is_active:
                cached = _agencies_administered(user) | _agencies_approved_for(user)
            setattr(request, "_haven_membership_scope", cached)  # noqa: B010 - HttpRequest declares no such attribute
        return cached

    def has_module_permission(self, request: HttpRequest) -> bool:
        scope = self._scope(request)
        return scope is None or bool(scope)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        scope = self._scope(request)
        return scope is None or (bool(scope) and (obj is None or obj.agency_id in scope))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_operator(request) or bool(_administered(request))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        queryset = super().get_queryset(request)
        scope = self._scope(request)
        return queryset if scope is None else queryset.filter(agency_id__in=scope)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not self._is_operator(request):
            administered = _agencies_administered(request.user)
            if db_field.name == "agency":
                kwargs["queryset"] = Agency.objects.filter(pk__in=administered)
            elif db_field.name == "team":
                kwargs["queryset"] = Team.objects.filter(agency_id__in=administered)
            elif db_field.name == "user":
                # Their agency's people, and people not yet in any agency (just created).
                kwargs["queryset"] = (
                    User.objects.filter(is_active=True)
                    .filter(Q(memberships__agency_id__in=administered) | Q(memberships__isnull=True))
                    .distinct()
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A membership is history: once granted it is only approved or ended, never rewritten.
        if obj is not None:
            return ("user", "agency", "team", "role", "started_at", "ended_at", "requested_by", "approved_by",
                    "approved_at")  # fmt: skip
        return ("ended_at", "requested_by", "approved_by", "approved_at")

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            return
        created = services.membership_grant(
            actor=request.user,  # type: ignore[arg-type]
            user=obj.user,
            agency=obj.agency,
            role=obj.role,
            team=obj.team,
            at=obj.started_at,
        )
        obj.pk = created.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing besides the service writes."""

    @admin.display(description=_("status"))
    def status(self, obj: Membership) -> str:
        if obj.is_pending:
            return str(_("awaiting approval"))
        if obj.approved_at is None:
            return str(_("refused"))
        return str(_("ended")) if obj.ended_at is not None else str(_("in force"))

    def _each(self, request: HttpRequest, queryset: QuerySet[Membership], act: Any, done_message: str) -> None:
        done = 0
        for membership in queryset.select_related("agency", "user"):
            try:
                act(membership)
            except ACTION_REFUSALS as refusal:
                self.message_refusal(request, refusal, about=str(membership))
                continue
            done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected grants"))
    def approve_memberships(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        actor = request.user
        self._each(
            request,
            queryset,
            lambda m: services.membership_approve(actor=actor, membership=m),  # type: ignore[arg-type]
            str(_("%(count)d grant(s) approved.")),
        )

    @admin.action(description=_("Refuse the selected grants"))
    def refuse_memberships(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        actor = request.user
        self._each(
            request, queryset,
            lambda m: services.membership_refuse(actor=actor, membership=m, reason=str(REFUSED_IN_THE_ADMIN)),  # type: ignore[arg-type]
            str(_("%(count)d grant(s) refused.")),
        )  # fmt: skip

    @admin.action(description=_("End the selected memberships now"))
    def end_memberships(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        ended = 0
        for membership in queryset.filter(ended_at__isnull=True).select_related("agency", "user"):
            try:
                services.membership_end(actor=request.user, membership=membership)  # type: ignore[arg-type]
            except ACTION_REFUSALS as refusal:
                self.message_refusal(request, refusal, about=str(membership))
                continue
            ended += 1
        self.message_user(
            request,
            ngettext("%(count)d membership ended.", "%(count)d memberships ended.", ended) % {"count": ended},
            messages.SUCCESS,
        )
