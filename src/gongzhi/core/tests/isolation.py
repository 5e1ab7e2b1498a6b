"""The registry of place-scoped private data, walked by test_isolation.py.

Every model whose rows belong to a place and are not public joins `PRIVATE_TYPES` with a way to
make one, where the UI and the API list and show it, and a change an outsider must be refused.
test_isolation.py fails when a model with a foreign key to Place is in neither `PRIVATE_TYPES`
nor `PUBLIC_MODELS`, so a new type cannot forget to join.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.urls import reverse

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import ApiKey, RoleGrant, User
from gongzhi.accounts.services import role_grant, role_revoke, user_create
from gongzhi.cases.models import Case, RoutingRule
from gongzhi.consultation.models import FaqEntry, Question
from gongzhi.consultation.tests import factories as consultation
from gongzhi.core import clock
from gongzhi.core.audit import audit_record
from gongzhi.duty.models import Roster, ServiceRecord, Volunteer
from gongzhi.fund.models import Fund
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place
from gongzhi.publicity.models import Notice, Project


@dataclass(frozen=True)
class PrivateType:
    name: str
    # The role whose holder on the home community sees the object and on the other does not.
    role: str
    # make(place) → (object, a string that appears wherever the object is shown)
    make: Callable[[Place], tuple[Model, str]]
    ui_list: str | None = None
    ui_detail: Callable[[Any], str] | None = None
    api_list: str | None = None
    api_detail: Callable[[Any], str] | None = None
    # changes(actor, obj): attempts that must raise NotPermitted for the outsider
    changes: list[Callable[[Any, Any], Any]] = field(default_factory=list)


def _courtyard(community: Place) -> Place:
    return Place.objects.filter(parent=community, level=PlaceLevel.COURTYARD).first() or community


def make_person(community: Place) -> tuple[User, str]:
    marker = f"iso_{uuid.uuid4().hex[:10]}"
    person = user_create(actor=None, username=marker, password=None, name=marker)
    role_grant(
        actor=None,
        user=person,
        role=Role.RESIDENT,
        place=_courtyard(community),
        check_permission=False,
    )
    return person, marker


def make_audit_entry(community: Place) -> tuple[Any, str]:
    marker = f"iso-audit-{uuid.uuid4().hex[:10]}"
    entry = audit_record(
        actor=None, action="test.private", place=_courtyard(community), after={"m": marker}
    )
    # The log shows object_repr; an entry without an object shows its action and place.
    return entry, "test.private"


def make_case(community: Place) -> tuple[Case, str]:
    from gongzhi.cases.models import Category
    from gongzhi.cases.services import case_report

    marker = f"隔离测试 {uuid.uuid4().hex[:8]}"
    person, _ = make_person(community)
    courtyard = _courtyard(community)
    case = case_report(
        actor=person,
        channel="web",
        category=Category.objects.get(code="other"),
        nature="inquiry",
        title=marker,
        description="只应在本社区可见",
        place=courtyard,
    )
    return case, marker


def make_objection(community: Place) -> tuple[Any, str]:
    """An objection to a notice of the community: its author is named only to staff there (the
    public sees the name masked, so the full name is the marker)."""
    from gongzhi.publicity.models import Notice, Objection

    person, marker = make_person(community)
    now = clock.now()
    notice = Notice.objects.create(
        place=community,
        title="隔离测试公示",
        body="b",
        period_days=7,
        period_unit="calendar_days",
        starts_at=now,
        ends_at=now,
        published_at=now,
    )
    objection = Objection.objects.create(notice=notice, author=person, body="意见", created_at=now)
    return objection, marker


def _objection_changes() -> list[Callable[[Any, Any], Any]]:
    from gongzhi.publicity import services

    return [
        lambda actor, objection: services.objection_respond(
            actor=actor, objection=objection, response="越权"
        ),
        lambda actor, objection: services.notice_close(
            actor=actor, notice=objection.notice, result="越权"
        ),
    ]


def make_fund_expense(community: Place) -> tuple[Any, str]:
    """A courtyard fund and an expense in it: the ledger names contributors and submitters."""
    from gongzhi.fund import services

    marker = f"隔离基金 {uuid.uuid4().hex[:8]}"
    admin = User.objects.get(username="admin")
    fund = services.fund_create(actor=admin, place=_courtyard(community), name=marker)
    expense = services.expense_create(actor=admin, fund=fund, title=marker, items=[("x", 100)])
    return services.expense_submit(actor=admin, expense=expense), marker


def _fund_changes() -> list[Callable[[Any, Any], Any]]:
    from gongzhi.fund import services

    return [
        lambda actor, expense: services.expense_approve(actor=actor, expense=expense),
        lambda actor, expense: services.expense_reject(actor=actor, expense=expense, reason="越权"),
        lambda actor, expense: services.contribution_post(
            actor=actor, fund=expense.fund, amount=100, source="residents", memo="越权"
        ),
    ]


def _case_changes() -> list[Callable[[Any, Any], Any]]:
    from gongzhi.cases import services

    return [
        lambda actor, case: services.case_accept(actor=actor, case=case),
        lambda actor, case: services.case_escalate(actor=actor, case=case, note="越权"),
        lambda actor, case: services.case_comment(actor=actor, case=case, note="越权"),
        lambda actor, case: services.case_reroute(
            actor=actor, case=case, unit=case.unit, note="越权"
        ),
    ]


def _admin() -> User:
    return User.objects.get(username="admin")


def make_roster(community: Place) -> tuple[Roster, str]:
    from gongzhi.duty.services import roster_create

    marker = f"隔离值班 {uuid.uuid4().hex[:8]}"
    return roster_create(actor=_admin(), place=_courtyard(community), name=marker), marker


def make_volunteer(community: Place) -> tuple[Volunteer, str]:
    from gongzhi.duty.volunteering import volunteer_register

    person, marker = make_person(community)
    return volunteer_register(
        actor=_admin(), user=person, community=community, kind="party_member"
    ), marker


def make_service_record(community: Place) -> tuple[ServiceRecord, str]:
    import datetime as dt

    from gongzhi.core import clock
    from gongzhi.duty.volunteering import service_record

    volunteer, _ = make_volunteer(community)
    marker = f"隔离服务 {uuid.uuid4().hex[:8]}"
    day = clock.today() - dt.timedelta(days=1)
    record = service_record(
        actor=volunteer.user, volunteer=volunteer, date=day, hours="1.5", activity=marker
    )
    return record, marker


def _duty_changes() -> dict[str, list[Callable[[Any, Any], Any]]]:
    import datetime as dt

    from gongzhi.duty import services, volunteering

    day = dt.date(2030, 3, 12)
    return {
        "roster": [
            lambda actor, roster: services.roster_create(
                actor=actor, place=roster.place, name="越权"
            ),
            lambda actor, roster: services.shift_create(
                actor=actor, roster=roster, date=day, start_time=dt.time(9), end_time=dt.time(12)
            ),
            lambda actor, roster: services.rotation_generate(
                actor=actor, roster=roster, start=day, end=day, times=[(dt.time(9), dt.time(12))]
            ),
        ],
        "volunteer": [
            lambda actor, v: volunteering.volunteer_register(
                actor=actor, user=v.user, community=v.community, kind="volunteer"
            ),
            lambda actor, v: volunteering.service_record(
                actor=actor,
                volunteer=v,
                date=day - dt.timedelta(days=3000),
                hours=1,
                activity="越权",
            ),
        ],
        "service record": [
            lambda actor, r: volunteering.service_confirm(actor=actor, record=r),
            lambda actor, r: volunteering.service_reject(actor=actor, record=r),
        ],
    }


PRIVATE_TYPES: list[PrivateType] = [
    PrivateType(
        name="person",
        role=Role.COMMUNITY_WORKER,
        make=make_person,
        ui_list="web:people",
        ui_detail=lambda person: reverse("web:person_detail", args=[person.pk]),
        api_list="api:person-list",
        api_detail=lambda person: reverse("api:person-detail", args=[person.pk]),
        changes=[
            lambda actor, person: role_grant(
                actor=actor, user=person, role=Role.VOLUNTEER, place=person.grants.first().place
            ),
            lambda actor, person: role_revoke(actor=actor, grant=person.grants.first()),
        ],
    ),
    PrivateType(
        name="case",
        role=Role.COMMUNITY_WORKER,
        make=make_case,
        ui_detail=lambda case: reverse("cases:detail", args=[case.pk]),
        api_list="api:case-list",
        api_detail=lambda case: reverse("api:case-detail", args=[case.pk]),
        changes=_case_changes(),
    ),
    PrivateType(
        name="question",
        role=Role.COMMUNITY_WORKER,
        make=consultation.make_question,
        ui_list="consultation:staff",
        ui_detail=consultation.question_detail,
        api_list="api:question-list",
        api_detail=consultation.question_api_detail,
        changes=consultation.question_changes(),
    ),
    PrivateType(
        name="duty roster",
        role=Role.COMMUNITY_WORKER,
        make=make_roster,
        ui_list="duty:rosters",
        ui_detail=lambda roster: reverse("duty:roster", args=[roster.pk]),
        api_list="api:duty-roster-list",
        api_detail=lambda roster: reverse("api:duty-roster-detail", args=[roster.pk]),
        changes=_duty_changes()["roster"],
    ),
    PrivateType(
        name="volunteer registry",
        role=Role.COMMUNITY_WORKER,
        make=make_volunteer,
        ui_list="duty:volunteers",
        api_list="api:duty-volunteer-list",
        api_detail=lambda v: reverse("api:duty-volunteer-detail", args=[v.pk]),
        changes=_duty_changes()["volunteer"],
    ),
    PrivateType(
        name="service record",
        role=Role.COMMUNITY_WORKER,
        make=make_service_record,
        ui_list="duty:volunteers",
        api_list="api:duty-service-record-list",
        changes=_duty_changes()["service record"],
    ),
    PrivateType(
        name="objection",
        role=Role.COMMUNITY_WORKER,
        make=make_objection,
        ui_list="publicity:manage",
        api_list="api:objection-list",
        api_detail=lambda objection: reverse("api:objection-detail", args=[objection.pk]),
        changes=_objection_changes(),
    ),
    PrivateType(
        name="fund expense",
        role=Role.COMMUNITY_WORKER,
        make=make_fund_expense,
        ui_detail=lambda expense: reverse("fund:expense", args=[expense.pk]),
        api_list="api:fund-list",
        api_detail=lambda expense: reverse("api:expense-detail", args=[expense.pk]),
        changes=_fund_changes(),
    ),
    PrivateType(
        name="audit entry",
        role=Role.SUPERVISOR,
        make=make_audit_entry,
        ui_list="web:audit_log",
    ),
]

# Models with a place that are public by design (the division tree, routing configuration,
# the FAQ, projects and notices: their objectors are covered by the "objection" entry).
PUBLIC_MODELS: set[type[Model]] = {Place, RoutingRule, FaqEntry, Project, Notice}
# Models waiting to join PRIVATE_TYPES (none: keep it that way).
PENDING_MODELS: set[type[Model]] = set()
# Models covered by a PrivateType entry above.
COVERED_MODELS: set[type[Model]] = {
    RoleGrant,
    Case,
    Question,
    Roster,
    Volunteer,
    ServiceRecord,
    Fund,
}
# Models only superusers see (in the admin), in no role's pages or lists: an API key's places
# limit what the key may do, they do not make it the place's data.
SUPERUSER_ONLY_MODELS: set[type[Model]] = {ApiKey}
