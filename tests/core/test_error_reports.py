"""No credential on any error page, in any mode: a foreign Host header and a crafted admin query.

The web server copies its environment (DATABASE_URL and the rest) into every request's META,
so the requests below carry it as runserver's would; the settings carry URLs with passwords.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.views.debug import get_exception_reporter_class

from tests.accounts.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Zq7-not-for-anyone-9xW"  # the string that must never come back
ENVIRONMENT = {
    "DATABASE_URL": f"postgres://haven_app:{SECRET}@db.internal:5432/haven",
    "DATABASE_OWNER_URL": f"postgres://haven_owner:{SECRET}@db.internal:5432/haven",
    "CELERY_BROKER_URL": f"redis://:{SECRET}@broker.internal:6379/0",
    "REDIS_URL": f"rediss://cache:{SECRET}@cache.internal:6380/1",
    "EMAIL_URL": f"smtp+tls://mailer:{SECRET}@mail.internal:587",
    "SENTRY_TARGET": f"https://ingest.internal/api/1/?token={SECRET}",
}


def _secret_settings() -> dict[str, object]:
    default = {**settings.DATABASES["default"], "OWNER": {"USER": "haven_owner", "PASSWORD": SECRET}}
    return {
        "DATABASES": {**settings.DATABASES, "default": default},
        "CELERY_BROKER_URL": ENVIRONMENT["CELERY_BROKER_URL"],
        "CELERY_RESULT_BACKEND": f"redis://:{SECRET}@broker.internal:6379/1",
        "CACHE_MIRROR": {"LOCATION": ENVIRONMENT["REDIS_URL"]},
        "EMAIL_HOST_PASSWORD": SECRET,
        "SOME_UPSTREAM": [f"amqp://guest:{SECRET}@mq.internal//"],
    }


def _real_database_password() -> str:
    return str(settings.DATABASES["default"].get("PASSWORD") or "")


def _assert_nothing_secret(body: str) -> None:
    assert SECRET not in body
    real = _real_database_password()
    if real:
        assert real not in body, "the application role's real password is on the page"


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False], ids=["debug pages on", "debug pages off"])
def test_a_foreign_host_on_the_sign_in_page_shows_no_credential(debug):
    client = Client(**ENVIRONMENT)
    with override_settings(DEBUG=debug, **_secret_settings()):
        response = client.get("/accounts/login/", HTTP_HOST="attacker.example")
    body = response.content.decode()
    assert response.status_code == 400
    _assert_nothing_secret(body)
    if debug:  # the page a developer opted into: still useful, with the secrets starred
        assert "DisallowedHost" in body
        assert "amqp://********************@mq.internal//" in body
    else:
        assert "This request could not be understood" in body
        assert "Traceback" not in body
        assert "DATABASE" not in body


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False], ids=["debug pages on", "debug pages off"])
def test_a_crafted_to_field_on_an_admin_list_shows_no_credential(debug):
    client = Client(**ENVIRONMENT)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with override_settings(DEBUG=debug, **_secret_settings()):
        response = client.get("/admin/accounts/user/?_to_field=password")
    body = response.content.decode()
    assert response.status_code == 400
    _assert_nothing_secret(body)
    assert ("DisallowedModelAdminToField" in body) is debug


@pytest.mark.parametrize("debug", [True, False], ids=["debug pages on", "debug pages off"])
def test_locals_and_exception_messages_are_scrubbed_in_every_report(rf, debug):
    """The debug page and the error e-mail alike: a frame's locals and the message itself."""
    connection_string = ENVIRONMENT["DATABASE_URL"]
    environ = dict(ENVIRONMENT)  # a local holding the environment, as a frame may
    with override_settings(DEBUG=debug):
        request = rf.get("/cases/", **ENVIRONMENT)
        try:
            raise ConnectionError(f"could not reach {connection_string} ({len(environ)} settings)")
        except ConnectionError:
            reporter = get_exception_reporter_class(request)(request, *sys.exc_info())
            html, text = reporter.get_traceback_html(), reporter.get_traceback_text()
    assert SECRET not in html
    assert SECRET not in text
    assert "could not reach postgres://********************@db.internal:5432/haven" in text


def test_the_run_commands_settings_serve_without_debug_pages_unless_asked():
    """The local settings `haven.py run` uses: debug is off by default, on only when opted in."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    probe = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    default = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    opted_in = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**env, "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert default.stdout.strip().splitlines()[-1] == "False"
    assert opted_in.stdout.strip().splitlines()[-1] == "True"
