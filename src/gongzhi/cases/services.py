"""Writes to cases. Each is one transaction: lock the case, check the state machine, change,
write the timeline, audit, notify. A case's state changes only here."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gongzhi.accounts.models import RoleGrant, Unit, User
from gongzhi.cases import deadlines, routing, workflow
from gongzhi.cases.choices import (
    AWAITING_ACCEPT,
    HANDLING,
    REOPENING_REASONS,
    CaseState,
    Channel,
    CloseReason,
    DissatisfactionReason,
    ExtensionState,
    Nature,
    Rating,
    ReturnReason,
    Urgency,
)
from gongzhi.cases.models import (
    Case,
    CaseEvent,
    CaseFollower,
    CasePhoto,
    Category,
    CategoryQuestion,
    ExtensionRequest,
    FollowUp,
    SupervisionNote,
)
from gongzhi.cases.questions import clean_answers
from gongzhi.core import clock, permissions
from gongzhi.core.audit import audit_batch, audit_record
from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.notifications import notify
from gongzhi.core.uploads import clean_image
from gongzhi.core.workdays import workdays_between
from gongzhi.places.models import Place

MAX_PHOTOS = 9
STAFF_CHANNELS = {Channel.AGENT, Channel.PHONE, Channel.PATROL}
# Choices' values as sets: `.values` builds a new list on every call.
_NATURES, _URGENCIES, _CHANNELS = (frozenset(c.values) for c in (Nature, Urgency, Channel))


# ---------------------------------------------------------------- helpers


def _lock(case: Case) -> Case:
    # of=("self",): PostgreSQL cannot lock the nullable side of the join to the unit.
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("place", "unit", "category")
        .get(pk=case.pk)
    )


def _event(
    case: Case,
    transition: workflow.Transition,
    *,
    actor: Any,
    from_state: str,
    note: str = "",
    public_note: str = "",
    unit: Unit | None = None,
    data: dict[str, Any] | None = None,
    tell_followers: bool = True,
) -> CaseEvent:
    actor_unit_id = (
        case.unit_id
        if actor is not None and permissions.is_unit_member(actor, case.unit_id)
        else None
    )
    event = CaseEvent.objects.create(
        case=case,
        at=clock.now(),
        action=transition.name,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_unit_id=actor_unit_id,
        from_state=from_state,
        to_state=case.state,
        unit=unit,
        note=note,
        public_note=public_note if transition.public else "",
        is_public=transition.public,
        data=data or {},
    )
    if tell_followers:
        _tell_followers(case, event)
    return event


def _tell_followers(case: Case, event: CaseEvent) -> None:
    """Followers (and reporters of cases merged into this one) get the public updates.

    A follower may be a neighbour who sees only the public page, so the message is the public
    one: names and numbers masked, linking to the transparency page.
    """
    if not event.is_public or event.action == "submit":
        return
    recipients = list(
        User.objects.filter(
            Q(followed_cases__case=case) | Q(reported_cases__merged_into=case), is_active=True
        )
        .exclude(pk=case.reporter_id or 0)
        .distinct()
    )
    if recipients:
        from gongzhi.cases.public import public_case_url, public_text, sensitive_names

        names = sensitive_names(case)
        notify(
            recipients=recipients,
            kind="case.update",
            title=_("Update on %(title)s: %(step)s")
            % {
                "title": public_text(case.title, names),
                "step": public_text(event.public_note, names) or case.get_state_display(),
            },
            url=public_case_url(case) or case_url(case),
        )


def _save(case: Case, fields: list[str]) -> None:
    case.updated_at = clock.now()
    case.save(update_fields=[*fields, "updated_at"])


def _audit(
    actor: Any, action: str, case: Case, before: dict[str, Any], after: dict[str, Any]
) -> None:
    audit_record(
        actor=actor, action=f"case.{action}", obj=case, place=case.place, before=before, after=after
    )


def _require_note(transition: workflow.Transition, note: str, field: str = "note") -> str:
    note = (note or "").strip()
    if transition.needs_note and not note:
        raise InvalidInput(fields={field: [_("Please give a reason or a note.")]})
    return note


def _unit_members(unit: Unit | None) -> list[User]:
    return list(unit.members.filter(is_active=True)) if unit is not None else []


def _supervisors(place: Place) -> list[User]:
    paths = [*place.ancestor_paths(), place.path]
    return list(
        User.objects.filter(
            is_active=True, grants__role="supervisor", grants__place__path__in=paths
        ).distinct()
    )


def _dispatchers(place: Place) -> list[User]:
    paths = [*place.ancestor_paths(), place.path]
    grants = RoleGrant.objects.filter(role__in=["community_worker"], place__path__in=paths)
    return list(User.objects.filter(is_active=True, grants__in=grants).distinct())


def case_url(case: Case) -> str:
    return f"/cases/{case.pk}/"


def _tell_unit(unit: Unit | None, case: Case, *, kind: str, title: str, body: str = "") -> None:
    """Notify every active member of `unit` about `case`."""
    notify(recipients=_unit_members(unit), kind=kind, title=title, body=body, url=case_url(case))


def _tell_reporter(case: Case, kind: str, title: str) -> None:
    if case.reporter_id:
        notify(recipients=[case.reporter], kind=kind, title=title, url=case_url(case))


def _set_deadlines(case: Case, start: dt.datetime) -> None:
    limit = deadlines.limit_for(category=case.category, nature=case.nature, urgency=case.urgency)
    case.accept_due_at, case.resolve_due_at = deadlines.due_both(start, limit)
    case.reminded_at = None


def _new_number(at: dt.datetime) -> str:
    return f"{at.astimezone(clock.SHANGHAI):%Y%m%d}{secrets.randbelow(10**6):06d}"


# ---------------------------------------------------------------- intake


def check_report(
    *,
    channel: str,
    category: Category,
    nature: str,
    urgency: str,
    title: str,
    description: str,
    answers: dict[str, Any] | None,
    contact_phone: str = "",
    reporter: User | None = None,
    questions: list[CategoryQuestion] | None = None,
) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """A report's checks, for `case_report` and the intake queue alike: the errors by field, and
    the clean title, description and answers. `questions`: the category's, if already at hand."""
    errors: dict[str, list[str]] = {}
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        errors["title"] = [_("Please give a short title.")]
    elif len(title) > 80:
        errors["title"] = [_("At most 80 characters.")]
    if not description:
        errors["description"] = [_("Please describe the problem.")]
    elif len(description) > 4000:
        errors["description"] = [_("At most 4,000 characters.")]
    if nature not in _NATURES:
        errors["nature"] = [_("Choose what kind of request this is.")]
    if urgency not in _URGENCIES:
        errors["urgency"] = [_("Choose an urgency.")]
    if channel not in _CHANNELS:
        errors["channel"] = [_("Unknown channel.")]
    if not category.is_active:
        errors["category"] = [_("This category is no longer in use.")]
    if channel in {Channel.AGENT, Channel.PHONE} and not (
        contact_phone or (reporter and reporter.phone)
    ):
        errors["contact_phone"] = [_("Record how the resident can be reached.")]
    try:
        clean = clean_answers(category, answers or {}, questions)
    except InvalidInput as exc:
        errors.update(exc.fields)
        clean = {}
    return errors, {"title": title, "description": description, "answers": clean}


