"""Error reports (the debug page, error e-mails) never show a credential, in any mode.

Django hides settings whose names look secret; a connection URL carries its password
inside the value (postgres://role:password@host/db), under names like DATABASE_URL or
CELERY_BROKER_URL, in settings, in the environment the server copies into request.META,
in local variables and in exception messages. Here every string has the user and
password of any URL replaced, names of connection settings are hidden whole, and the
rendered report is scrubbed once more as a last net.
"""

import re
from collections.abc import ItemsView, Mapping
from types import FrameType
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

SUBSTITUTE = "********************"

# scheme://user:password@ or scheme://:password@ or scheme://token@
_URL_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.\-]*://)(?P<userinfo>[^\s/?#@<>\"']+)@", re.IGNORECASE)
# ...?password=... in a URL's query
_QUERY_SECRET = re.compile(
    r"(?P<name>[?&;](?:password|passwd|pwd|secret|token|api_?key|access_?key)=)[^&;\s#<>\"']+", re.IGNORECASE
)

# Django's own list, plus the names connection URLs go by.
HIDDEN_NAMES = re.compile(
    "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|CREDENTIAL|DSN"
    "|DATABASE_URL|DATABASE_OWNER_URL|BROKER_URL|RESULT_BACKEND|REDIS_URL|CACHE_URL|EMAIL_URL",
    flags=re.IGNORECASE,
)


def scrub(text: str) -> str:
    """The text with the user and password of every URL in it hidden."""
    text = _URL_USERINFO.sub(lambda match: f"{match['scheme']}{SUBSTITUTE}@", text)
    return _QUERY_SECRET.sub(lambda match: f"{match['name']}{SUBSTITUTE}", text)


class CredentialsFilter(SafeExceptionReporterFilter):
    """DEFAULT_EXCEPTION_REPORTER_FILTER: hides credentials in settings, META, cookies and locals."""

    cleansed_substitute = SUBSTITUTE
    hidden_settings = HIDDEN_NAMES

    def is_active(self, request: HttpRequest | None) -> bool:
        # Django relaxes its filter when DEBUG is on; a debug page reaches visitors too.
        return True

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        if isinstance(value, Mapping) and not isinstance(value, dict):
            value = dict(value)  # os.environ and friends: cleanse their items too
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return scrub(cleansed)
        if isinstance(cleansed, bytes):
            return scrub(cleansed.decode("utf-8", "replace"))
        return cleansed

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: FrameType) -> ItemsView[str, Any]:
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return {name: self.cleanse_setting(name, value) for name, value in variables}.items()


class CredentialsReporter(ExceptionReporter):
    """DEFAULT_EXCEPTION_REPORTER: the rendered report is scrubbed as a whole (messages, reprs)."""

    # The report was escaped when rendered; hiding part of a URL keeps it so.
    def get_traceback_html(self) -> SafeString:
        return mark_safe(scrub(super().get_traceback_html()))  # noqa: S308

    def get_traceback_text(self) -> SafeString:
        return mark_safe(scrub(super().get_traceback_text()))  # noqa: S308
