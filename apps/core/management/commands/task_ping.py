import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.core.tasks import health_ping


class Command(BaseCommand):
    help = "Send a task through the broker and wait for a worker's answer (proves the round trip)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--timeout", type=float, default=30.0)
        parser.add_argument("--queue", default=None, help="Ask the workers of this queue (default: the default queue).")

    def handle(self, *args: Any, **options: Any) -> None:
        token = secrets.token_hex(8)
        try:
            result = health_ping.apply_async(args=(token,), queue=options["queue"])
            answer = result.get(timeout=options["timeout"])
        except Exception as exc:
            raise CommandError(
                f"No worker answered within {options['timeout']:.0f} s ({type(exc).__name__}); "
                "check that the broker and a worker are running."
            ) from exc
        if answer != f"pong:{token}":
            raise CommandError(f"A worker answered, but wrongly: {answer!r}")
        self.stdout.write(self.style.SUCCESS("A worker answered through the broker."))