def case_report(
    *,
    actor: User,
    channel: str,
    category: Category,
    nature: str,
    title: str,
    description: str,
    place: Place,
    urgency: str = Urgency.NORMAL,
    answers: dict[str, Any] | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    address: str = "",
    photos: Sequence[IO[bytes]] = (),
    contact_name: str = "",
    contact_phone: str = "",
    contact_detail: str = "",
    reporter_may_be_named: bool = False,
    on_behalf_of: User | None = None,
    received_at: dt.datetime | None = None,
    timeline: list[CaseEvent] | None = None,
) -> Case:
    """受理: a resident reports, or an agent or worker registers a case for a resident or from patrol.

    Everything is validated before anything is written; the case is routed at once.
    `received_at`: when the report came in, if earlier than now (a report from the intake
    queue, see cases/intake.py); the case counts as submitted then.
    `timeline`: a list that receives the timeline entries written, in order and with their
    photos loaded, for a caller that answers with the new case without reading it back.
    """
    if not getattr(actor, "is_authenticated", False):
        raise NotPermitted()
    if channel in STAFF_CHANNELS:
        permissions.require(actor, "case.register", place)
        reporter = on_behalf_of
    else:
        reporter = actor
    errors, clean = check_report(
        channel=channel,
        category=category,
        nature=nature,
        urgency=urgency,
        title=title,
        description=description,
        answers=answers,
        contact_phone=contact_phone,
        reporter=reporter,
    )
    title, description = clean["title"], clean["description"]
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]
    cleaned_photos = []
    for index, upload in enumerate(photos):
        try:
            cleaned_photos.append(clean_image(upload, name=_("Photo %(n)d") % {"n": index + 1}))
        except InvalidInput as exc:
            for key, messages in exc.fields.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise InvalidInput(fields=errors)

    now = received_at or clock.now()
    # One transaction; its audit entries (reported, dispatched) are chained with one head lock.
    with transaction.atomic(), audit_batch():
        case = Case(
            channel=channel,
            reporter=reporter,
            registered_by=actor if channel in STAFF_CHANNELS else None,
            contact_name=contact_name.strip() or (reporter.name if reporter else ""),
            contact_phone=contact_phone.strip() or ((reporter.phone or "") if reporter else ""),
            contact_detail=contact_detail.strip(),
            reporter_may_be_named=reporter_may_be_named,
            category=category,
            nature=nature,
            urgency=urgency,
            title=title,
            description=description,
            answers=clean["answers"],
            place=place,
            place_path=place.path,
            latitude=latitude,
            longitude=longitude,
            address=address.strip(),
            state=CaseState.SUBMITTED,
            submitted_at=now,
            updated_at=now,
        )
        for _attempt in range(5):
            case.number = _new_number(now)
            try:
                with transaction.atomic():
                    case.save()
                break
            except IntegrityError:
                if Case.objects.filter(number=case.number).exists():
                    continue
                raise
        event = CaseEvent.objects.create(
            case=case,
            at=now,
            action="submit",
            actor=actor,
            to_state=CaseState.SUBMITTED,
            is_public=True,
            public_note=_("Your request was received."),
            data={"channel": channel},
        )
        saved_photos = [
            CasePhoto.objects.create(
                case=case,
                event=event,
                image=image.content,
                content_type=image.content_type,
                width=image.width,
                height=image.height,
                uploaded_by=actor,
                uploaded_at=now,
            )
            for image in cleaned_photos
        ]
        _audit(
            actor,
            "reported",
            case,
            {},
            {"state": case.state, "channel": channel, "category": category.code},
        )
        dispatched = _dispatch(case, actor=None, unit=None, note="", fresh=True)
    if timeline is not None:
        timeline.append(_with_photos(event, saved_photos))
        if dispatched is not None:
            timeline.append(_with_photos(dispatched, []))
    return case


