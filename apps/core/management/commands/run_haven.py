"""Run the whole of Haven on one machine: database, web server, worker and scheduler.

This process holds the embedded database (when DATABASE_URL is unset) and supervises
the three children; Ctrl-C or SIGTERM stops the children first, then the database.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection

from apps.accounts.demo import DEMO_PASSWORD
from apps.core.demo import seed_demo_world
from apps.core.health import broker_reachable
from config import embedded_db


class Shutdown(Exception):
    pass


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _raise_shutdown(signum: int, frame: FrameType | None) -> None:
    raise Shutdown


class Command(BaseCommand):
    help = "Start Haven: migrate, load demo data, run the web server, worker and scheduler."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HAVEN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("HAVEN_PORT", "8000")))
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")
        parser.add_argument(
            "--debug",
            action="store_true",
            help="Show Django's debug pages on errors (for developers only; never for real work).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        host, port = options["host"], options["port"]
        if not _port_is_free(host, port):
            raise CommandError(
                f"Port {port} on {host} is already in use; stop the program using it or start "
                f"Haven on another port: HAVEN_PORT={port + 1} python3 haven.py run"
            )
        database_url = self._database_url()
        self._check_broker()
        self.stdout.write("Applying database migrations …")
        call_command("migrate", interactive=False, verbosity=0)
        logins = [] if options["no_demo"] else seed_demo_world().logins

        env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
        if options["debug"]:
            env["DJANGO_DEBUG"] = "1"
        debug = bool(options["debug"] or settings.DEBUG)  # settings read DJANGO_DEBUG as the children will
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}"],
            "worker": [python, "-m", "celery", "-A", "config", "worker", "-l", "INFO", "--concurrency", "2"],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "-l",
                "INFO",
                "-s",
                str(settings.CELERY_BEAT_SCHEDULE_FILENAME),
            ],
        }
        children: dict[str, subprocess.Popen[bytes]] = {}
        previous = {sig: signal.signal(sig, _raise_shutdown) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for name, command in commands.items():
                # Own process group: stopping a child stops its reloader or pool too.
                children[name] = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603
            url = f"http://{host}:{port}/"
            self._wait_for_web(url, children["web"])
            self._announce(url, logins, time.monotonic() - started, debug=debug)
            while True:
                for name, child in children.items():
                    if child.poll() is not None:
                        raise CommandError(
                            f"The {name} process stopped (exit {child.returncode}); Haven is shutting down."
                        )
                time.sleep(0.5)
        except Shutdown:
            self.stdout.write("\nStopping Haven …")
        finally:
            self._stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            connection.close()
            embedded_db.server(settings.HAVEN_STATE_DIR).release()
            self.stdout.write("Haven stopped; the database is shut down cleanly.")

    def _database_url(self) -> str:
        configured = os.environ.get("DATABASE_URL")
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            where = "DATABASE_URL" if configured else "the embedded server"
            raise CommandError(
                f"Cannot connect to the database given by {where} ({str(exc).strip().splitlines()[0]}); "
                "check that the server runs and the URL is right, or unset DATABASE_URL to use the embedded one."
            ) from exc
        if configured:
            return configured
        url = embedded_db.server(settings.HAVEN_STATE_DIR).url()
        assert url is not None  # noqa: S101 - we just connected to it
        return url

    def _check_broker(self) -> None:
        try:
            broker_reachable()
        except Exception as exc:
            raise CommandError(
                f"Cannot reach the task broker at {settings.CELERY_BROKER_URL.split('@')[-1]} ({exc}); start it, "
                "or unset CELERY_BROKER_URL to use the built-in filesystem queue."
            ) from exc

    def _wait_for_web(self, url: str, web: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if web.poll() is not None:
                raise CommandError("The web server did not start; see its messages above.")
            with suppress(OSError), urllib.request.urlopen(f"{url}healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
            time.sleep(0.3)
        raise CommandError("The web server did not answer within 60 seconds.")

    def _announce(self, url: str, logins: list[Any], seconds: float, *, debug: bool) -> None:
        line = "=" * 72
        self.stdout.write(self.style.SUCCESS(f"\n{line}\nHaven is running at {url}  (ready in {seconds:.1f} s)"))
        if debug:
            self.stdout.write(
                self.style.WARNING(
                    "Debug pages are on (--debug or DJANGO_DEBUG): for development only, never real work."
                )
            )
        if logins:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for login in logins:
                self.stdout.write(f"  {login.email:<42} {login.role:<24} {login.agency}")
        self.stdout.write(f"Worker and scheduler are running. Press Ctrl-C to stop.\n{line}")
        self.stdout.flush()  # also when the output goes to a file or a pipe

    def _stop(self, children: dict[str, "subprocess.Popen[bytes]"]) -> None:
        # The leaders first, so the worker finishes its task and returns it to the queue;
        # then whatever is left in each group (runserver's reloaded child, say).
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children.values():
            with suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
        for child in children.values():
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(child.pid, sig)
                except ProcessLookupError:
                    break
                time.sleep(0.5)
            if child.poll() is None:
                child.kill()
                child.wait()
