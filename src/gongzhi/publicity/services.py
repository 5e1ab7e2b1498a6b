"""Writes of publicity. Each is one transaction: lock, check the state machine and the
permission, change, record the notice's history, audit, notify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import IO, Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.core import clock, permissions
from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.errors import InvalidInput
from gongzhi.core.notifications import notify
from gongzhi.core.uploads import clean_image
from gongzhi.places.models import Place
from gongzhi.publicity import periods, workflow
from gongzhi.publicity.choices import NoticeState, PeriodUnit, ProgrammeKind, ProjectStatus
from gongzhi.publicity.documents import clean_document
from gongzhi.publicity.models import (
    Notice,
    NoticeEvent,
    Objection,
    ProgressPhoto,
    ProgressUpdate,
    Project,
    ProjectDocument,
)

MAX_PERIOD_DAYS = 90
MAX_PHOTOS = 9
PROJECT_FIELDS = [
    "title",
    "description",
    "kind",
    "budget_fen",
    "contractor",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
]


# ---------------------------------------------------------------- helpers


def _text(value: str, field: str, message: str | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(fields={field: [message or _("This field is required.")]})
    return value


def _staff_of(place: Place) -> list[User]:
    """Who manages notices at `place` (their grant is on it or above it)."""
    paths = [*place.ancestor_paths(), place.path]
    return list(
        User.objects.filter(
            is_active=True,
            grants__role__in=permissions.roles_for("notice.manage"),
            grants__place__path__in=paths,
        ).distinct()
    )


def notice_url(notice: Notice) -> str:
    return f"/publicity/notices/{notice.pk}/"


def project_url(project: Project) -> str:
    return f"/publicity/projects/{project.pk}/"


def _check_project_fields(fields: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if "title" in fields and not (fields["title"] or "").strip():
        errors["title"] = [_("This field is required.")]
    if "kind" in fields and fields["kind"] not in ProgrammeKind.values:
        errors["kind"] = [_("Choose a programme.")]
    if "budget_fen" in fields and (fields["budget_fen"] is None or fields["budget_fen"] < 0):
        errors["budget_fen"] = [_("The budget cannot be negative.")]
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if fields.get(start) and fields.get(end) and fields[end] < fields[start]:
            errors[end] = [_("The end cannot come before the start.")]
    if errors:
        raise InvalidInput(fields=errors)


# ---------------------------------------------------------------- projects


def project_create(
    *,
    actor: User,
    place: Place,
    title: str,
    kind: str,
    budget_fen: int = 0,
    description: str = "",
    contractor: str = "",
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
) -> Project:
    permissions.require(actor, "project.manage", place)
    fields: dict[str, Any] = {
        "title": title,
        "kind": kind,
        "budget_fen": budget_fen,
        "description": description,
        "contractor": contractor,
        "planned_start": planned_start,
        "planned_end": planned_end,
    }
    _check_project_fields(fields)
    now = clock.now()
    with transaction.atomic():
        project = Project.objects.create(
            place=place,
            created_by=actor,
            created_at=now,
            updated_at=now,
            **{**fields, "title": title.strip(), "contractor": contractor.strip()},
        )
        audit_record(
            actor=actor,
            action="project.created",
            obj=project,
            place=place,
            after=snapshot(project, ["place", *PROJECT_FIELDS, "status"]),
        )
    return project


def project_update(*, actor: User, project: Project, **changes: Any) -> Project:
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("place").get(pk=project.pk)
        workflow.project_check(project, "edit", actor)
        _check_project_fields({**snapshot(project, PROJECT_FIELDS), **changes})
        changed = [name for name, value in changes.items() if getattr(project, name) != value]
        if not changed:
            return project
        before = snapshot(project, changed)
        for name in changed:
            setattr(project, name, changes[name])
        project.updated_at = clock.now()
        project.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="project.updated",
            obj=project,
            place=project.place,
            before=before,
            after=snapshot(project, changed),
        )
    return project


def _project_step(project: Project, name: str, actor: Any, note: str = "") -> None:
    """Move a locked project through its state machine and audit it."""
    transition = workflow.project_check(project, name, actor)
    if transition.needs_note:
        note = _text(note, "note", _("Please give a reason."))
    before = snapshot(project, ["status", "actual_start", "actual_end", "progress_percent"])
    assert transition.target is not None
    project.status = transition.target
    today = clock.today()
    if transition.target == ProjectStatus.IN_PROGRESS and project.actual_start is None:
        project.actual_start = today
    if transition.target == ProjectStatus.COMPLETED:
        project.actual_end = project.actual_end or today
        project.progress_percent = 100
    project.updated_at = clock.now()
    project.save(
        update_fields=["status", "actual_start", "actual_end", "progress_percent", "updated_at"]
    )
    after = snapshot(project, ["status", "actual_start", "actual_end", "progress_percent"])
    audit_record(
        actor=actor,
        action=f"project.{name}",
        obj=project,
        place=project.place,
        before=before,
        after={**after, **({"note": note} if note else {})},
    )


def project_transition(*, actor: User, project: Project, name: str, note: str = "") -> Project:
    """approve, start, complete or cancel (with a reason)."""
    if name not in {"approve", "start", "complete", "cancel"}:
        raise ValueError(name)
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("place").get(pk=project.pk)
        _project_step(project, name, actor, note)
    return project


def project_progress_add(
    *,
    actor: User,
    project: Project,
    percent: int,
    note: str,
    photos: Sequence[IO[bytes]] = (),
) -> ProgressUpdate:
    note = _text(note, "note")
    if not 0 <= percent <= 100:
        raise InvalidInput(fields={"percent": [_("Give a percentage from 0 to 100.")]})
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(fields={"photos": [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]})
    cleaned = [clean_image(photo, name=getattr(photo, "name", "photo")) for photo in photos]
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("place").get(pk=project.pk)
        workflow.project_check(project, "progress", actor)
        update = ProgressUpdate.objects.create(
            project=project, at=clock.now(), percent=percent, note=note, author=actor
        )
        for image in cleaned:
            ProgressPhoto.objects.create(
                update=update, image=image.content, content_type=image.content_type
            )
        before = project.progress_percent
        project.progress_percent = percent
        project.updated_at = clock.now()
        project.save(update_fields=["progress_percent", "updated_at"])
        audit_record(
            actor=actor,
            action="project.progress",
            obj=project,
            place=project.place,
            before={"progress_percent": before},
            after={"progress_percent": percent, "photos": len(cleaned)},
        )
    return update


def project_document_add(
    *, actor: User, project: Project, title: str, upload: IO[bytes]
) -> ProjectDocument:
    title = _text(title, "title")
    permissions.require(actor, "project.manage", project.place)
    document = clean_document(upload)
    with transaction.atomic():
        row = ProjectDocument.objects.create(
            project=project,
            title=title,
            file=document.content,
            content_type=document.content_type,
            size=document.size,
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="project.document_added",
            obj=project,
            place=project.place,
            after={"document": row.pk, "title": title, "type": document.content_type},
        )
    return row


# ---------------------------------------------------------------- notices


def _event(notice: Notice, action: str, actor: Any, note: str = "") -> NoticeEvent:
    return NoticeEvent.objects.create(
        notice=notice,
        at=clock.now(),
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
        ends_at=notice.ends_at,
    )


def _period(period_days: int | None, period_unit: str | None) -> tuple[int, str]:
    days = periods.default_days() if period_days is None else period_days
    unit = period_unit or periods.default_unit()
    errors: dict[str, list[str]] = {}
    if not 1 <= days <= MAX_PERIOD_DAYS:
        errors["period_days"] = [
            _("A notice period lasts 1 to %(n)d days.") % {"n": MAX_PERIOD_DAYS}
        ]
    if unit not in PeriodUnit.values:
        errors["period_unit"] = [_("Count the period in calendar or working days.")]
    if errors:
        raise InvalidInput(fields=errors)
    return days, unit


def notice_publish(
    *,
    actor: User,
    place: Place,
    title: str,
    body: str,
    subject: models.Model | None = None,
    period_days: int | None = None,
    period_unit: str | None = None,
) -> Notice:
    """Publish a notice at `place` about `subject` (a project, a fund statement…, or nothing
    for a decision) for a period (default GONGZHI_NOTICE_PERIOD_DAYS days, in
    GONGZHI_NOTICE_PERIOD_UNIT). A planned project it publishes goes under notice."""
    permissions.require(actor, "notice.manage", place)
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("This field is required.")]
    if not (body or "").strip():
        errors["body"] = [_("This field is required.")]
    subject_place = getattr(subject, "place", None)
    if isinstance(subject_place, Place) and not subject_place.path.startswith(place.path):
        errors["subject"] = [_("The notice must be published where its subject is, or above.")]
    if errors:
        raise InvalidInput(fields=errors)
    days, unit = _period(period_days, period_unit)
    now = clock.now()
    with transaction.atomic():
        notice = Notice(
            place=place,
            title=title.strip(),
            body=body.strip(),
            period_days=days,
            period_unit=unit,
            starts_at=now,
            ends_at=periods.period_end(now, days, unit),
            published_by=actor,
            published_at=now,
        )
        if subject is not None:
            notice.subject = subject
        notice.save()
        _event(notice, "publish", actor)
        if isinstance(subject, Project):
            project = Project.objects.select_for_update().select_related("place").get(pk=subject.pk)
            if project.status == ProjectStatus.PLANNED:
                _project_step(project, "notice", None)
        audit_record(
            actor=actor,
            action="notice.published",
            obj=notice,
            place=place,
            after={
                **snapshot(notice, ["title", "period_days", "period_unit", "ends_at"]),
                "subject": f"{notice.subject_type}:{notice.subject_id}" if subject else None,
            },
        )
    return notice


def _lock_notice(notice: Notice) -> Notice:
    return Notice.objects.select_for_update(of=("self",)).select_related("place").get(pk=notice.pk)


def objection_file(*, actor: User, notice: Notice, body: str) -> Objection:
    """A resident of the notice's place objects, while the period runs."""
    body = _text(body, "body", _("Please say what you object to."))
    with transaction.atomic():
        notice = _lock_notice(notice)
        if not workflow.is_resident(actor, notice.place):
            workflow.notice_check(notice, "object", actor)  # refuses, saying who may object
        if notice.state != NoticeState.OPEN or clock.now() > notice.ends_at:
            end = notice.ends_at.astimezone(clock.SHANGHAI)
            raise workflow.InvalidTransition(
                _("The notice period ended on %(date)s; objections are no longer accepted.")
                % {"date": f"{end:%Y-%m-%d %H:%M}"}
            )
        workflow.notice_check(notice, "object", actor)
        objection = Objection.objects.create(
            notice=notice, author=actor, body=body, created_at=clock.now()
        )
        audit_record(
            actor=actor,
            action="notice.objection_filed",
            obj=objection,
            place=notice.place,
            after={"notice": notice.pk},
        )
        notify(
            recipients=_staff_of(notice.place),
            kind="notice.objection",
            title=_("New objection to the notice %(title)s") % {"title": notice.title},
            body=body,
            url=notice_url(notice),
        )
    return objection