def _with_photos(event: CaseEvent, photos: list[CasePhoto]) -> CaseEvent:
    """`event` with `photos` as its photos, as prefetch_related("photos") would leave them (the
    event was just written: these are all it has)."""
    loaded = event.photos.all()  # lazy: no query
    loaded._result_cache = photos
    vars(event).setdefault("_prefetched_objects_cache", {})["photos"] = loaded
    return event


# ---------------------------------------------------------------- dispatch


def _dispatch(
    case: Case,
    *,
    actor: Any,
    unit: Unit | None,
    note: str,
    transition_name: str = "dispatch",
    fresh: bool = False,
) -> CaseEvent | None:
    """Send the case to `unit` (or the routed unit); leave it for a dispatcher if none is found.
    The timeline entry written, None if the case waits for a dispatcher.

    `fresh`: the case is being reported in this transaction, so nobody follows it yet."""
    transition = workflow.check(case, transition_name, actor)
    reason = "manual"
    if unit is None:
        found = routing.route(category=case.category, place=case.place)
        unit, reason = found.unit, found.reason
        if unit is None:
            if actor is None:
                # Nobody to send it to: it waits in the dispatcher's console.
                notify(
                    recipients=_dispatchers(case.place),
                    kind="case.unrouted",
                    title=_("A case needs routing: %(title)s") % {"title": case.title},
                    url=case_url(case),
                )
                return None
            raise InvalidInput(
                fields={"unit": [_("No unit handles this category here; choose one.")]}
            )
    note = _require_note(transition, note)
    before = {"state": case.state, "unit": case.unit_id}
    from_state = case.state
    now = clock.now()
    case.state = transition.target or case.state
    case.unit = unit
    case.dispatched_at = now
    if transition_name == "reroute":
        # A transfer ends the first receiver's accountability; the next unit to accept takes it.
        case.first_receiver = None
    case.escalation_exhausted = False
    _set_deadlines(case, now)
    _save(
        case,
        [
            "state",
            "unit",
            "dispatched_at",
            "first_receiver",
            "accept_due_at",
            "resolve_due_at",
            "reminded_at",
            "escalation_exhausted",
        ],
    )
    event = _event(
        case,
        transition,
        actor=actor,
        from_state=from_state,
        note=note,
        unit=unit,
        public_note=_("Sent to %(unit)s.") % {"unit": unit.name},
        data={"routing": reason},
        tell_followers=not fresh,
    )
    _audit(
        actor,
        transition_name,
        case,
        before,
        {"state": case.state, "unit": unit.pk, "routing": reason},
    )
    _tell_unit(
        unit,
        case,
        kind="case.new",
        title=_("New case: %(title)s") % {"title": case.title},
    )
    return event


def case_dispatch(*, actor: User, case: Case, unit: Unit | None = None, note: str = "") -> Case:
    """派单 by a dispatcher: route (or send to `unit`) a submitted or returned case."""
    with transaction.atomic():
        case = _lock(case)
        _dispatch(case, actor=actor, unit=unit, note=note)
    return case


def case_reroute(*, actor: User, case: Case, unit: Unit, note: str) -> Case:
    """A dispatcher transfers a case to another unit, with a reason."""
    with transaction.atomic():
        case = _lock(case)
        workflow.check(case, "reroute", actor)  # who may, before saying anything about the case
        if unit.pk == case.unit_id:
            raise InvalidInput(fields={"unit": [_("The case is already with this unit.")]})
        _dispatch(case, actor=actor, unit=unit, note=note, transition_name="reroute")
    return case


# ---------------------------------------------------------------- the unit's steps


