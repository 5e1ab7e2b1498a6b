"""Writes to rosters, shifts and swaps. Each is one transaction, permission-checked and audited.

Volunteers and service hours are in volunteering.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.accounts.models import RoleGrant, User
from gongzhi.core import clock, permissions
from gongzhi.core.audit import audit_record
from gongzhi.core.clock import SHANGHAI
from gongzhi.core.errors import Conflict, InvalidInput, NotPermitted
from gongzhi.core.notifications import notify
from gongzhi.core.workdays import WorkCalendar
from gongzhi.duty import rotation, workflow
from gongzhi.duty.choices import DUTY_ROLES, SwapState
from gongzhi.duty.models import Roster, RosterMember, Shift, ShiftAssignment, SwapRequest
from gongzhi.duty.selectors import near_q
from gongzhi.places.models import Place

MAX_PERIOD_DAYS = 92
MAX_SLOTS = 20

# ---------------------------------------------------------------- helpers


def shift_moments(
    date: dt.date, start_time: dt.time, end_time: dt.time
) -> tuple[dt.datetime, dt.datetime]:
    """The shift's start and end as aware moments in Asia/Shanghai; an end at or before the
    start is on the next day (an overnight shift)."""
    starts_at = dt.datetime.combine(date, start_time, tzinfo=SHANGHAI)
    end_date = date if end_time > start_time else date + dt.timedelta(days=1)
    return starts_at, dt.datetime.combine(end_date, end_time, tzinfo=SHANGHAI)


def _require_manage(actor: Any, place: Place) -> None:
    permissions.require(actor, "duty.manage", place)


def _audit(
    actor: Any, action: str, obj: Any, place: Place, after: dict[str, Any] | None = None
) -> None:
    audit_record(actor=actor, action=f"duty.{action}", obj=obj, place=place, after=after)


def eligible_for(user: User, place: Place) -> bool:
    """Does `user` hold a duty role (courtyard member, building head, volunteer, social-org lead)
    on `place`, above it, or below it? One query."""
    return RoleGrant.objects.filter(near_q(place), user=user, role__in=DUTY_ROLES).exists()


# ---------------------------------------------------------------- rosters


def roster_create(*, actor: Any, place: Place, name: str) -> Roster:
    _require_manage(actor, place)
    name = name.strip()
    if not name:
        raise InvalidInput(fields={"name": [_("Please give the roster a name.")]})
    with transaction.atomic():
        if Roster.objects.filter(place=place, name=name).exists():
            raise InvalidInput(fields={"name": [_("This place already has a roster so named.")]})
        roster = Roster.objects.create(
            place=place, name=name, created_by=actor, created_at=clock.now()
        )
        _audit(actor, "roster_created", roster, place, {"name": name})
    return roster


def roster_member_add(
    *, actor: Any, roster: Roster, user: User, role: str, position: int | None = None
) -> RosterMember:
    """Put a person into the rotation; they must serve in a duty role around the place."""
    _require_manage(actor, roster.place)
    if role not in DUTY_ROLES:
        raise InvalidInput(fields={"role": [_("Choose a duty role.")]})
    if not eligible_for(user, roster.place):
        raise InvalidInput(
            fields={
                "user": [
                    _(
                        "This person holds no duty role here (courtyard member, building head, "
                        "volunteer or social organisation lead)."
                    )
                ]
            }
        )
    with transaction.atomic():
        if position is None:
            last = roster.members.aggregate(m=Max("position"))["m"]
            position = 0 if last is None else last + 1
        member, created = RosterMember.objects.get_or_create(
            roster=roster, user=user, defaults={"role": role, "position": position}
        )
        if not created:
            member.role, member.position, member.is_active = role, position, True
            member.save(update_fields=["role", "position", "is_active"])
        _audit(actor, "member_added", member, roster.place, {"user": user.pk, "role": role})
    return member


def roster_member_remove(*, actor: Any, member: RosterMember) -> RosterMember:
    """Take a person out of future rotations (their assigned shifts stay until edited)."""
    _require_manage(actor, member.roster.place)
    with transaction.atomic():
        member.is_active = False
        member.save(update_fields=["is_active"])
        _audit(actor, "member_removed", member, member.roster.place, {"user": member.user_id})
    return member


# ---------------------------------------------------------------- shifts


def _new_shift(
    roster: Roster, date: dt.date, start_time: dt.time, end_time: dt.time, slots: int, note: str
) -> Shift:
    if start_time == end_time:
        raise InvalidInput(fields={"end_time": [_("A shift must last some time.")]})
    if not 1 <= slots <= MAX_SLOTS:
        raise InvalidInput(fields={"slots": [_("Between 1 and 20 people per shift.")]})
    starts_at, ends_at = shift_moments(date, start_time, end_time)
    return Shift(
        roster=roster,
        date=date,
        start_time=start_time,
        end_time=end_time,
        starts_at=starts_at,
        ends_at=ends_at,
        slots=slots,
        note=note,
    )


def shift_create(
    *,
    actor: Any,
    roster: Roster,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    slots: int = 1,
    note: str = "",
) -> Shift:
    _require_manage(actor, roster.place)
    shift = _new_shift(roster, date, start_time, end_time, slots, note.strip())
    try:
        with transaction.atomic():
            shift.save()
            _audit(actor, "shift_created", shift, roster.place, {"roster": roster.pk})
    except IntegrityError:
        raise InvalidInput(
            fields={"start_time": [_("The roster already has a shift starting then.")]}
        ) from None
    return shift


def _prior_counts(roster: Roster, before: dt.datetime) -> dict[int, tuple[int, dt.datetime]]:
    rows = (
        ShiftAssignment.objects.filter(shift__roster=roster, shift__starts_at__lt=before)
        .values("user_id")
        .annotate(n=Count("id"), last=Max("shift__starts_at"))
    )
    return {r["user_id"]: (r["n"], r["last"]) for r in rows}


def rotation_generate(
    *,
    actor: Any,
    roster: Roster,
    start: dt.date,
    end: dt.date,
    times: Sequence[tuple[dt.time, dt.time]],
    skip_days_off: bool = True,
    slots: int = 1,
) -> list[Shift]:
    """Create the shifts of a period (each day, each time range; weekends and statutory holidays
    skipped if asked, make-up workdays kept) and staff them by fair rotation of the roster's
    active members, continuing from the counts of earlier periods. Shifts already there are
    left as they are."""
    _require_manage(actor, roster.place)
    if end < start or (end - start).days >= MAX_PERIOD_DAYS:
        raise InvalidInput(fields={"end": [_("Choose a period of at most three months.")]})
    if not times:
        raise InvalidInput(fields={"times": [_("Give at least one time range.")]})
    calendar = WorkCalendar(start, end)
    with transaction.atomic():
        roster = Roster.objects.select_for_update().get(pk=roster.pk)
        existing = set(
            Shift.objects.filter(roster=roster, date__range=(start, end)).values_list(
                "date", "start_time"
            )
        )
        shifts: list[Shift] = []
        day = start
        while day <= end:
            if not skip_days_off or calendar.is_workday(day):
                for start_time, end_time in sorted(times):
                    if (day, start_time) not in existing:
                        shifts.append(_new_shift(roster, day, start_time, end_time, slots, ""))
            day += dt.timedelta(days=1)
        Shift.objects.bulk_create(shifts)
        if shifts:
            # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35 alike.
            prior = _prior_counts(roster, shifts[0].starts_at)
            people = [
                rotation.Person(
                    id=m.user_id,
                    count=prior.get(m.user_id, (0, rotation.NEVER))[0],
                    last=prior.get(m.user_id, (0, rotation.NEVER))[1],
                    order=m.position,
                )
                for m in roster.members.filter(is_active=True, user__is_active=True)
            ]
            staffing = rotation.plan([(s.starts_at, s.slots) for s in shifts], people)
            now = clock.now()
            ShiftAssignment.objects.bulk_create(
                ShiftAssignment(shift=s, user_id=uid, assigned_at=now)
                for s, uids in zip(shifts, staffing, strict=True)
                for uid in uids
            )
        _audit(
            actor,
            "rotation_generated",
            roster,
            roster.place,
            {
                "start": start,
                "end": end,
                "shifts": len(shifts),
                "skip_days_off": skip_days_off,
            },
        )
    return shifts


def shift_assign(*, actor: Any, shift: Shift, user: User) -> ShiftAssignment:
    _require_manage(actor, shift.roster.place)
    with transaction.atomic():
        shift = Shift.objects.select_for_update().get(pk=shift.pk)
        _check_assignable(shift, user)
        assignment = ShiftAssignment.objects.create(shift=shift, user=user, assigned_at=clock.now())
        _audit(actor, "shift_assigned", shift, shift.roster.place, {"user": user.pk})
    return assignment


def _check_assignable(shift: Shift, user: User) -> None:
    if shift.assignments.filter(user=user).exists():
        raise Conflict(_("This person is already on this shift."))
    if shift.assignments.count() >= shift.slots:
        raise Conflict(_("This shift is full; unassign or replace someone first."))
    if not eligible_for(user, shift.roster.place):
        raise InvalidInput(fields={"user": [_("This person holds no duty role here.")]})


def shift_unassign(*, actor: Any, shift: Shift, user: User) -> None:
    _require_manage(actor, shift.roster.place)
    with transaction.atomic():
        deleted, _rows = ShiftAssignment.objects.filter(shift=shift, user=user).delete()
        if not deleted:
            raise Conflict(_("This person is not on this shift."))
        _audit(actor, "shift_unassigned", shift, shift.roster.place, {"user": user.pk})


def shift_replace(*, actor: Any, shift: Shift, old: User, new: User) -> ShiftAssignment:
    _require_manage(actor, shift.roster.place)
    with transaction.atomic():
        shift = Shift.objects.select_for_update().get(pk=shift.pk)
        deleted, _rows = ShiftAssignment.objects.filter(shift=shift, user=old).delete()
        if not deleted:
            raise Conflict(_("This person is not on this shift."))
        _check_assignable(shift, new)
        assignment = ShiftAssignment.objects.create(shift=shift, user=new, assigned_at=clock.now())
        _audit(actor, "shift_replaced", shift, shift.roster.place, {"old": old.pk, "new": new.pk})
    return assignment


# ---------------------------------------------------------------- swaps


def _swap_capacities(swap: SwapRequest, actor: Any) -> set[str]:
    capacities = set()
    if actor.pk == swap.requester_id:
        capacities.add("requester")
    if actor.pk == swap.counterparty_id:
        capacities.add("counterparty")
    if permissions.has_perm(actor, "duty.manage", swap.shift.roster.place):
        capacities.add("manager")
    return capacities


def swap_request(
    *,
    actor: User,
    shift: Shift,
    counterparty: User,
    counter_shift: Shift | None = None,
    note: str = "",
) -> SwapRequest:
    """Ask `counterparty` to take `shift` (or to exchange it for `counter_shift`, theirs)."""
    if not shift.assignments.filter(user=actor).exists():
        raise NotPermitted(_("You can only offer a shift you are on."))
    if counterparty.pk == actor.pk:
        raise InvalidInput(fields={"counterparty": [_("Choose someone else.")]})
    if shift.starts_at <= clock.now():
        raise Conflict(_("This shift has already started."))
    if counter_shift is not None:
        if counter_shift.roster_id != shift.roster_id or counter_shift.pk == shift.pk:
            raise InvalidInput(
                fields={"counter_shift": [_("Choose another shift of this roster.")]}
            )
        if not counter_shift.assignments.filter(user=counterparty).exists():
            raise InvalidInput(fields={"counter_shift": [_("That person is not on that shift.")]})
    elif not eligible_for(counterparty, shift.roster.place):
        raise InvalidInput(fields={"counterparty": [_("This person holds no duty role here.")]})
    with transaction.atomic():
        if SwapRequest.objects.filter(
            shift=shift, requester=actor, state=SwapState.REQUESTED
        ).exists():
            raise Conflict(_("You already asked someone to take this shift."))
        swap = SwapRequest.objects.create(
            shift=shift,
            requester=actor,
            counterparty=counterparty,
            counter_shift=counter_shift,
            note=note.strip()[:200],
            created_at=clock.now(),
        )
        _audit(actor, "swap_requested", swap, shift.roster.place, {"counterparty": counterparty.pk})
        notify(
            recipients=[counterparty],
            kind="duty.swap_requested",
            title=_("%(name)s asks you to take their shift on %(shift)s")
            % {"name": actor, "shift": shift},
            body=swap.note,
            url=reverse("duty:my_shifts"),
        )
    return swap


def _decide(actor: User, swap: SwapRequest, name: str) -> tuple[SwapRequest, workflow.Transition]:
    swap = (
        SwapRequest.objects.select_for_update()
        .select_related("shift__roster__place")
        .get(pk=swap.pk)
    )
    transition = workflow.check(
        workflow.SWAP_TRANSITIONS, name, swap.state, lambda: _swap_capacities(swap, actor)
    )
    swap.state = transition.target
    swap.decided_at = clock.now()
    swap.save(update_fields=["state", "decided_at"])
    _audit(actor, f"swap_{swap.state}", swap, swap.shift.roster.place, {"state": swap.state})
    return swap, transition


def _move(shift: Shift, old_id: int, new_id: int) -> None:
    moved = ShiftAssignment.objects.filter(shift=shift, user_id=old_id).update(
        user_id=new_id, reminded_at=None
    )
    if not moved:
        raise Conflict(_("The shifts changed in the meantime; this swap no longer applies."))


def _tell_requester(swap: SwapRequest, title: str) -> None:
    notify(
        recipients=[swap.requester],
        kind=f"duty.swap_{swap.state}",
        title=title % {"name": swap.counterparty, "shift": swap.shift},
        url=reverse("duty:my_shifts"),
    )


def swap_accept(*, actor: User, swap: SwapRequest) -> SwapRequest:
    """The counterparty accepts: the shift (and the counter shift, if any) change hands."""
    with transaction.atomic():
        swap, _t = _decide(actor, swap, "accept")
        if swap.shift.starts_at <= clock.now():
            raise Conflict(_("This shift has already started."))
        if ShiftAssignment.objects.filter(shift=swap.shift, user=swap.counterparty_id).exists():
            raise Conflict(_("You are already on this shift."))
        _move(swap.shift, swap.requester_id, swap.counterparty_id)
        if swap.counter_shift_id is not None:
            assert swap.counter_shift is not None
            if ShiftAssignment.objects.filter(
                shift=swap.counter_shift, user=swap.requester_id
            ).exists():
                raise Conflict(_("They are already on your shift."))
            _move(swap.counter_shift, swap.counterparty_id, swap.requester_id)
        _tell_requester(swap, _("%(name)s took your shift on %(shift)s"))
    return swap


def swap_decline(*, actor: User, swap: SwapRequest) -> SwapRequest:
    with transaction.atomic():
        swap, _t = _decide(actor, swap, "decline")
        _tell_requester(swap, _("%(name)s cannot take your shift on %(shift)s"))
    return swap


def swap_cancel(*, actor: User, swap: SwapRequest) -> SwapRequest:
    with transaction.atomic():
        swap, _t = _decide(actor, swap, "cancel")
    return swap


# ---------------------------------------------------------------- reminders

REMINDER_AHEAD = dt.timedelta(hours=18)


def shift_reminders_send(*, ahead: dt.timedelta = REMINDER_AHEAD) -> int:
    """Remind everyone whose shift starts within `ahead`, once. Each assignment is claimed by a
    conditional UPDATE, so several workers never remind anyone twice. Returns how many."""
    now = clock.now()
    due = (
        ShiftAssignment.objects.filter(
            reminded_at__isnull=True,
            user__is_active=True,
            shift__roster__is_active=True,
            shift__starts_at__gt=now,
            shift__starts_at__lte=now + ahead,
        )
        .select_related("user", "shift__roster__place")
        .order_by("shift__starts_at")[:500]
    )
    sent = 0
    for assignment in due:
        with transaction.atomic():
            claimed = ShiftAssignment.objects.filter(
                pk=assignment.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            shift = assignment.shift
            notify(
                recipients=[assignment.user],
                kind="duty.shift_reminder",
                title=_("Reminder: you are on duty at %(place)s on %(shift)s")
                % {"place": shift.roster.place.name, "shift": shift},
                url=reverse("duty:my_shifts"),
            )
            sent += 1
    return sent
