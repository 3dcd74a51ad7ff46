"""Operators manage agencies, teams, users and memberships here, through the services."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts import services
from apps.accounts.models import Agency, Membership, Team, User
from apps.core.admin import OperatorAdmin


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
            super().save_model(request, obj, form, change)
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


@admin.register(Membership)
class MembershipAdmin(OperatorAdmin):
    list_display = ("user", "agency", "team", "role", "started_at", "ended_at")
    list_filter = ("role", "agency")
    list_select_related = ("user", "agency", "team")
    search_fields = ("user__email", "user__full_name", "agency__name")
    actions = ("end_memberships",)
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A membership is history: once granted it is only ended, never rewritten.
        return ("user", "agency", "team", "role", "started_at", "ended_at") if obj is not None else ("ended_at",)

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

    @admin.action(description=_("End the selected memberships now"))
    def end_memberships(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        ended = 0
        for membership in queryset.filter(ended_at__isnull=True).select_related("agency", "user"):
            services.membership_end(actor=request.user, membership=membership)  # type: ignore[arg-type]
            ended += 1
        self.message_user(
            request,
            ngettext("%(count)d membership ended.", "%(count)d memberships ended.", ended) % {"count": ended},
            messages.SUCCESS,
        )