def case_accept(*, actor: User, case: Case, note: str = "") -> Case:
    """签收: the first unit to accept becomes the first receiver and stays accountable."""
    with transaction.atomic():
        case = _lock(case)
        transition = workflow.check(case, "accept", actor)
        before = {"state": case.state}
        from_state = case.state
        case.state = transition.target or case.state
        case.accepted_at = clock.now()
        fields = ["state", "accepted_at"]
        if case.first_receiver_id is None:
            case.first_receiver = case.unit
            fields.append("first_receiver")
        if case.accepted_on_time is None:
            case.accepted_on_time = (
                case.accept_due_at is None or case.accepted_at <= case.accept_due_at
            )
            fields.append("accepted_on_time")
        _save(case, fields)
        _event(
            case,
            transition,
            actor=actor,
            from_state=from_state,
            note=note,
            public_note=_("%(unit)s accepted your request.")
            % {"unit": case.unit.name if case.unit else ""},
        )
        _audit(
            actor,
            "accepted",
            case,
            before,
            {"state": case.state, "first_receiver": case.first_receiver_id},
        )
        _tell_reporter(
            case,
            "case.accepted",
            _("Your request %(number)s was accepted.") % {"number": case.number},
        )
    return case


def case_return(*, actor: User, case: Case, reason: str, note: str) -> Case:
    """退单: a unit hands a case back before accepting it, with a reason."""
    if reason not in ReturnReason.values:
        raise InvalidInput(fields={"reason": [_("Choose a reason.")]})
    with transaction.atomic():
        case = _lock(case)
        transition = workflow.check(case, "return", actor)
        note = _require_note(transition, note)
        before = {"state": case.state, "unit": case.unit_id}
        from_state, unit = case.state, case.unit
        case.state = transition.target or case.state
        case.return_count += 1
        case.unit = None
        case.accept_due_at = None
        fields = ["state", "return_count", "unit", "accept_due_at"]
        if case.return_count > settings.CASE_MAX_RETURNS:
            case.needs_supervision = True
            fields.append("needs_supervision")
        _save(case, fields)
        _event(
            case,
            transition,
            actor=actor,
            from_state=from_state,
            note=note,
            unit=unit,
            data={"reason": reason, "unit": unit.pk if unit else None},
        )
        _audit(
            actor,
            "returned",
            case,
            before,
            {"state": case.state, "reason": reason, "returns": case.return_count},
        )
        notify(
            recipients=_dispatchers(case.place),
            kind="case.returned",
            title=_("Case returned, please re-route: %(title)s") % {"title": case.title},
            url=case_url(case),
        )
        if case.needs_supervision:
            notify(
                recipients=_supervisors(case.place),
                kind="case.returned_repeatedly",
                title=_("Case returned %(n)d times: %(title)s")
                % {"n": case.return_count, "title": case.title},
                url=case_url(case),
            )
    return case


def case_start(*, actor: User, case: Case, note: str = "") -> Case:
    with transaction.atomic():
        case = _lock(case)
        transition = workflow.check(case, "start", actor)
        from_state = case.state
        case.state = transition.target or case.state
        _save(case, ["state"])
        _event(
            case,
            transition,
            actor=actor,
            from_state=from_state,
            note=note,
            public_note=_("Work on your request has started."),
        )
        _audit(actor, "started", case, {"state": from_state}, {"state": case.state})
    return case


def case_resolve(
    *, actor: User, case: Case, resolution: str, photos: Sequence[IO[bytes]] = ()
) -> Case:
    """办结: the unit records what it did (text and photos)."""
    transition = workflow.TRANSITIONS["resolve"]
    resolution = _require_note(transition, resolution, field="resolution")
    cleaned = [clean_image(p, name=_("Photo %(n)d") % {"n": i + 1}) for i, p in enumerate(photos)]
    with transaction.atomic():
        case = _lock(case)
        workflow.check(case, "resolve", actor)
        from_state = case.state
        now = clock.now()
        case.state = transition.target or case.state
        case.resolved_at = now
        case.resolution = resolution
        case.handling_workdays = workdays_between(
            case.submitted_at.astimezone(clock.SHANGHAI).date(),
            now.astimezone(clock.SHANGHAI).date(),
        )
        _save(case, ["state", "resolved_at", "resolution", "handling_workdays"])
        event = _event(
            case,
            transition,
            actor=actor,
            from_state=from_state,
            note=resolution,
            public_note=resolution,
        )
        for image in cleaned:
            CasePhoto.objects.create(
                case=case,
                event=event,
                image=image.content,
                content_type=image.content_type,
                width=image.width,
                height=image.height,
                uploaded_by=actor,
                uploaded_at=now,
            )
        _audit(actor, "resolved", case, {"state": from_state}, {"state": case.state})
        _tell_reporter(
            case,
            "case.resolved",
            _("Your request %(number)s was resolved.") % {"number": case.number},
        )
    return case


def case_comment(*, actor: User, case: Case, note: str) -> CaseEvent:
    with transaction.atomic():
        case = _lock(case)
        transition = workflow.check(case, "comment", actor)
        note = _require_note(transition, note)
        event = _event(case, transition, actor=actor, from_state=case.state, note=note)
        _audit(actor, "commented", case, {}, {"event": event.pk})
    return event


# ---------------------------------------------------------------- escalation


