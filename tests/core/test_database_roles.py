"""Two database roles: the owner migrates; Haven, and this test suite, run as a role that
owns nothing, so the rules guarded by triggers cannot be switched off from the application.
"""

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_migrate
from django.db.transaction import TransactionManagementError

from apps.accounts.models import Agency, Membership
from config import db_roles
from config.db_backend.base import as_owner, owner_login
from config.embedded_db import SUPERUSER, EmbeddedPostgres
from config.settings import base as base_settings
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory

ROOT = Path(__file__).resolve().parents[2]
TRIGGER = "accounts_membership_team_in_agency"


def _one(sql: str, params: list[Any] | None = None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _owner() -> str:
    return str(owner_login(connection)["USER"])


def _refused(sql: str) -> psycopg.Error:
    """Run `sql` as the suite's connection; it must be refused for want of privilege."""
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    cause = refused.value.__cause__
    assert isinstance(cause, psycopg.errors.InsufficientPrivilege), cause
    return cause


# --- Who the test suite is ----------------------------------------------------------------
@pytest.mark.django_db
def test_the_suite_connects_as_the_application_role_which_is_no_superuser():
    user, superuser, createrole, createdb, replication, bypassrls = _one(
        "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls "
        "FROM pg_roles WHERE rolname = current_user"
    )
    assert user == connection.settings_dict["USER"]
    assert user != _owner(), "the owner is only for migrations and for emptying tables"
    assert not superuser
    assert (createrole, createdb, replication, bypassrls) == (False, False, False, False)


@pytest.mark.django_db
def test_the_application_role_cannot_become_the_owner_or_a_superuser():
    assert _one(
        "SELECT count(*) FROM pg_roles r WHERE r.rolname <> current_user "
        "AND (r.rolsuper OR r.rolname = %s) AND pg_has_role(current_user, r.oid, 'MEMBER')",
        [_owner()],
    ) == (0,)
    _refused(f"SET ROLE {db_roles.ident(_owner())}")


@pytest.mark.django_db
def test_the_owner_owns_every_object_and_the_application_role_owns_nothing():
    owners = _one(
        "SELECT array_agg(DISTINCT pg_get_userbyid(relowner)) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
    )[0]
    assert owners == [_owner()]
    functions = _one(
        "SELECT array_agg(DISTINCT pg_get_userbyid(proowner)) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
    )[0]
    assert functions == [_owner()]
    with connection.cursor() as cursor:
        assert db_roles.application_role_objects(cursor, app=connection.settings_dict["USER"]) == []


# --- What the application role cannot do --------------------------------------------------
@pytest.mark.django_db
def test_the_application_role_cannot_disable_a_trigger():
    cause = _refused(f"ALTER TABLE accounts_membership DISABLE TRIGGER {TRIGGER}")
    assert "must be owner of table accounts_membership" in str(cause)
    _refused("ALTER TABLE accounts_membership DISABLE TRIGGER ALL")
    assert _one("SELECT tgenabled FROM pg_trigger WHERE tgname = %s", [TRIGGER]) == ("O",)


@pytest.mark.django_db
def test_the_application_role_cannot_drop_a_trigger():
    _refused(f"DROP TRIGGER {TRIGGER} ON accounts_membership")
    _refused(f"DROP FUNCTION {TRIGGER}()")
    assert _one("SELECT count(*) FROM pg_trigger WHERE tgname = %s", [TRIGGER]) == (1,)


@pytest.mark.django_db
def test_the_application_role_cannot_replace_a_trigger_function_or_add_a_trigger():
    _refused(f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$")
    _refused(f"CREATE TRIGGER intruder BEFORE INSERT ON accounts_membership FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()")


@pytest.mark.django_db
def test_the_application_role_cannot_drop_or_alter_a_table():
    _refused("DROP TABLE accounts_membership")
    _refused("ALTER TABLE accounts_membership DROP CONSTRAINT IF EXISTS accounts_membership_pkey CASCADE")
    _refused("TRUNCATE accounts_membership CASCADE")


@pytest.mark.django_db
def test_the_application_role_cannot_create_anything_in_the_database():
    cause = _refused("CREATE TABLE public.intruder (id int)")
    assert "permission denied for schema public" in str(cause)
    _refused("CREATE FUNCTION public.intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    _refused("CREATE SCHEMA intruder")


@pytest.mark.django_db
def test_the_application_role_cannot_set_session_replication_role():
    # `replica` would stop ordinary triggers from firing; only a superuser may set it.
    cause = _refused("SET session_replication_role = replica")
    assert "session_replication_role" in str(cause)
    assert _one("SHOW session_replication_role") == ("origin",)


@pytest.mark.django_db
def test_the_trigger_still_guards_what_the_application_role_writes():
    membership, foreign_team = MembershipFactory(), TeamFactory()
    with pytest.raises(DatabaseError), transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(team=foreign_team)


# --- The owner's steps ----------------------------------------------------------------------
@pytest.mark.django_db
def test_switching_to_the_owner_inside_a_transaction_is_refused():
    with pytest.raises(TransactionManagementError, match="outside atomic"), as_owner(connection):
        pass  # pragma: no cover - never reached


@pytest.mark.django_db(transaction=True)
def test_the_owner_is_used_for_the_block_only():
    with as_owner(connection):
        assert _one("SELECT current_user") == (_owner(),)
        with as_owner(connection):  # nested: still the owner, one switch
            assert _one("SELECT current_user") == (_owner(),)
        assert _one("SELECT current_user") == (_owner(),)
    assert _one("SELECT current_user") == (connection.settings_dict["USER"],)


@pytest.mark.django_db(transaction=True)
def test_what_the_owner_creates_later_is_usable_by_the_application_role_and_no_more():
    with as_owner(connection), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE roles_probe (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)")
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO roles_probe (v) VALUES ('row') RETURNING id")
            assert cursor.fetchone()[0] >= 1
            cursor.execute("SELECT v FROM roles_probe")
            assert cursor.fetchall() == [("row",)]
        _refused("TRUNCATE roles_probe")
        _refused("DROP TABLE roles_probe")
    finally:
        with as_owner(connection), connection.cursor() as cursor:
            cursor.execute("DROP TABLE roles_probe")


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_hands_the_connection_back():
    seen: list[str] = []

    def record(**kwargs):
        seen.append(_one("SELECT current_user")[0])

    post_migrate.connect(record, dispatch_uid="test-roles-record")
    try:
        call_command("migrate", verbosity=0, interactive=False)
    finally:
        post_migrate.disconnect(dispatch_uid="test-roles-record")
    assert seen
    assert set(seen) == {_owner()}
    assert _one("SELECT current_user") == (connection.settings_dict["USER"],)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_tables_as_the_owner():
    AgencyFactory()
    call_command("flush", verbosity=0, interactive=False)
    assert not Agency.objects.exists()
    assert _one("SELECT current_user") == (connection.settings_dict["USER"],)


@pytest.mark.django_db(transaction=True)
def test_db_roles_setup_on_a_prepared_database_changes_nothing():
    out = io.StringIO()
    call_command("db_roles_setup", stdout=out)
    assert out.getvalue().splitlines() == [
        f"Database {connection.settings_dict['NAME']} belongs to {_owner()}; "
        f"{connection.settings_dict['USER']} may read and write its rows and owns nothing."
    ]


# --- Settings --------------------------------------------------------------------------------
def test_the_owner_url_gives_the_owner_login_for_the_same_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://haven_app:app-secret@db.example.org:5433/haven")
    monkeypatch.setenv("DATABASE_OWNER_URL", "postgres://haven_owner:owner-secret@db.example.org:5433/haven")
    config = base_settings.database_settings(allow_embedded=False)
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["NAME"]) == (
        "haven_app",
        "app-secret",
        "db.example.org",
        "haven",
    )
    assert config["OWNER"] == {"USER": "haven_owner", "PASSWORD": "owner-secret"}
    assert config["ENGINE"] == "config.db_backend"


def test_an_owner_url_without_a_database_url_is_refused(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_OWNER_URL", "postgres://haven_owner:secret@127.0.0.1/haven")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_OWNER_URL is set but DATABASE_URL is not"):
        base_settings.database_settings(allow_embedded=True)


def test_an_owner_url_that_is_not_postgresql_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://haven_app:secret@127.0.0.1/haven")
    monkeypatch.setenv("DATABASE_OWNER_URL", "mysql://haven_owner:secret@127.0.0.1/haven")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_OWNER_URL must point at PostgreSQL"):
        base_settings.database_settings(allow_embedded=True)


# --- Preparing a server's database (CI, production) ------------------------------------------
@pytest.fixture
def scratch_server(embedded_state_dir):
    """A PostgreSQL server of this test's own, where the test may be a superuser."""
    server = EmbeddedPostgres(embedded_state_dir)
    server.acquire()
    yield server
    server.release()


def _execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _scalar(url: str, sql: str):
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql).fetchone()


def _url(server: EmbeddedPostgres, user: str, password: str = "", database: str = "legacy") -> str:
    port = urlsplit(server.url(SUPERUSER)).port
    login = f"{user}:{password}" if password else user
    return f"postgres://{login}@127.0.0.1:{port}/{database}"


def _setup(state_dir: Path, app_url: str, owner_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": str(Path(sys.executable).parent),
        "HOME": str(state_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": app_url,
        "HAVEN_STATE_DIR": str(state_dir),
        **{key: value for key, value in os.environ.items() if key.startswith("COVERAGE_")},
    }
    if owner_url:
        env["DATABASE_OWNER_URL"] = owner_url
    return subprocess.run(
        [sys.executable, "manage.py", "db_roles_setup", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_db_roles_setup_converts_a_database_the_superuser_owns_and_keeps_its_rows(scratch_server):
    superuser = scratch_server.url(SUPERUSER)
    _execute(superuser.rsplit("/", 1)[0] + "/postgres", "CREATE DATABASE legacy")
    admin = superuser.rsplit("/", 1)[0] + "/legacy"
    _execute(
        admin,
        "CREATE TABLE rows (id bigserial PRIMARY KEY, v text)",
        "INSERT INTO rows (v) VALUES ('kept')",
        "CREATE VIEW row_values AS SELECT v FROM rows",
        "CREATE TYPE mood AS ENUM ('calm')",
        # An application role from a careless earlier setup: a superuser, member of the owner.
        "CREATE ROLE legacy_owner LOGIN",
        "CREATE ROLE legacy_app LOGIN SUPERUSER CREATEDB",
        "GRANT legacy_owner TO legacy_app",
    )
    app_url = _url(scratch_server, "legacy_app", "app-password-1")
    owner_url = _url(scratch_server, "legacy_owner", "owner-password-1")

    first = _setup(scratch_server.state_dir, app_url, owner_url, "--admin-url", admin, "--owner-createdb")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[:-1] == [
        "  give role legacy_owner createdb",
        "  take superuser, createdb from role legacy_app",
        "  remove role legacy_app from role legacy_owner",
        "  give database legacy to legacy_owner (was postgres)",
        "  give 3 objects in schema public to legacy_owner",
    ]

    assert _scalar(app_url, "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user") == (
        "legacy_app",
        False,
    )
    assert _scalar(app_url, "SELECT v FROM row_values") == ("kept",)
    _execute(app_url, "INSERT INTO rows (v) VALUES ('new')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _execute(app_url, "DROP TABLE rows CASCADE")
    assert _scalar(
        admin,
        "SELECT array_agg(DISTINCT pg_get_userbyid(relowner)) FROM pg_class WHERE relnamespace = 'public'::regnamespace",
    ) == (["legacy_owner"],)
    assert _scalar(admin, "SELECT pg_get_userbyid(typowner) FROM pg_type WHERE typname = 'mood'") == ("legacy_owner",)

    again = _setup(scratch_server.state_dir, app_url, owner_url, "--admin-url", admin, "--owner-createdb")
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        "Database legacy belongs to legacy_owner; legacy_app may read and write its rows and owns nothing."
    ]


def test_db_roles_setup_without_a_role_manager_says_whom_to_run_it_as(scratch_server):
    superuser = scratch_server.url(SUPERUSER)
    _execute(superuser.rsplit("/", 1)[0] + "/postgres", "CREATE ROLE plain_owner LOGIN PASSWORD 'pw'")
    _execute(superuser.rsplit("/", 1)[0] + "/postgres", "CREATE DATABASE plain OWNER plain_owner")
    owner_url = _url(scratch_server, "plain_owner", "pw", "plain")
    result = _setup(scratch_server.state_dir, _url(scratch_server, "plain_app", "x", "plain"), owner_url)
    assert result.returncode == 1
    assert "The roles need a change (create role plain_app) that only a superuser" in result.stderr
    assert "--admin-url" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_roles_setup_refuses_an_admin_url_for_another_database(scratch_server):
    admin = scratch_server.url(SUPERUSER)  # the `haven` database
    result = _setup(
        scratch_server,
        _url(scratch_server, "some_app", "x", "elsewhere"),
        _url(scratch_server, "some_owner", "y", "elsewhere"),
        "--admin-url",
        admin,
    )
    assert result.returncode == 1
    assert "--admin-url names the database 'haven', but Haven's database is 'elsewhere'" in result.stderr


def test_db_roles_setup_without_an_owner_url_says_what_to_set(tmp_path):
    result = _setup(tmp_path, "postgres://lone_role:x@127.0.0.1:1/haven", "")
    assert result.returncode == 1
    assert "DATABASE_OWNER_URL is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_scram_verifier_is_what_postgresql_stores():
    verifier = db_roles.scram_verifier("correct horse")
    method, rest = verifier.split("$", 1)
    assert method == "SCRAM-SHA-256"
    assert rest.startswith("4096:")
    assert db_roles.scram_verifier("pässword") == "pässword", "non-ASCII passwords are left to the server"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "trigger"),
    [
        ("cases_case", "cases_case_guard_state"),
        ("cases_case", "cases_case_version"),
        ("cases_casetransition", "cases_casetransition_append_only"),
        ("audit_recordaccess", "audit_recordaccess_append_only"),
    ],
)
def test_the_application_role_cannot_switch_off_the_case_guards(table, trigger):
    _refused(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    _refused(f"DROP TRIGGER {trigger} ON {table}")
    assert _one("SELECT tgenabled FROM pg_trigger WHERE tgname = %s", [trigger]) == ("O",)