def objection_respond(*, actor: User, objection: Objection, response: str) -> Objection:
    response = _text(response, "response", _("Please write the response."))
    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("author")
            .get(pk=objection.pk)
        )
        notice = _lock_notice(objection.notice)
        workflow.notice_check(notice, "respond", actor)
        before = {"response": objection.response}
        objection.response = response
        objection.responded_by = actor
        objection.responded_at = clock.now()
        objection.save(update_fields=["response", "responded_by", "responded_at"])
        audit_record(
            actor=actor,
            action="notice.objection_answered",
            obj=objection,
            place=notice.place,
            before=before,
            after={"response": response},
        )
        notify(
            recipients=[objection.author],
            kind="notice.response",
            title=_("Your objection to %(title)s was answered") % {"title": notice.title},
            body=response,
            url=notice_url(notice),
        )
    return objection


def _reperiod(*, actor: User, notice: Notice, name: str, reason: str, days: int | None) -> Notice:
    """Extend the period by `days` from its end (or from now, if it is over), or restart it."""
    reason = _text(reason, "reason", _("Please give a reason."))
    with transaction.atomic():
        notice = _lock_notice(notice)
        transition = workflow.notice_check(notice, name, actor)
        before = snapshot(notice, ["state", "starts_at", "ends_at"])
        assert transition.target is not None
        now = clock.now()
        notice.state = transition.target
        if name == "restart":
            notice.starts_at = now
            notice.ends_at = periods.period_end(now, notice.period_days, notice.period_unit)
        else:
            assert days is not None
            start = max(notice.ends_at, now)
            notice.ends_at = periods.period_end(start, days, notice.period_unit)
        notice.ended_at = None
        notice.save(update_fields=["state", "starts_at", "ends_at", "ended_at"])
        _event(notice, name, actor, reason)
        audit_record(
            actor=actor,
            action=f"notice.{name}",
            obj=notice,
            place=notice.place,
            before=before,
            after={**snapshot(notice, ["state", "starts_at", "ends_at"]), "reason": reason},
        )
    return notice