def _escalate(case: Case, *, actor: Any, note: str) -> Unit | None:
    transition = workflow.check(case, "escalate", actor)
    note = _require_note(transition, note)
    target = routing.escalation_target(category=case.category, place=case.place, current=case.unit)
    if target is None:
        if actor is not None:
            raise InvalidInput(fields={"note": [_("This case is already at the top level.")]})
        # The sweep at the top: the supervisors are told once; the case stays where it is and
        # the sweep stops passing it up until someone re-routes it.
        case.needs_supervision = True
        case.escalation_exhausted = True
        _save(case, ["needs_supervision", "escalation_exhausted"])
        notify(
            recipients=_supervisors(case.place),
            kind="case.overdue_at_top",
            title=_("Overdue at the top level: %(title)s") % {"title": case.title},
            url=case_url(case),
        )
        return None
    before = {"state": case.state, "unit": case.unit_id, "level": case.escalation_level}
    from_state, previous = case.state, case.unit
    now = clock.now()
    case.state = transition.target or case.state
    case.unit = target
    case.escalation_level += 1
    case.dispatched_at = now
    _set_deadlines(case, now)
    _save(
        case,
        [
            "state",
            "unit",
            "escalation_level",
            "dispatched_at",
            "accept_due_at",
            "resolve_due_at",
            "reminded_at",
        ],
    )
    _event(
        case,
        transition,
        actor=actor,
        from_state=from_state,
        note=note,
        unit=target,
        public_note=_("Passed up to %(unit)s.") % {"unit": target.name},
        data={"from_unit": previous.pk if previous else None, "automatic": actor is None},
    )
    _audit(
        actor,
        "escalated",
        case,
        before,
        {"state": case.state, "unit": target.pk, "level": case.escalation_level},
    )
    title = _("Case escalated to %(unit)s: %(title)s") % {"unit": target.name, "title": case.title}
    _tell_unit(
        target,
        case,
        kind="case.escalated",
        title=title,
    )
    notify(
        recipients=_supervisors(case.place), kind="case.escalated", title=title, url=case_url(case)
    )
    return target


def case_escalate(*, actor: User, case: Case, note: str) -> Case:
    """逐级上报: pass the case one level up the place tree, with a reason."""
    with transaction.atomic():
        case = _lock(case)
        _escalate(case, actor=actor, note=note)
    return case


# ---------------------------------------------------------------- extension and supervision


def case_extension_request(
    *, actor: User, case: Case, reason: str, new_due_at: dt.datetime
) -> ExtensionRequest:
    """延期: asked before the deadline, for a later one."""
    with transaction.atomic():
        case = _lock(case)
        transition = workflow.check(case, "request_extension", actor)
        reason = _require_note(transition, reason, field="reason")
        now = clock.now()
        if case.resolve_due_at is None or now >= case.resolve_due_at:
            raise InvalidInput(
                fields={"new_due_at": [_("An extension must be asked before the deadline.")]}
            )
        if new_due_at <= case.resolve_due_at:
            raise InvalidInput(
                fields={"new_due_at": [_("The new deadline must be later than the current one.")]}
            )
        if case.extensions.filter(state=ExtensionState.PENDING).exists():
            raise InvalidInput(
                fields={
                    "new_due_at": [_("An extension request is already waiting for a decision.")]
                }
            )
        assert case.unit is not None  # the handler capacity implies a unit
        request = ExtensionRequest.objects.create(
            case=case,
            unit=case.unit,
            requested_by=actor,
            requested_at=now,
            reason=reason,
            old_due_at=case.resolve_due_at,
            new_due_at=new_due_at,
        )
        _event(
            case,
            transition,
            actor=actor,
            from_state=case.state,
            note=reason,
            data={"extension": request.pk, "new_due_at": new_due_at.isoformat()},
        )
        _audit(
            actor,
            "extension_requested",
            case,
            {},
            {"extension": request.pk, "new_due_at": new_due_at.isoformat()},
        )
        notify(
            recipients=_supervisors(case.place),
            kind="case.extension_requested",
            title=_("Extension asked for: %(title)s") % {"title": case.title},
            url=case_url(case),
        )
    return request


def case_extension_decide(
    *, actor: User, request: ExtensionRequest, grant: bool, note: str = ""
) -> ExtensionRequest:
    with transaction.atomic():
        case = _lock(request.case)
        transition = workflow.check(case, "decide_extension", actor)
        request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != ExtensionState.PENDING:
            raise workflow.InvalidTransition(_("This extension request was already decided."))
        if not grant and not note.strip():
            raise InvalidInput(fields={"note": [_("Please give a reason for refusing.")]})
        now = clock.now()
        request.state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
        request.decided_by, request.decided_at, request.decision_note = actor, now, note.strip()
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        before = {
            "resolve_due_at": case.resolve_due_at.isoformat() if case.resolve_due_at else None
        }
        if grant:
            case.resolve_due_at = request.new_due_at
            case.reminded_at = None
            _save(case, ["resolve_due_at", "reminded_at"])
            public = _("The deadline was extended to %(date)s.") % {
                "date": f"{request.new_due_at.astimezone(clock.SHANGHAI):%Y-%m-%d}"
            }
        else:
            public = ""
        event = _event(
            case,
            transition,
            actor=actor,
            from_state=case.state,
            note=note,
            public_note=public,
            data={"extension": request.pk, "granted": grant},
        )
        if not grant:
            event.is_public = False
            event.save(update_fields=["is_public"])
        _audit(
            actor, "extension_decided", case, before, {"granted": grant, "extension": request.pk}
        )
        _tell_unit(
            request.unit,
            case,
            kind="case.extension_decided",
            title=(
                _("Extension granted: %(title)s") if grant else _("Extension refused: %(title)s")
            )
            % {"title": case.title},
        )
        if grant:
            _tell_reporter(case, "case.extended", public)
    return request


