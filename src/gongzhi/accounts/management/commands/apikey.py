"""`gongzhi apikey create NAME [--places CODE …] [--read-only] [--unit NAME …]`,
`gongzhi apikey list`, `gongzhi apikey revoke PREFIX`.

`create` prints the key alone on its last line, so `gongzhi apikey create app | tail -n 1`
captures it; it is shown this once (only its SHA-256 is stored).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from gongzhi.accounts.models import ApiKey, Unit
from gongzhi.accounts.services import apikey_create, apikey_revoke
from gongzhi.core import clock, request_context
from gongzhi.core.errors import DomainError
from gongzhi.core.validators import is_digits
from gongzhi.places.models import Place


def _place(ref: str) -> Place:
    """A place by its division code, or by its id."""
    place = Place.objects.filter(code=ref).order_by("-code_year", "pk").first()
    if place is None and is_digits(ref):
        place = Place.objects.filter(pk=int(ref)).first()
    if place is None:
        raise CommandError(f"No place with the code or id {ref!r}.")
    return place


def _stamp(value: Any) -> str:
    return f"{value.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}" if value else "-"


class Command(BaseCommand):
    help = "API keys for applications (Open311 clients, back-office systems): create, list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a key; the key is the last line")
        create.add_argument("name", help="the application, e.g. 'City app'")
        create.add_argument(
            "--places",
            nargs="+",
            default=[],
            metavar="CODE",
            help="division codes (or place ids) the key may report in; default: anywhere",
        )
        create.add_argument(
            "--read-only", action="store_true", help="the key may read but never write"
        )
        create.add_argument(
            "--unit",
            action="append",
            default=[],
            metavar="NAME",
            help="make the key's service user a member of this handling unit, so a back "
            "office may push status updates for its cases (repeatable)",
        )
        actions.add_parser("list", help="list the keys (never the keys themselves)")
        revoke = actions.add_parser("revoke", help="revoke a key at once")
        revoke.add_argument("prefix", help="the key's prefix as listed, e.g. gz_1a2b3c4d")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context.using(request_context.RequestContext(channel="cli")):
            try:
                getattr(self, f"_{options['action']}")(options)
            except DomainError as exc:
                detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
                raise CommandError(f"{exc.message} {detail}".strip()) from exc

    def _create(self, options: dict[str, Any]) -> None:
        places = [_place(ref) for ref in options["places"]]
        units = []
        for name in options["unit"]:
            unit = Unit.objects.filter(name=name).first()
            if unit is None:
                raise CommandError(f"No handling unit named {name!r}.")
            units.append(unit)
        created = apikey_create(
            actor=None,
            name=options["name"],
            places=places,
            read_only=options["read_only"],
            units=units,
        )
        key = created.key
        scope = ", ".join(f"{p.name} ({p.code or p.pk})" for p in places) or "anywhere"
        self.stdout.write(f"Created key gz_{key.prefix} for {key.name!r}.")
        self.stdout.write(
            f"Places: {scope}. {'Read-only.' if key.read_only else 'Read and write.'}"
        )
        if units:
            self.stdout.write(
                f"Service user {key.user.username} is a member of: "
                + ", ".join(u.name for u in units)
            )
        self.stdout.write("Copy the key below now: it is stored hashed and never shown again.")
        self.stdout.write(created.raw)

    def _list(self, options: dict[str, Any]) -> None:
        keys = (
            ApiKey.objects.select_related("user").prefetch_related("places").order_by("created_at")
        )
        if not keys:
            self.stdout.write("No API keys.")
            return
        for key in keys:
            places = ",".join(p.code or str(p.pk) for p in key.places.all()) or "anywhere"
            state = f"revoked {_stamp(key.revoked_at)}" if key.revoked_at else "active"
            self.stdout.write(
                f"gz_{key.prefix}  {key.name}  places={places}  "
                f"{'read-only' if key.read_only else 'read-write'}  created {_stamp(key.created_at)}"
                f"  last used {_stamp(key.last_used_at)}  {state}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        prefix = options["prefix"].strip().removeprefix("gz_").rstrip("…").split("_")[0]
        key = ApiKey.objects.filter(Q(prefix=prefix)).first()
        if key is None:
            raise CommandError(f"No API key with the prefix {options['prefix']!r}.")
        if key.revoked_at is not None:
            self.stdout.write(f"gz_{key.prefix} ({key.name}) was already revoked.")
            return
        apikey_revoke(actor=None, key=key)
        self.stdout.write(f"Revoked gz_{key.prefix} ({key.name}).")
