"""The child's right to be informed and heard (R6).

Interpreters (and, per case, their declared independence from the suspects), the child's
communication profile, the information sessions that tell the child their rights, options
and procedures, and the child's views on each decision that needs them — or why they could
not be heard and what was tried. Views are append-only: a new record supersedes the last.
Free text that tells what the child said, understood or needs, why someone of another gender
than the child prefers was there, and why an interpreter's declaration was withdrawn is sealed
with the child's key. Languages and dialects stay plain: interpreters are matched on them.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency
from apps.cases.models import Case, Sealed


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")


class GenderPreference(models.TextChoices):
    NONE = "", _("No preference")
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Interpreter(models.Model):
    """An interpreter on an agency's roster: an interpreting agency's or freelance."""

    roster_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="interpreters", verbose_name=_("on the roster of")
    )
    name = models.CharField(_("name"), max_length=200)
    languages = ArrayField(models.CharField(max_length=60), verbose_name=_("languages"), default=list)
    dialects = ArrayField(models.CharField(max_length=60), verbose_name=_("dialects"), default=list, blank=True)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices)
    freelance = models.BooleanField(_("freelance"), default=False)
    agency_name = models.CharField(
        _("interpreting agency"), max_length=200, blank=True, help_text=_("Blank for a freelance interpreter.")
    )
    active = models.BooleanField(_("on the roster"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("interpreter")
        verbose_name_plural = _("interpreters")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(gender__in=Gender.values), name="voice_interpreter_gender_known"),
            models.CheckConstraint(condition=~models.Q(name=""), name="voice_interpreter_has_name"),
            models.CheckConstraint(condition=~models.Q(languages=[]), name="voice_interpreter_has_language"),
            # Either an interpreting agency's or freelance, and it says which.
            models.CheckConstraint(
                condition=models.Q(freelance=True, agency_name="")
                | (models.Q(freelance=False) & ~models.Q(agency_name="")),
                name="voice_interpreter_agency_or_freelance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({', '.join(self.languages)})"


class InterpreterDeclaration(models.Model):
    """The interpreter's declaration that they have no link to the suspects of this case.

    Without one in force an interpreter cannot be used on the case's sessions or views. A
    declaration later found untrue is withdrawn (with its reason), never deleted.
    """

    interpreter = models.ForeignKey(Interpreter, on_delete=models.PROTECT, related_name="declarations")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interpreter_declarations")
    declared_on = models.DateField(_("declared on"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = Sealed(_("why withdrawn"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("interpreter's declaration of independence")
        verbose_name_plural = _("interpreters' declarations of independence")
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["interpreter", "case"], condition=models.Q(withdrawn_at__isnull=True),
                name="voice_declaration_one_in_force",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | models.Q(withdrawn_reason__isnull=False),
                name="voice_declaration_withdrawal_has_reason",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.interpreter_id} on {self.case_id}"


class CommunicationProfile(models.Model):
    """How the child communicates best; respected where possible (R6)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="communication_profile")
    preferred_language = models.CharField(_("preferred language"), max_length=60, blank=True)
    preferred_dialect = models.CharField(_("preferred dialect"), max_length=60, blank=True)
    preferred_interviewer_gender = models.CharField(
        _("preferred gender of interviewer"), max_length=16, choices=GenderPreference.choices, blank=True
    )
    needs_communication_support = models.BooleanField(_("needs support to communicate"), default=False)
    communication_support = Sealed(_("communication support needed"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("communication profile")
        verbose_name_plural = _("communication profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preferred_interviewer_gender__in=GenderPreference.values),
                name="voice_profile_gender_known",
            ),
            # Support needed says what support.
            models.CheckConstraint(
                condition=models.Q(needs_communication_support=False) | models.Q(communication_support__isnull=False),
                name="voice_profile_support_described",
            ),
        ]

    def __str__(self) -> str:
        return f"communication profile ({self.case_id})"


class SessionTopic(models.TextChoices):
    RIGHTS = "rights", _("The child's rights")
    OPTIONS = "options", _("The child's options")
    GUARDIANSHIP = "guardianship", _("Guardianship")
    AGE_ASSESSMENT = "age_assessment", _("Age assessment")
    BEST_INTERESTS = "best_interests", _("Best-interests procedure")
    INTERNATIONAL_PROTECTION = "international_protection", _("Asylum and international protection")
    CRIMINAL_PROCEEDINGS = "criminal_proceedings", _("Criminal proceedings")
    RETURN_AND_TRACING = "return_and_tracing", _("Return and family tracing")
    COMPLAINTS = "complaints", _("Complaints")
    SERVICES = "services", _("Services and support")
    PLACEMENT = "placement", _("Where the child lives")
    PRIVACY = "privacy", _("Privacy and what is shared")


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Remote, by video")
    TELEPHONE = "telephone", _("By telephone")


# What a form or import may call a leaflet handed over with nothing more: never a session.
LEAFLET_ONLY = "leaflet_only"


class SessionMaterial(models.TextChoices):
    LEAFLET = "leaflet", _("Printed leaflet")
    EASY_READ = "easy_read", _("Easy-read material")
    PICTURES = "pictures", _("Pictures or drawings")
    VIDEO = "video", _("Video")
    SIGN_LANGUAGE = "sign_language", _("Sign-language material")


class InformationSession(models.Model):
    """The child told, in a language and manner they understand, about rights, options and
    procedures — and how they showed they understood. A leaflet alone is not one."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="information_sessions")
    held_at = models.DateTimeField(_("held"))
    topics = ArrayField(models.CharField(max_length=32, choices=SessionTopic.choices), verbose_name=_("topics"))
    language = models.CharField(_("language"), max_length=60)
    dialect = models.CharField(_("dialect"), max_length=60, blank=True)
    interpreter = models.ForeignKey(
        Interpreter, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions",
        verbose_name=_("interpreter"),
    )  # fmt: skip
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("held by")
    )
    held_by_gender = models.CharField(_("gender of who held it"), max_length=16, choices=Gender.choices, blank=True)
    gender_reason = Sealed(_("why not the gender the child prefers"))
    format = models.CharField(_("format"), max_length=16, choices=SessionFormat.choices)
    materials = ArrayField(
        models.CharField(max_length=16, choices=SessionMaterial.choices),
        verbose_name=_("materials handed over"),
        default=list,
        blank=True,
    )
    understanding = Sealed(_("how the child showed they understood"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("information session")
        verbose_name_plural = _("information sessions")
        ordering = ["-held_at"]
        constraints = [
            # A leaflet is not a format: a session is held with the child, and understood.
            models.CheckConstraint(condition=models.Q(format__in=SessionFormat.values), name="voice_session_format"),
            models.CheckConstraint(condition=models.Q(understanding__isnull=False), name="voice_session_understood"),
            models.CheckConstraint(condition=~models.Q(topics=[]), name="voice_session_has_topic"),
            models.CheckConstraint(condition=~models.Q(language=""), name="voice_session_has_language"),
        ]

    def __str__(self) -> str:
        return f"information session {self.held_at:%Y-%m-%d} ({self.case_id})"


class ViewsDecision(models.TextChoices):
    AGE_ASSESSMENT = "age_assessment", _("an age assessment")
    BEST_INTERESTS_DETERMINATION = "bid", _("a best-interests determination")
    DURABLE_SOLUTION = "durable_solution", _("a durable solution")
    PLACEMENT_CHANGE = "placement_change", _("a change of placement")
    CLOSURE = "closure", _("closing the case")
    RELEASE_TO_ADULT = "release_to_adult", _("a release to an adult")


class HowExpressed(models.TextChoices):
    SPOKEN = "spoken", _("Spoken")
    WRITTEN = "written", _("Written")
    DRAWING_OR_PLAY = "drawing_or_play", _("Drawing or play")
    SIGN_LANGUAGE = "sign_language", _("Sign language")
    ASSISTED = "assisted", _("Assisted or augmented communication")
    TRUSTED_ADULT = "trusted_adult", _("Through a trusted adult")


class NotHeardReason(models.TextChoices):
    CHILD_AGE = "child_age", _("The child's age")
    CHILD_DECLINED = "child_declined", _("The child declined to give views")
    HEALTH = "health", _("The child's health")
    DISTRESS = "distress", _("Being asked would harm the child")
    COMMUNICATION = "communication", _("No way to communicate was found")
    NO_INTERPRETER = "no_interpreter", _("No independent interpreter for the child's language")
    UNREACHABLE = "unreachable", _("The child could not be reached")


class ChildViews(models.Model):
    """The child's views on one decision — or why they could not be heard, and what was
    tried. Append-only: a later record for the same decision supersedes this one."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="child_views")
    decision = models.CharField(_("decision"), max_length=32, choices=ViewsDecision.choices)
    subject = models.CharField(
        _("which one"), max_length=64, blank=True, help_text=_("The decision's own id, when there is one.")
    )
    heard = models.BooleanField(_("the child was heard"))
    views = Sealed(_("the child's views"))
    how_expressed = models.CharField(_("how expressed"), max_length=24, choices=HowExpressed.choices, blank=True)
    language = models.CharField(_("language"), max_length=60, blank=True)
    interpreter = models.ForeignKey(
        Interpreter, on_delete=models.PROTECT, null=True, blank=True, related_name="views",
        verbose_name=_("interpreter"),
    )  # fmt: skip
    heard_by_gender = models.CharField(_("gender of who heard the child"), max_length=16, choices=Gender.choices,
                                       blank=True)  # fmt: skip
    gender_reason = Sealed(_("why not the gender the child prefers"))
    objects = models.BooleanField(_("the child objects to what is proposed"), null=True)
    not_heard_reasons = ArrayField(
        models.CharField(max_length=24, choices=NotHeardReason.choices),
        verbose_name=_("why the child could not be heard"),
        default=list,
        blank=True,
    )
    method_tried = Sealed(_("the method that was tried"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    # `objects` is the child's objection (the name other apps read), so the manager is `records`.
    records = models.Manager()

    class Meta:
        verbose_name = _("child's views")
        verbose_name_plural = _("child's views")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["case", "decision", "recorded_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(decision__in=ViewsDecision.values), name="voice_views_decision"),
            # Heard: the views themselves, no reasons for not hearing.
            models.CheckConstraint(
                condition=models.Q(heard=False) | models.Q(views__isnull=False, not_heard_reasons=[]),
                name="voice_views_heard_has_views",
            ),
            # Not heard: a reason that is not age alone, and the method tried; no views, no objection.
            models.CheckConstraint(
                condition=models.Q(heard=True)
                | (
                    ~models.Q(not_heard_reasons__contained_by=[NotHeardReason.CHILD_AGE.value])
                    & models.Q(method_tried__isnull=False, views__isnull=True, objects__isnull=True)
                ),
                name="voice_views_not_heard_reason_and_method",
            ),
        ]

    def __str__(self) -> str:
        return f"views on {self.get_decision_display()} ({self.case_id})"