def case_supervise(*, actor: User, case: Case, note: str) -> SupervisionNote:
    """督办: a supervisor's note that the handling unit must answer."""
    with transaction.atomic():
        case = _lock(case)
        transition = workflow.check(case, "supervise", actor)
        note = _require_note(transition, note)
        if case.unit is None:
            raise InvalidInput(
                fields={"note": [_("The case has no handling unit to supervise yet.")]}
            )
        supervision = SupervisionNote.objects.create(
            case=case, unit=case.unit, author=actor, at=clock.now(), note=note
        )
        _event(
            case,
            transition,
            actor=actor,
            from_state=case.state,
            note=note,
            data={"supervision": supervision.pk},
        )
        _audit(actor, "supervised", case, {}, {"supervision": supervision.pk})
        _tell_unit(
            case.unit,
            case,
            kind="case.supervised",
            title=_("Supervisor's note to answer: %(title)s") % {"title": case.title},
        )
    return supervision


def case_supervision_answer(
    *, actor: User, supervision: SupervisionNote, answer: str
) -> SupervisionNote:
    with transaction.atomic():
        case = _lock(supervision.case)
        supervision = SupervisionNote.objects.select_for_update().get(pk=supervision.pk)
        if not permissions.is_unit_member(actor, supervision.unit_id):
            raise NotPermitted()
        transition = workflow.TRANSITIONS["answer_supervision"]
        answer = _require_note(transition, answer, field="answer")
        if supervision.answered_at is not None:
            raise workflow.InvalidTransition(_("This note was already answered."))
        supervision.answer, supervision.answered_by, supervision.answered_at = (
            answer,
            actor,
            clock.now(),
        )
        supervision.save(update_fields=["answer", "answered_by", "answered_at"])
        _event(
            case,
            transition,
            actor=actor,
            from_state=case.state,
            note=answer,
            data={"supervision": supervision.pk},
        )
        _audit(actor, "supervision_answered", case, {}, {"supervision": supervision.pk})
        notify(
            recipients=[supervision.author],
            kind="case.supervision_answered",
            title=_("Your note was answered: %(title)s") % {"title": case.title},
            url=case_url(case),
        )
    return supervision


def case_remind(*, actor: Any, case: Case, note: str = "") -> Case:
    """催办: remind the handling unit of the deadline."""
    with transaction.atomic():
        case = _lock(case)
        transition = workflow.check(case, "remind", actor)
        case.reminded_at = clock.now()
        _save(case, ["reminded_at"])
        _event(case, transition, actor=actor, from_state=case.state, note=note)
        _audit(actor, "reminded", case, {}, {"reminded_at": case.reminded_at.isoformat()})
        due = case.resolve_due_at if case.state in HANDLING else case.accept_due_at
        due_text = f"{due.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}" if due else ""
        _tell_unit(
            case.unit,
            case,
            kind="case.reminder",
            title=_("Reminder: %(title)s is due %(due)s") % {"title": case.title, "due": due_text},
            body=note,
        )
    return case


# ---------------------------------------------------------------- the deadline sweep


def case_deadline_sweep(*, batch: int = 500) -> dict[str, int]:
    """Escalate overdue cases one level and remind cases near their deadline.

    Idempotent: an escalation moves the deadlines forward, a reminder stamps `reminded_at`, so a
    second run finds nothing. Safe with several workers: each case is locked (SKIP LOCKED where
    the database has it) and re-checked under the lock.
    """
    now = clock.now()
    counts = {"escalated": 0, "reminded": 0, "top": 0, "closed": case_close_unanswered(batch=batch)}
    sweepable = Case.objects.filter(escalation_exhausted=False)
    overdue_accept = sweepable.filter(state__in=AWAITING_ACCEPT, accept_due_at__lt=now)
    overdue_resolve = sweepable.filter(state__in=HANDLING, resolve_due_at__lt=now)
    for queryset in (overdue_accept, overdue_resolve):
        for case_id in list(queryset.order_by("id").values_list("id", flat=True)[:batch]):
            with transaction.atomic():
                case = _lock_for_sweep(case_id)
                if case is None or case.escalation_exhausted or not _is_overdue(case, now):
                    continue
                note = _("Deadline passed: passed up automatically.")
                if _escalate(case, actor=None, note=note) is None:
                    counts["top"] += 1
                else:
                    counts["escalated"] += 1
    share = settings.CASE_REMIND_AT_REMAINING
    due_soon = Case.objects.filter(
        state__in=HANDLING, reminded_at__isnull=True, resolve_due_at__gt=now
    )
    for case in due_soon.filter(resolve_due_at__lt=now + dt.timedelta(days=3)).order_by(
        "resolve_due_at"
    )[:batch]:
        if case.resolve_due_at is None:  # excluded by the filter; keeps the types honest
            continue
        window = (case.resolve_due_at - (case.dispatched_at or case.submitted_at)) * share
        if case.resolve_due_at - now <= window:
            case_remind(actor=None, case=case, note=_("The deadline is near."))
            counts["reminded"] += 1
    return counts


