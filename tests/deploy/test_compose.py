"""The production container stack: docker-compose.yml, the Dockerfile and the entrypoint.

No container engine is needed. The files are parsed, and what the containers would run
(the entrypoint's checks, the WSGI and Celery targets, collectstatic, the web health check)
runs here under the production settings, with the environment the compose file gives.
"""

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
import yaml

from apps.core.crypto import new_key_text
from config.embedded_db import SUPERUSER, EmbeddedPostgres

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = Path("docker") / "entrypoint.sh"
OPERATIONS_GUIDE = ROOT / "docs" / "operations.md"
VENV_BIN = Path(sys.executable).parent
APP_SERVICES = ("web", "worker", "beat")

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}, and $$.
COMPOSE_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


# --- Reading the files ---------------------------------------------------------------------
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(loaded, dict)
    return loaded


def service(name: str) -> dict[str, Any]:
    services = compose()["services"]
    assert name in services, f"no {name!r} service"
    return dict(services[name])


class MissingVariable(LookupError):
    pass


def interpolate(value: str, shell: Mapping[str, str]) -> str:
    """Substitute variables the way Compose does, from `shell`."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        current = shell.get(name)
        if op == ":-":
            return current or arg
        if op == "-":
            return arg if current is None else current
        if op == ":?" and not current:
            raise MissingVariable(name, arg)
        if op == "?" and current is None:
            raise MissingVariable(name, arg)
        return current or ""

    return COMPOSE_VARIABLE.sub(replace, value)


def service_environment(name: str, shell: Mapping[str, str]) -> dict[str, str]:
    """A service's container environment; a key without a value passes the shell's through."""
    environment: dict[str, str] = {}
    for key, value in (service(name).get("environment") or {}).items():
        if value is None:
            if key in shell:
                environment[key] = shell[key]
        else:
            environment[key] = interpolate(str(value), shell)
    return environment


def operator_shell(**extra: str) -> dict[str, str]:
    """What an operator exports before `docker compose up`: only the required values."""
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "POSTGRES_PASSWORD": secrets.token_hex(16),
        "POSTGRES_APP_PASSWORD": secrets.token_hex(16),
        "HAVEN_MASTER_KEYS": f"k1:{new_key_text()}",
        "HAVEN_SEARCH_KEY": new_key_text(),
        **extra,
    }


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, arguments = full.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def final_stage() -> list[tuple[str, str]]:
    """The instructions of the last stage: the image that runs."""
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list), f"expected the exec (JSON) form, got {arguments!r}"
    return [str(part) for part in value]


def image_env() -> dict[str, str]:
    """ENV of the final stage (KEY=value pairs)."""
    values: dict[str, str] = {}
    for keyword, arguments in final_stage():
        if keyword == "ENV":
            for pair in shlex.split(arguments):
                key, _, value = pair.partition("=")
                values[key] = value
    return values


# --- Running things the way the containers do -------------------------------------------
def base_env(tmp_path: Path) -> dict[str, str]:
    """A clean process environment: this project's Python first, nothing from pytest's settings."""
    env = {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "HAVEN_STATE_DIR": str(tmp_path / "state"),
    }
    env.update({key: value for key, value in os.environ.items() if key.startswith("COVERAGE_")})
    return env


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    return {
        **base_env(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_hex(32),
        "DJANGO_ALLOWED_HOSTS": "haven.example.org",
        "DATABASE_URL": "postgres://x:y@127.0.0.1:1/x",
        "DATABASE_OWNER_URL": "postgres://o:z@127.0.0.1:1/x",
        "HAVEN_MASTER_KEYS": f"k1:{new_key_text()}",
        "HAVEN_SEARCH_KEY": new_key_text(),
    }


def run_entrypoint(env: Mapping[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(ENTRYPOINT), *command],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_python(env: Mapping[str, str], script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- The compose file ---------------------------------------------------------------------
def test_compose_defines_the_production_services():
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose()["services"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_are_built_from_this_repository(name):
    assert service(name)["build"] == "."
    assert "image" not in service(name), "with an image name Compose would try to pull it first"


@pytest.mark.parametrize(("name", "probe"), [("postgres", "pg_isready"), ("redis", "redis-cli")])
def test_backing_services_have_health_checks(name, probe):
    assert probe in service(name)["healthcheck"]["test"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_postgres_and_redis(name):
    depends_on = service(name)["depends_on"]
    assert depends_on["postgres"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_worker_and_beat_do_not_wait_for_a_healthy_web(name):
    # /readyz needs the scheduler's heartbeat, so web only turns healthy once these run.
    condition = service(name).get("depends_on", {}).get("web", {}).get("condition")
    assert condition != "service_healthy"


def test_only_web_runs_migrations():
    shell = operator_shell()
    assert service_environment("web", shell).get("HAVEN_MIGRATE") == "1"
    assert "HAVEN_MIGRATE" not in service_environment("worker", shell)
    assert "HAVEN_MIGRATE" not in service_environment("beat", shell)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_share_the_production_settings(name):
    env = service_environment(name, operator_shell())
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "true"


def test_secret_key_and_database_passwords_must_be_set():
    required = {m.group("name") for m in COMPOSE_VARIABLE.finditer(COMPOSE.read_text()) if m.group("op") == ":?"}
    assert {
        "DJANGO_SECRET_KEY",
        "POSTGRES_PASSWORD",
        "POSTGRES_APP_PASSWORD",
        "HAVEN_MASTER_KEYS",
        "HAVEN_SEARCH_KEY",
    } <= required
    with pytest.raises(MissingVariable, match="DJANGO_SECRET_KEY"):
        service_environment("web", {k: v for k, v in operator_shell().items() if k != "DJANGO_SECRET_KEY"})
    with pytest.raises(MissingVariable, match="POSTGRES_APP_PASSWORD"):
        service_environment("worker", {k: v for k, v in operator_shell().items() if k != "POSTGRES_APP_PASSWORD"})
    for key in ("HAVEN_MASTER_KEYS", "HAVEN_SEARCH_KEY"):
        with pytest.raises(MissingVariable, match=key):
            service_environment("worker", {k: v for k, v in operator_shell().items() if k != key})


def test_the_owner_url_is_the_postgres_services_user_and_database():
    shell = operator_shell()
    owner = urlsplit(service_environment("web", shell)["DATABASE_OWNER_URL"])
    postgres = {key: interpolate(str(value), shell) for key, value in service("postgres")["environment"].items()}
    assert owner.hostname == "postgres"
    assert owner.username == postgres["POSTGRES_USER"]
    assert owner.password == postgres["POSTGRES_PASSWORD"] == shell["POSTGRES_PASSWORD"]
    assert owner.path.lstrip("/") == postgres["POSTGRES_DB"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_haven_logs_in_as_another_role_than_the_owner(name):
    shell = operator_shell()
    app = urlsplit(service_environment(name, shell)["DATABASE_URL"])
    owner = urlsplit(service_environment("web", shell)["DATABASE_OWNER_URL"])
    assert (app.hostname, app.port, app.path) == (owner.hostname, owner.port, owner.path)
    assert app.username != owner.username
    assert app.password == shell["POSTGRES_APP_PASSWORD"] != shell["POSTGRES_PASSWORD"]


def test_only_web_knows_the_owners_login():
    shell = operator_shell()
    assert "DATABASE_OWNER_URL" in service_environment("web", shell)
    assert "DATABASE_OWNER_URL" not in service_environment("worker", shell)
    assert "DATABASE_OWNER_URL" not in service_environment("beat", shell)


def test_broker_and_cache_use_separate_redis_databases():
    env = service_environment("web", operator_shell())
    broker, cache = urlsplit(env["CELERY_BROKER_URL"]), urlsplit(env["REDIS_URL"])
    assert broker.hostname == cache.hostname == "redis"
    assert broker.path != cache.path


def test_web_port_is_published_on_loopback_only():
    for mapping in service("web")["ports"]:
        assert str(mapping).startswith("127.0.0.1:"), mapping
        assert str(mapping).endswith(":8000")


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_commands_use_the_config_app(name):
    command = service(name)["command"]
    assert command[:3] == ["celery", "-A", "config"]
    assert name in command
    assert (VENV_BIN / "celery").is_file()


def test_celery_app_named_in_compose_loads_with_production_settings(production_env):
    app_name = service("worker")["command"][2]
    result = run_python(
        production_env,
        """
        import sys
        from celery.app.utils import find_app
        from config.celery import app
        found = find_app(sys.argv[1])
        assert found is app, (found, app)
        print(found.main)
        """,
        app_name,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "haven"


def test_every_compose_variable_is_documented_for_operators():
    text = COMPOSE.read_text()
    names = {m.group("name") for m in COMPOSE_VARIABLE.finditer(text) if m.group("name")}
    names |= {key for key, value in compose()["x-haven-environment"].items() if value is None}
    guide = OPERATIONS_GUIDE.read_text()
    assert not sorted(name for name in names if name not in guide)


# --- The web health check -----------------------------------------------------------------
def healthcheck_command() -> list[str]:
    test = service("web")["healthcheck"]["test"]
    assert test[0] == "CMD"
    return [str(part) for part in test[1:]]


def test_web_healthcheck_targets_readyz_on_the_gunicorn_port():
    command = healthcheck_command()
    assert command[:2] == ["python", "-c"]
    assert "http://127.0.0.1:8000/readyz" in command[2]


@pytest.fixture
def app_server(tmp_path) -> Iterator[Callable[..., tuple[int, dict[str, str]]]]:
    """Serve the production WSGI app, with the compose web environment, on a free port.

    Readiness checks are replaced by fixed answers: the point is what happens to the health
    check's request on its way to the view (host validation, HTTPS redirect), not the checks.
    """
    started: list[subprocess.Popen[str]] = []

    def start(*, shell: Mapping[str, str], failing: tuple[str, ...] = ()) -> tuple[int, dict[str, str]]:
        env = {**base_env(tmp_path), **service_environment("web", shell), "DJANGO_STATIC_ROOT": str(tmp_path)}
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                textwrap.dedent(
                    """
                    import sys
                    from wsgiref.simple_server import WSGIRequestHandler, make_server

                    from config.wsgi import application
                    from apps.core import health

                    failing = set(sys.argv[1:])
                    for name in health.CHECKS:
                        health.CHECKS[name] = (lambda: False) if name in failing else (lambda: True)

                    class Quiet(WSGIRequestHandler):
                        def log_message(self, *args):
                            pass

                    server = make_server("127.0.0.1", 0, application, handler_class=Quiet)
                    print(server.server_port, flush=True)
                    server.serve_forever()
                    """
                ),
                *failing,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        started.append(server)
        assert server.stdout is not None
        port = server.stdout.readline().strip()
        assert port.isdigit(), "the production app did not start"
        return int(port), env

    yield start
    for server in started:
        server.terminate()
        server.wait(timeout=10)


def run_healthcheck(port: int, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    command = [part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in healthcheck_command()]
    return subprocess.run(command, env=dict(env), capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.parametrize(
    "allowed_hosts",
    [None, "haven.example.org,www.haven.example.org", ".haven.example.org"],
    ids=["compose-default", "host-list", "subdomain-pattern"],
)
def test_web_healthcheck_passes_when_ready_despite_https_redirect(app_server, allowed_hosts):
    shell = operator_shell() if allowed_hosts is None else operator_shell(DJANGO_ALLOWED_HOSTS=allowed_hosts)
    port, env = app_server(shell=shell)
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "true"
    result = run_healthcheck(port, env)
    assert result.returncode == 0, result.stderr


def test_web_healthcheck_fails_when_a_readiness_check_fails(app_server):
    port, env = app_server(shell=operator_shell(), failing=("scheduler",))
    result = run_healthcheck(port, env)
    assert result.returncode != 0
    assert "503" in result.stderr


# --- The Dockerfile -----------------------------------------------------------------------
def test_image_is_based_on_python_311_slim():
    bases = [arguments.split()[0] for keyword, arguments in dockerfile_instructions() if keyword == "FROM"]
    assert bases
    assert all(base == "python:3.11-slim" for base in bases)


def test_image_installs_the_locked_dependencies_without_dev_tools():
    runs = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "RUN"]
    sync = [run for run in runs if "uv sync" in run]
    assert sync, "no `uv sync` in the Dockerfile"
    assert "--locked" in sync[0]
    assert "--no-dev" in sync[0]


def test_image_uses_the_same_uv_version_as_haven_py():
    version = re.search(r'^UV_VERSION = "([^"]+)"', (ROOT / "haven.py").read_text(), re.MULTILINE)
    assert version is not None
    assert f"uv=={version.group(1)}" in DOCKERFILE.read_text()


def test_image_runs_as_an_unprivileged_user():
    users = [arguments for keyword, arguments in final_stage() if keyword == "USER"]
    assert users, "no USER: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


def test_image_entrypoint_is_the_executable_entrypoint_script():
    workdir = [arguments for keyword, arguments in final_stage() if keyword == "WORKDIR"][-1]
    entrypoint = [exec_form(arguments) for keyword, arguments in final_stage() if keyword == "ENTRYPOINT"][-1]
    script = Path(entrypoint[0])
    if script.is_absolute():
        script = script.relative_to(workdir)
    assert script == ENTRYPOINT
    assert (ROOT / script).is_file()
    assert os.access(ROOT / script, os.X_OK)


def test_entrypoint_script_is_posix_sh_that_stops_on_errors():
    lines = (ROOT / ENTRYPOINT).read_text().splitlines()
    assert lines[0] == "#!/bin/sh"
    assert "set -eu" in lines
    assert lines[-1] == 'exec "$@"'


def test_image_serves_gunicorn_on_port_8000_without_its_access_log():
    command = [exec_form(arguments) for keyword, arguments in final_stage() if keyword == "CMD"][-1]
    exposed = [arguments for keyword, arguments in final_stage() if keyword == "EXPOSE"]
    assert command[0] == "gunicorn"
    assert "0.0.0.0:8000" in command
    assert "8000" in exposed
    # Gunicorn's access log would record query strings; Haven writes its own without them.
    assert not [arg for arg in command if arg.startswith(("--access-log", "--access-logfile"))]
    assert "GUNICORN_CMD_ARGS" not in image_env()


def test_gunicorn_target_loads_with_production_settings(production_env):
    command = [exec_form(arguments) for keyword, arguments in final_stage() if keyword == "CMD"][-1]
    target = command[1]  # gunicorn's one positional argument, MODULE:VARIABLE
    module, _, attribute = target.partition(":")
    result = run_python(
        production_env,
        """
        import importlib, sys
        application = getattr(importlib.import_module(sys.argv[1]), sys.argv[2])
        assert callable(application)
        """,
        module,
        attribute,
    )
    assert result.returncode == 0, result.stderr
    assert (module, attribute) == ("config.wsgi", "application")


def test_image_environment_holds_no_secret_key():
    assert "DJANGO_SECRET_KEY" not in image_env()
    assert not [
        arguments for keyword, arguments in dockerfile_instructions() if keyword == "ARG" and "SECRET" in arguments
    ]


def test_collectstatic_succeeds_with_the_dockerfile_build_values(tmp_path):
    run = next(arguments for keyword, arguments in final_stage() if keyword == "RUN" and "collectstatic" in arguments)
    words = shlex.split(run)
    assignments = dict(word.split("=", 1) for word in words[: words.index("python")])
    # The image's settings module and build values; this machine's Python and folders.
    env = {**image_env(), **base_env(tmp_path), **assignments, "DJANGO_STATIC_ROOT": str(tmp_path / "static")}
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    result = subprocess.run(
        words[words.index("python") :],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").is_file()


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    patterns = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".venv", ".haven", ".git", ".env"} <= patterns


# --- The entrypoint -----------------------------------------------------------------------
def test_entrypoint_passes_with_a_production_environment(production_env):
    result = run_entrypoint(production_env, "true")
    assert result.returncode == 0, result.stderr


def test_entrypoint_passes_with_the_compose_worker_environment(tmp_path):
    env = {**base_env(tmp_path), **service_environment("worker", operator_shell())}
    result = run_entrypoint(env, "true")
    assert result.returncode == 0, result.stderr


def test_entrypoint_refuses_a_missing_secret_key(production_env):
    del production_env["DJANGO_SECRET_KEY"]
    result = run_entrypoint(production_env, "true")
    assert result.returncode != 0
    assert "haven: configuration problem: DJANGO_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_entrypoint_refuses_missing_allowed_hosts(production_env):
    del production_env["DJANGO_ALLOWED_HOSTS"]
    result = run_entrypoint(production_env, "true")
    assert result.returncode != 0
    assert "haven: configuration problem: DJANGO_ALLOWED_HOSTS" in result.stderr
    assert "Traceback" not in result.stderr


def test_entrypoint_refuses_to_start_without_https_redirect(production_env):
    production_env["DJANGO_SECURE_SSL_REDIRECT"] = "false"
    result = run_entrypoint(production_env, "true")
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_entrypoint_does_not_run_the_command_after_a_failed_check(production_env):
    del production_env["DJANGO_SECRET_KEY"]
    result = run_entrypoint(production_env, "echo", "command-started")
    assert "command-started" not in result.stdout


def test_entrypoint_passes_the_command_arguments_unchanged(production_env):
    result = run_entrypoint(production_env, "printf", "[%s]\\n", "two words", "x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == ["[two words]", "[x]"]


def test_entrypoint_sets_up_the_roles_before_migrating():
    lines = [line.strip() for line in (ROOT / ENTRYPOINT).read_text().splitlines()]
    assert lines.index("python manage.py db_roles_setup") < lines.index("python manage.py migrate --noinput")


def test_entrypoint_stops_when_migrating_fails(production_env):
    production_env["HAVEN_MIGRATE"] = "1"  # the database at 127.0.0.1:1 does not answer
    result = run_entrypoint(production_env, "echo", "command-started")
    assert result.returncode != 0
    assert "command-started" not in result.stdout
    assert "haven: cannot reach the database" in result.stderr


# --- The entrypoint against a real PostgreSQL, as the stack starts web ----------------------
@pytest.fixture
def postgres_like_the_image():
    """A PostgreSQL server where the test may create what the postgres image creates."""
    folder = Path(tempfile.mkdtemp(prefix="haven-test-state-"))  # not below pytest's tmp root
    server = EmbeddedPostgres(folder / "state")
    server.acquire()
    yield server
    server.release()
    shutil.rmtree(folder, ignore_errors=True)


def test_entrypoint_creates_the_application_role_and_migrates_as_the_owner(tmp_path, postgres_like_the_image):
    server, shell = postgres_like_the_image, operator_shell()
    with psycopg.connect(server.url(SUPERUSER), autocommit=True) as conn:
        # What the postgres image makes of POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB.
        conn.execute(f"CREATE ROLE haven LOGIN SUPERUSER PASSWORD '{shell['POSTGRES_PASSWORD']}'")
        conn.execute("CREATE DATABASE compose OWNER haven")
    here = f"@127.0.0.1:{urlsplit(server.url(SUPERUSER)).port}/compose"
    web = {key: value.replace("@postgres:5432/haven", here) for key, value in service_environment("web", shell).items()}
    env = {**base_env(tmp_path), **web}

    result = run_entrypoint(env, "echo", "command-started")

    assert result.returncode == 0, result.stderr
    assert "Database compose belongs to haven; haven_app may read and write its rows" in result.stdout
    assert result.stdout.splitlines()[-1] == "command-started"
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        assert conn.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (
            "haven_app",
            False,
        )
        assert conn.execute("SELECT count(*) > 0 FROM django_migrations").fetchone() == (True,)
        owners = conn.execute(
            "SELECT array_agg(DISTINCT pg_get_userbyid(relowner)) FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace"
        ).fetchone()
        assert owners == (["haven"],), "migrations ran as the owner"
    with pytest.raises(psycopg.errors.InsufficientPrivilege), psycopg.connect(env["DATABASE_URL"]) as conn:
        conn.execute("ALTER TABLE accounts_membership DISABLE TRIGGER accounts_membership_team_in_agency")

    restarted = run_entrypoint(env, "true")
    assert restarted.returncode == 0, restarted.stderr
