"""Settings for a developer's machine: `python3 haven.py run` uses these."""

from .base import *  # noqa: F403
from .base import database_settings, env

# Debug pages are an opt-in for developers (DJANGO_DEBUG=1, or `haven.py run --debug`): the
# default run may well serve a small agency for real.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A fixed development key is fine here: local settings are refused in production (below).
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="haven-local-development-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
DATABASES = {"default": database_settings(allow_embedded=True)}
HAVEN_DEMO_DATA_ALLOWED = True
HAVEN_DEVELOPMENT_KEYS_ALLOWED = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