def _lock_for_sweep(case_id: int) -> Case | None:
    qs = Case.objects.select_related("place", "unit", "category")
    from django.db import connection

    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True, of=("self",)).filter(pk=case_id).first()
    return qs.select_for_update(of=("self",)).filter(pk=case_id).first()


def _is_overdue(case: Case, now: dt.datetime) -> bool:
    if case.state in AWAITING_ACCEPT:
        return case.accept_due_at is not None and case.accept_due_at < now
    if case.state in HANDLING:
        return case.resolve_due_at is not None and case.resolve_due_at < now
    return False


# ---------------------------------------------------------------- follow-up, rating, reopen


def case_follow_up(
    *,
    actor: User,
    case: Case,
    solved: bool,
    rating: str,
    reason: str = "",
    comment: str = "",
    by_phone: bool = False,
) -> Case:
    """回访 and 评价: the resident (or an agent who phones them) rates a resolved case.

    Dissatisfied for a reason within the unit's duty → reopened (重办) to the same unit with new
    deadlines; otherwise closed with the rating kept.
    """
    errors: dict[str, list[str]] = {}
    if rating not in Rating.values:
        errors["rating"] = [_("Choose satisfied, mostly satisfied or dissatisfied.")]
    if rating == Rating.DISSATISFIED and reason not in DissatisfactionReason.values:
        errors["reason"] = [_("Tell us why you are dissatisfied.")]
    if reason and reason not in DissatisfactionReason.values:
        errors["reason"] = [_("Unknown reason.")]
    if len(comment) > 1000:
        errors["comment"] = [_("At most 1,000 characters.")]
    if errors:
        raise InvalidInput(fields=errors)
    reopen = rating == Rating.DISSATISFIED and reason in REOPENING_REASONS
    with transaction.atomic():
        case = _lock(case)
        transition = workflow.check(case, "reopen" if reopen else "close", actor)
        now = clock.now()
        FollowUp.objects.create(
            case=case,
            at=now,
            recorded_by=actor,
            by_phone=by_phone,
            unit=case.unit,
            solved=solved,
            rating=rating,
            reason=reason if rating == Rating.DISSATISFIED else "",
            comment=comment.strip(),
            reopened=reopen,
        )
        before = {"state": case.state}
        from_state = case.state
        case.state = transition.target or case.state
        case.solved, case.rating = solved, rating
        fields = ["state", "solved", "rating"]
        if reopen:
            case.reopen_count += 1
            case.dispatched_at = now
            case.accepted_at = None
            case.resolved_at = None
            _set_deadlines(case, now)
            fields += [
                "reopen_count",
                "dispatched_at",
                "accepted_at",
                "resolved_at",
                "accept_due_at",
                "resolve_due_at",
                "reminded_at",
            ]
            public = _("Reopened: %(unit)s will handle it again.") % {
                "unit": case.unit.name if case.unit else ""
            }
        else:
            case.closed_at, case.close_reason = now, CloseReason.RATED
            fields += ["closed_at", "close_reason"]
            public = _("Thank you for your rating.")
        _save(case, fields)
        _event(
            case,
            transition,
            actor=actor,
            from_state=from_state,
            note=comment.strip(),
            public_note=public,
            data={"rating": rating, "solved": solved, "reason": reason, "by_phone": by_phone},
        )
        _audit(
            actor,
            "reopened" if reopen else "rated",
            case,
            before,
            {"state": case.state, "rating": rating},
        )
        title = (
            _("Case reopened after the follow-up: %(title)s")
            if reopen
            else _("Case rated: %(title)s")
        ) % {"title": case.title}
        _tell_unit(
            case.unit,
            case,
            kind="case.reopened" if reopen else "case.rated",
            title=title,
        )
    return case


def case_close_unanswered(*, batch: int = 500) -> int:
    """Close resolved cases nobody rated within CASE_FOLLOW_UP_DAYS, as "no response"."""
    now = clock.now()
    cutoff = now - dt.timedelta(days=settings.CASE_FOLLOW_UP_DAYS)
    closed = 0
    ids = list(
        Case.objects.filter(state=CaseState.RESOLVED, resolved_at__lt=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:batch]
    )
    for case_id in ids:
        with transaction.atomic():
            case = _lock_for_sweep(case_id)
            if case is None or case.state != CaseState.RESOLVED:
                continue
            transition = workflow.check(case, "close_unanswered", None)
            case.state = transition.target or case.state
            case.closed_at, case.close_reason = now, CloseReason.NO_RESPONSE
            _save(case, ["state", "closed_at", "close_reason"])
            _event(
                case,
                transition,
                actor=None,
                from_state=CaseState.RESOLVED,
                public_note=_("Closed: no rating was given within %(n)d days.")
                % {"n": settings.CASE_FOLLOW_UP_DAYS},
            )
            _audit(
                None,
                "closed_unanswered",
                case,
                {"state": CaseState.RESOLVED},
                {"state": case.state},
            )
            closed += 1
    return closed


