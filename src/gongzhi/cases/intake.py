"""受理 without waiting: the intake queue.

A client that sends `Prefer: respond-async` (RFC 7240) with a resident's own report gets
202 Accepted as soon as the report is checked and stored: the same checks as a synchronous
report (`services.check_report`: category, text, answers; the place exists), read from
per-process caches, and one INSERT. The worker (`gongzhi worker`) registers queued reports in
order of receipt through `services.case_report` — routing, deadlines, timeline, audit,
notifications — each in one transaction that also marks the queue row, so a report becomes a
case exactly once or not at all. A report that can no longer be registered (its category
retired meanwhile, say) is marked rejected with the reasons, and its sender is told.

Why: intake must keep up with bursts (a storm floods a district, a hotline's batch arrives)
without making each resident wait for routing and the audit chain; registration catches up
at the workers' pace, and more workers (PostgreSQL, SKIP LOCKED) register more.

The caches hold only reference data (categories with their questions, place ids seen to
exist) for `CACHE_SECONDS`; a change in this process clears them at once, other processes see
it within that time, and the worker checks everything again against the database.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.cases import services
from gongzhi.cases.choices import Channel, IntakeState, Urgency
from gongzhi.cases.models import Category, CategoryQuestion, Intake
from gongzhi.cases.questions import questions_for
from gongzhi.core import clock
from gongzhi.core.audit import audit_batch, audit_record
from gongzhi.core.errors import InvalidInput, NotFound, NotPermitted
from gongzhi.core.notifications import notify
from gongzhi.core.rows import row_insert
from gongzhi.places.models import Place

CACHE_SECONDS = 30.0
# Rounds of the worker in which an unexpected error may hit one report before it is rejected.
MAX_ATTEMPTS = 3
# Channels of one's own report (a resident's, or an Open311 client's service user's): staff
# registering for a resident are answered synchronously.
OWN_CHANNELS = frozenset({Channel.WEB, Channel.API})
QUEUE_CHANNELS = OWN_CHANNELS | {Channel.OPEN311}
_MAX_KNOWN_PLACES = 200_000
logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- reference data, per process


@dataclass(frozen=True)
class Catalog:
    loaded_at: float
    by_id: dict[int, Category]
    by_code: dict[str, Category]
    questions: dict[int, list[CategoryQuestion]]


_lock = threading.Lock()
_catalog: Catalog | None = None
_known_places: set[int] = set()


def catalog() -> Catalog:
    """Every category with its (inherited) questions, read at most every CACHE_SECONDS."""
    global _catalog
    current = _catalog
    if current is not None and time.monotonic() - current.loaded_at < CACHE_SECONDS:
        return current
    with _lock:
        categories = list(Category.objects.all())
        rows = list(CategoryQuestion.objects.all())
        by_id = {c.pk: c for c in categories}
        for category in categories:  # parents from the same read: lineage without queries
            if category.parent_id is not None:
                category.parent = by_id[category.parent_id]
        current = Catalog(
            loaded_at=time.monotonic(),
            by_id=by_id,
            by_code={c.code: c for c in categories},
            questions={c.pk: questions_for(c, rows) for c in categories},
        )
        _catalog = current
    return current


def place_exists(place_id: int) -> bool:
    """Whether the place exists; a place once seen is remembered (places are not deleted while
    cases point at them, and the worker checks again)."""
    if place_id in _known_places:
        return True
    if not Place.objects.filter(pk=place_id).exists():
        return False
    if len(_known_places) >= _MAX_KNOWN_PLACES:
        _known_places.clear()
    _known_places.add(place_id)
    return True


def catalog_clear(**_kwargs: Any) -> None:
    global _catalog
    _catalog = None


def places_forget(**_kwargs: Any) -> None:
    _known_places.clear()


def caches_clear() -> None:
    catalog_clear()
    places_forget()


for _model, _clear in ((Category, catalog_clear), (CategoryQuestion, catalog_clear)):
    post_save.connect(_clear, sender=_model, dispatch_uid=f"intake-cache-{_model.__name__}")
    post_delete.connect(_clear, sender=_model, dispatch_uid=f"intake-cache-del-{_model.__name__}")
# A place's save cannot make an id stop existing; only a deletion can.
post_delete.connect(places_forget, sender=Place, dispatch_uid="intake-cache-del-Place")


# ---------------------------------------------------------------- accept


def prefers_async(header: str) -> bool:
    """Whether a Prefer header (RFC 7240) asks for respond-async."""
    return any(
        item.split(";", 1)[0].split("=", 1)[0].strip().lower() == "respond-async"
        for item in header.split(",")
    )


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def intake_accept(
    *,
    actor: User,
    category: Category,
    nature: str,
    title: str,
    description: str,
    place_id: int,
    channel: str = Channel.API,
    urgency: str = Urgency.NORMAL,
    answers: dict[str, Any] | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_detail: str = "",
    reporter_may_be_named: bool = False,
) -> Intake:
    """Check a resident's own report and queue it (one INSERT); InvalidInput as `case_report`
    would answer. `category` should come from `catalog()`."""
    if not getattr(actor, "is_authenticated", False):
        raise NotPermitted()
    questions = catalog().questions.get(category.pk)
    errors, clean = services.check_report(
        channel=channel,
        category=category,
        nature=nature,
        urgency=urgency,
        title=title,
        description=description,
        answers=answers,
        reporter=actor,
        questions=questions,
    )
    if channel not in QUEUE_CHANNELS:
        errors["channel"] = [_("Only one's own report can wait in the queue (web or api).")]
    if not place_exists(place_id):
        errors["place"] = [_("No such place.")]
    if errors:
        raise InvalidInput(fields=errors)
    report = {
        "channel": channel,
        "category": category.pk,
        "nature": nature,
        "urgency": urgency,
        "place": place_id,
        "latitude": _decimal(latitude),
        "longitude": _decimal(longitude),
        "address": address,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "contact_detail": contact_detail,
        "reporter_may_be_named": reporter_may_be_named,
        **clean,
    }
    # The queue row is the record of receipt; the case's own audit entries follow when it is
    # registered (in that transaction, with this time of receipt).
    queued = Intake(actor=actor, received_at=clock.now(), report=report)
    row_insert(queued)  # as queued.save(), with the statement compiled once (core/rows.py)
    return queued


def intake_get(*, viewer: Any, intake_id: Any) -> Intake:
    """A queued report, for the one who sent it (NotFound for anyone else)."""
    intake = (
        Intake.objects.filter(pk=intake_id, actor_id=getattr(viewer, "pk", None))
        .select_related("case")
        .first()
    )
    if intake is None:
        raise NotFound()
    return intake


def intake_by_token(token: str) -> Intake | None:
    """A queued report by its id, for Open311's GET tokens/{token} (the token is the proof of
    having sent it, as Open311 has it); None if the token is not one."""
    try:
        key = uuid.UUID(token)
    except ValueError:
        return None
    return Intake.objects.filter(pk=key).select_related("case").first()


# ---------------------------------------------------------------- register (the worker)


def _arguments(report: dict[str, Any]) -> dict[str, Any]:
    """`case_report`'s arguments from a queued report, read again from the database."""
    errors: dict[str, list[str]] = {}
    category = Category.objects.filter(pk=report["category"]).first()
    place = Place.objects.filter(pk=report["place"]).first()
    if category is None:
        errors["category"] = [_("This category is no longer in use.")]
    if place is None:
        errors["place"] = [_("No such place.")]
    if errors:
        raise InvalidInput(fields=errors)
    coordinates = {
        key: None if report[key] is None else Decimal(report[key])
        for key in ("latitude", "longitude")
    }
    # The rest is stored as `case_report` takes it (see intake_accept).
    return {**report, "category": category, "place": place, **coordinates}


