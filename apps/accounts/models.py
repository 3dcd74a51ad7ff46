"""Users, agencies, teams and the memberships that give a user a role in an agency.

A role is held in one agency through a membership; nothing here grants access to a child's
record by itself (DOMAIN "Who is who": not being superuser, not a model permission).
"""

import zoneinfo
from datetime import datetime, time
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=(username or "").strip().lower())

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address."""

    # Stored lower-case (a constraint holds it), so plain uniqueness is case-insensitive.
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("may use the admin site"),
        default=False,
        help_text=_("Operators run the installation from the admin; staff status grants no case data."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="accounts_user_email_lowercase"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class AgencyKind(models.TextChoices):
    CHILD_PROTECTION = "child_protection", _("Child protection")
    GUARDIANSHIP_AUTHORITY = "guardianship_authority", _("Guardianship authority")
    POLICE = "police", _("Police")
    IMMIGRATION = "immigration", _("Immigration")
    PROSECUTION = "prosecution", _("Prosecution")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    LEGAL_AID = "legal_aid", _("Legal aid")
    NGO_SERVICE_PROVIDER = "ngo_service_provider", _("NGO service provider")
    CARE_PROVIDER = "care_provider", _("Care provider")
    FOREIGN_COUNTERPART = "foreign_counterpart", _("Foreign counterpart")


# HTCDS 2.0 org_Type for each kind, so that exports in the standard are a projection.
AGENCY_KIND_HTCDS_ORG_TYPE: dict[str, str] = {
    AgencyKind.CHILD_PROTECTION: "LocalGovernmentOrganisation",
    AgencyKind.GUARDIANSHIP_AUTHORITY: "CentralGovernmentOrganisation",
    AgencyKind.POLICE: "LawEnforcement",
    AgencyKind.IMMIGRATION: "ImmigrationService",
    AgencyKind.PROSECUTION: "LawEnforcement",
    AgencyKind.HEALTH: "HealthServiceOrganisation",
    AgencyKind.EDUCATION: "SchoolOrCollege",
    AgencyKind.LEGAL_AID: "LegalService",
    AgencyKind.NGO_SERVICE_PROVIDER: "NGO",
    AgencyKind.CARE_PROVIDER: "NGO",
    AgencyKind.FOREIGN_COUNTERPART: "CentralGovernmentOrganisation",
}

# Agencies whose staff can never be a child's independent guardian (DOMAIN R1).
ENFORCEMENT_KINDS = frozenset({AgencyKind.POLICE, AgencyKind.IMMIGRATION, AgencyKind.PROSECUTION})


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not a known time zone."), params={"zone": value})


def office_weekdays() -> list[int]:
    """Monday to Friday, the office days an agency starts with."""
    return [0, 1, 2, 3, 4]


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. PT."))
    jurisdiction = models.CharField(_("jurisdiction"), max_length=200, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Office hours, in the agency's time zone: outside them, a caseworker on duty may open one
    # of its cases for urgent protection (break-glass), reviewed at the next opening.
    office_days = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("office days"),
        default=office_weekdays,
        blank=True,
        help_text=_("Days the office is open: 0 is Monday, 6 is Sunday. None: never open."),
    )
    # Optional in a form, where the defaults stand when left out; never emptied (`clean`).
    office_opens = models.TimeField(_("office opens"), default=time(9, 0), blank=True)
    office_closes = models.TimeField(_("office closes"), default=time(17, 0), blank=True)
    # DOMAIN "Who is who": a small agency may name a partner agency's supervisor as its approver.
    approver_agency = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approves_for",
        verbose_name=_("partner agency that approves roles"),
        help_text=_(
            "For a small agency without a second person to approve role grants: a supervisor of this "
            "partner agency approves them."
        ),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"), name="accounts_agency_country_iso"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=AgencyKind.values), name="accounts_agency_kind_known"),
            models.CheckConstraint(
                condition=~models.Q(approver_agency=models.F("pk")), name="accounts_agency_approver_is_a_partner"
            ),
            models.CheckConstraint(
                condition=models.Q(office_opens__lt=models.F("office_closes")),
                name="accounts_agency_office_opens_before_it_closes",
            ),
            models.CheckConstraint(
                condition=models.Q(office_days__contained_by=[0, 1, 2, 3, 4, 5, 6]),
                name="accounts_agency_office_days_are_weekdays",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.office_opens is None or self.office_closes is None:
            raise ValidationError(_("Give the times the office opens and closes."))

    @property
    def htcds_org_type(self) -> str:
        return AGENCY_KIND_HTCDS_ORG_TYPE[self.kind]


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams", verbose_name=_("agency"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="accounts_team_name_unique_in_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    GUARDIAN = "guardian", _("Guardian")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    OPERATOR = "operator", _("Operator")
    ANALYST = "analyst", _("Analyst")
    PARTNER_STAFF = "partner_staff", _("Partner agency staff")


# Roles that reach a child's record. Granting one needs a second person of the agency
# (DOMAIN "Who is who"): it is created pending and gives nothing until approved.
CASE_DATA_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.GUARDIAN, Role.PARTNER_STAFF})
# Who approves such a grant: a supervisor or an administrator of the agency (never the grantee).
APPROVER_ROLES = frozenset({Role.SUPERVISOR, Role.AGENCY_ADMIN})


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, *, at: datetime | None = None) -> "MembershipQuerySet":
        """Approved and current: the only memberships that give anything. A grant awaiting
        approval (or refused) is never active, whoever reads it; once approved it counts from
        its start."""
        moment = at or timezone.now()
        return self.filter(
            models.Q(ended_at__isnull=True) | models.Q(ended_at__gt=moment),
            started_at__lte=moment,
            approved_at__isnull=False,
            user__is_active=True,
            agency__is_active=True,
        )

    def pending(self) -> "MembershipQuerySet":
        """Requested, neither approved nor refused yet."""
        return self.filter(approved_at__isnull=True, ended_at__isnull=True)


class Membership(models.Model):
    """A user's role in an agency, optionally in one of its teams, for a period."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("agency"))
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name=_("team")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # Who asked for it (None: the installation, on the server) and who approved it. A role
    # that reaches case data is approved by a second person; other roles are approved as
    # they are granted (approved_by empty). Empty approved_at: awaiting approval.
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("requested by")
    )
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=models.Q(ended_at__isnull=True),
                name="accounts_membership_one_open_role",
            ),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="accounts_membership_role_known"),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("started_at")),
                name="accounts_membership_ends_after_start",
            ),
            # Nobody approves a role they were given, or one they asked for.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("user")),
                name="accounts_membership_not_self_approved",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | models.Q(requested_by__isnull=True)
                | ~models.Q(approved_by=models.F("requested_by")),
                name="accounts_membership_approver_is_not_requester",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | models.Q(approved_at__isnull=False),
                name="accounts_membership_approval_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"

    @property
    def is_pending(self) -> bool:
        return self.approved_at is None and self.ended_at is None


class MembershipEventKind(models.TextChoices):
    REQUESTED = "requested", _("Requested, awaiting approval")
    GRANTED = "granted", _("Granted (no approval needed)")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    ENDED = "ended", _("Ended")


class MembershipEvent(models.Model):
    """The history of a membership: each request, grant, approval, refusal and end, with who
    did it. Append-only (a database trigger refuses UPDATE and DELETE)."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what happened"), max_length=16, choices=MembershipEventKind.choices)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership history")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MembershipEventKind.values), name="accounts_membershipevent_kind_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.membership}"