def notice_extend(*, actor: User, notice: Notice, days: int, reason: str) -> Notice:
    """Add `days` (in the notice's unit) to the period, counted from its end."""
    if not 1 <= days <= MAX_PERIOD_DAYS:
        raise InvalidInput(
            fields={"days": [_("Extend by 1 to %(n)d days.") % {"n": MAX_PERIOD_DAYS}]}
        )
    return _reperiod(actor=actor, notice=notice, name="extend", reason=reason, days=days)


def notice_restart(*, actor: User, notice: Notice, reason: str) -> Notice:
    """Start the whole period again from now (after the notice's text changed, say)."""
    return _reperiod(actor=actor, notice=notice, name="restart", reason=reason, days=None)


def notice_close(*, actor: User, notice: Notice, result: str) -> Notice:
    result = _text(result, "result", _("Please write the result."))
    with transaction.atomic():
        notice = _lock_notice(notice)
        workflow.notice_check(notice, "close", actor)
        if notice.objections.filter(responded_at__isnull=True).exists():
            raise workflow.InvalidTransition(
                _("Respond to every objection before closing the notice.")
            )
        notice.state = NoticeState.CLOSED
        notice.result = result
        notice.closed_at = clock.now()
        notice.save(update_fields=["state", "result", "closed_at"])
        _event(notice, "close", actor, result)
        audit_record(
            actor=actor,
            action="notice.closed",
            obj=notice,
            place=notice.place,
            before={"state": NoticeState.ENDED},
            after={"state": notice.state, "result": result},
        )
        objectors = User.objects.filter(objections__notice=notice).distinct()
        notify(
            recipients=list(objectors),
            kind="notice.closed",
            title=_("The notice %(title)s is closed") % {"title": notice.title},
            body=result,
            url=notice_url(notice),
        )
    return notice


def notice_sweep(*, batch: int = 500) -> dict[str, int]:
    """Mark notices whose period is over as ended (awaiting their result) and tell staff."""
    now = clock.now()
    ended = 0
    due = list(
        Notice.objects.filter(state=NoticeState.OPEN, ends_at__lt=now)
        .order_by("ends_at", "id")
        .values_list("pk", flat=True)[:batch]
    )
    for pk in due:
        with transaction.atomic():
            notice = _lock_notice(Notice(pk=pk))
            if notice.state != NoticeState.OPEN or notice.ends_at >= now:
                continue  # extended or ended by someone else meanwhile
            workflow.notice_check(notice, "end", None)
            notice.state = NoticeState.ENDED
            notice.ended_at = now
            notice.save(update_fields=["state", "ended_at"])
            _event(notice, "end", None)
            audit_record(
                actor=None,
                action="notice.ended",
                obj=notice,
                place=notice.place,
                before={"state": NoticeState.OPEN},
                after={"state": NoticeState.ENDED},
            )
            notify(
                recipients=_staff_of(notice.place),
                kind="notice.ended",
                title=_("The notice period of %(title)s is over: close it with a result")
                % {"title": notice.title},
                url=notice_url(notice),
            )
            ended += 1
    return {"ended": ended}