def _claim() -> Intake | None:
    """The oldest queued report nobody else is registering (call inside a transaction)."""
    queued = Intake.objects.filter(state=IntakeState.QUEUED).order_by("received_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        queued = queued.select_for_update(skip_locked=True)
    # SQLite: the transaction took the database's write lock when it began (IMMEDIATE).
    return queued.first()


def _told(intake: Intake, actor: User) -> list[User]:
    """Who hears how a queued report went: its sender, unless an Open311 client's service user
    (nobody reads its notifications; the client asks GET tokens/{token})."""
    return [] if intake.report.get("channel") == Channel.OPEN311 else [actor]


def _reject(intake: Intake, actor: User, errors: dict[str, Any], now: Any) -> None:
    intake.state = IntakeState.REJECTED
    intake.errors = {key: [str(m) for m in messages] for key, messages in errors.items()}
    intake.processed_at = now
    intake.save(update_fields=["state", "errors", "processed_at", "attempts"])
    audit_record(
        actor=None,
        action="case.intake_rejected",
        obj=intake,
        place=Place.objects.filter(pk=intake.report.get("place")).first(),
        after={"state": intake.state, "errors": intake.errors},
    )
    notify(
        recipients=_told(intake, actor),
        kind="case.update",
        title=_("Your report could not be registered: %(title)s")
        % {"title": intake.report.get("title", "")},
        body="\n".join(f"{k}: {' '.join(v)}" for k, v in intake.errors.items()),
    )


def intake_register_next() -> str | None:
    """Register the oldest queued report.

    Returns "registered"; "rejected" (it can no longer be registered: the reasons are kept and
    the sender told); "failed" (something unexpected went wrong: it stays queued for the next
    round, and after MAX_ATTEMPTS rounds is rejected); or None when nothing is queued.
    """
    with transaction.atomic():
        intake = _claim()
        if intake is None:
            return None
        actor = User.objects.get(pk=intake.actor_id)
        now = clock.now()
        try:
            # The case, its entries and the queue row's own, chained under one head lock.
            with transaction.atomic(), audit_batch():
                case = services.case_report(
                    actor=actor, received_at=intake.received_at, **_arguments(intake.report)
                )
                intake.state = IntakeState.REGISTERED
                intake.case = case
                intake.processed_at = now
                intake.save(update_fields=["state", "case", "processed_at"])
                audit_record(
                    actor=None,
                    action="case.intake_registered",
                    obj=intake,
                    place=case.place,
                    after={"state": intake.state, "case": case.number},
                )
        except InvalidInput as exc:
            intake.state = IntakeState.QUEUED  # as it was before the rolled-back attempt
            _reject(intake, actor, exc.fields, now)
            return "rejected"
        except Exception:
            logger.exception("Queued report %s could not be registered", intake.pk)
            intake.state, intake.case, intake.processed_at = IntakeState.QUEUED, None, None
            intake.attempts += 1
            if intake.attempts >= MAX_ATTEMPTS:
                _reject(
                    intake,
                    actor,
                    {
                        "report": [
                            _(
                                "It could not be registered because of a fault on our side; please send it again."
                            )
                        ]
                    },
                    now,
                )
                return "rejected"
            intake.save(update_fields=["attempts"])
            return "failed"
        notify(
            recipients=_told(intake, actor),
            kind="case.update",
            title=_("Your report was registered as case %(number)s: %(title)s")
            % {"number": case.number, "title": case.title},
            url=services.case_url(case),
        )
        return "registered"


def intake_register_queued(*, limit: int = 500) -> dict[str, int]:
    """Register up to `limit` queued reports, oldest first (the worker's loop calls this).
    A report that fails unexpectedly ends the round, so it is tried again at the next one."""
    done = {"registered": 0, "rejected": 0, "failed": 0}
    for _i in range(limit):
        outcome = intake_register_next()
        if outcome is None:
            break
        done[outcome] += 1
        if outcome == "failed":
            break
    return done


def intake_purge(*, keep_days: int | None = None) -> int:
    """Delete queue rows registered or rejected more than `keep_days` (GONGZHI_INTAKE_KEEP_DAYS,
    30) ago: a registered report lives on as its case, and the row's copy of the report (with
    the contact details) is not kept longer than the sender may ask about it. One audit entry
    records how many went. Returns that number."""
    days = settings.GONGZHI_INTAKE_KEEP_DAYS if keep_days is None else keep_days
    cutoff = clock.now() - dt.timedelta(days=days)
    with transaction.atomic():
        old = Intake.objects.exclude(state=IntakeState.QUEUED).filter(processed_at__lt=cutoff)
        count, _by_model = old.delete()
        if count:
            audit_record(
                actor=None,
                action="case.intake_purged",
                after={"deleted": count, "processed_before": cutoff.isoformat()},
            )
    return count