# ---------------------------------------------------------------- following and duplicates


def case_follow(*, actor: User, case: Case) -> CaseFollower:
    """Follow a case one may see (its updates reach the follower)."""
    from gongzhi.cases.selectors import case_get

    case_get(viewer=actor, case_id=case.pk)  # NotFound if the actor may not see it
    return _follow(actor, case)


def _follow(actor: User, case: Case) -> CaseFollower:
    with transaction.atomic():
        follower, created = CaseFollower.objects.get_or_create(
            case=case, user=actor, defaults={"since": clock.now()}
        )
        if created:
            audit_record(actor=actor, action="case.followed", obj=case, place=case.place)
    return follower


def case_unfollow(*, actor: User, case: Case) -> None:
    with transaction.atomic():
        deleted, _rows = CaseFollower.objects.filter(case=case, user=actor).delete()
        if deleted:
            audit_record(actor=actor, action="case.unfollowed", obj=case, place=case.place)


def case_merge(*, actor: User, case: Case, into: Case, note: str = "") -> Case:
    """Close `case` as a duplicate of `into`: its reporter and followers follow the survivor,
    and the three rates count the pair once."""
    if case.pk == into.pk:
        raise InvalidInput(fields={"into": [_("A case cannot be a duplicate of itself.")]})
    with transaction.atomic():
        first, second = sorted([case.pk, into.pk])  # lock in a fixed order: no deadlock
        locked = {
            c.pk: c
            for c in Case.objects.select_for_update(of=("self",))
            .select_related("place", "unit", "category")
            .filter(pk__in=[first, second])
        }
        case, into = locked[case.pk], locked[into.pk]
        transition = workflow.check(case, "merge", actor)
        if not into.is_open and into.state != CaseState.RESOLVED:
            raise InvalidInput(fields={"into": [_("Merge into an open or resolved case.")]})
        if into.merged_into_id is not None:
            raise InvalidInput(fields={"into": [_("That case is itself a duplicate.")]})
        now = clock.now()
        from_state = case.state
        case.state = transition.target or case.state
        case.merged_into = into
        case.closed_at, case.close_reason = now, CloseReason.MERGED
        _save(case, ["state", "merged_into", "closed_at", "close_reason"])
        _event(
            case,
            transition,
            actor=actor,
            from_state=from_state,
            note=note,
            public_note=_("Merged into %(number)s, which handles the same problem.")
            % {"number": into.number},
            data={"into": into.pk},
        )
        # Move the followers over; the reporter follows too, so updates reach them.
        movers = set(CaseFollower.objects.filter(case=case).values_list("user_id", flat=True))
        if case.reporter_id:
            movers.add(case.reporter_id)
        existing = set(CaseFollower.objects.filter(case=into).values_list("user_id", flat=True))
        CaseFollower.objects.bulk_create(
            [
                CaseFollower(case=into, user_id=uid, since=now)
                for uid in movers - existing - {into.reporter_id}
            ]
        )
        CaseEvent.objects.create(
            case=into,
            at=now,
            action="duplicate_merged",
            actor=actor,
            from_state=into.state,
            to_state=into.state,
            note=note,
            data={"duplicate": case.pk},
        )
        _audit(actor, "merged", case, {"state": from_state}, {"state": case.state, "into": into.pk})
    return case


# ---------------------------------------------------------------- following a neighbour's case


def case_follow_by_number(*, actor: User, number: str) -> Case:
    """Follow a case by its number: one the actor may see, or a published case of a community
    the actor lives or works in (the report form's "follow this one instead", the public page).
    Anything else is NotFound, so a number reveals nothing."""
    from gongzhi.cases.selectors import visible_q
    from gongzhi.core.errors import NotFound
    from gongzhi.places.choices import PlaceLevel

    case = Case.objects.select_related("place").filter(number=number.strip()).first()
    if case is None or not getattr(actor, "is_authenticated", False):
        raise NotFound()
    if not Case.objects.filter(visible_q(actor), pk=case.pk).exists():
        community = (
            Place.objects.filter(
                path__in=[*case.place.ancestor_paths(), case.place.path],
                level=PlaceLevel.COMMUNITY,
            )
            .values_list("path", flat=True)
            .first()
        )
        neighbour = community is not None and any(
            g.place_path.startswith(community) for g in permissions.grants_of(actor)
        )
        from gongzhi.cases.public import is_published

        if not neighbour or not is_published(case):
            raise NotFound()
    _follow(actor, case)
    return case
