from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections


def run_server(*, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the site with gunicorn (static files through WhiteNoise) until Ctrl-C."""
    from gunicorn.app.base import BaseApplication

    class GongzhiServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread" if threads > 1 else "sync")
            self.cfg.set("accesslog", os.environ.get("GONGZHI_ACCESS_LOG") or None)
            self.cfg.set("forwarded_allow_ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"))
            self.cfg.set("timeout", 60)

        def load(self) -> Any:
            from gongzhi.wsgi import application

            return application

    # Workers are forked: no database connection may be inherited from this process.
    connections.close_all()
    GongzhiServer().run()


class Command(BaseCommand):
    help = (
        "Serve Gongzhi with the production server (gunicorn). Needs SECRET_KEY outside demo mode."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("GONGZHI_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("GONGZHI_PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("GONGZHI_THREADS", "4"))
        )
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SECRET_KEY_CONFIGURED:
            raise CommandError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable (or SECRET_KEY_FILE "
                "naming a file that holds it) to a long random string, e.g. the output of\n"
                "  python -c 'import secrets; print(secrets.token_urlsafe(50))'\n"
                "`gongzhi demo` creates one for you in the data directory."
            )
        if not options["no_collectstatic"]:
            from django.core.management import call_command

            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(
            f"Gongzhi on http://{options['host']}:{options['port']}/ (Ctrl-C stops it)"
        )
        run_server(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
        )
