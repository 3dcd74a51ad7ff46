"""Settings for the test suite: the same PostgreSQL as everywhere, a fresh test database."""

import os
import tempfile

# One broker folder per test run (inherited by the workers tests start), never the
# folder of a Haven running on the same machine.
os.environ.setdefault("HAVEN_BROKER_DIR", tempfile.mkdtemp(prefix="haven-test-broker-"))

from .base import *  # noqa: F403
from .base import HAVEN_STATE_DIR, database_settings, env

DEBUG = False
SECRET_KEY = "haven-test-key-only-used-by-the-test-suite"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DATABASES = {"default": database_settings(allow_embedded=True)}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HAVEN_DEMO_DATA_ALLOWED = True
# Fixed keys for the tests only (never used elsewhere); rotation tests add their own.
HAVEN_MASTER_KEYS = env.str("HAVEN_MASTER_KEYS", default="test1:dGVzdC1tYXN0ZXIta2V5LWZvci10ZXN0cy1vbmx5LTE")
HAVEN_SEARCH_KEY = env.str("HAVEN_SEARCH_KEY", default="dGVzdC1zZWFyY2gta2V5LWZvci10aGUtdGVzdHMtMDE")
HAVEN_DEVELOPMENT_KEYS_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = HAVEN_STATE_DIR / "test-media"
# Tests that need a real worker start one; nothing runs eagerly behind their back.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
