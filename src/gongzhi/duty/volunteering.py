"""Writes to the registry of volunteers and party members serving a community (党员下沉社区)
and their service hours. One transaction each, permission-checked and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.core import clock, permissions
from gongzhi.core.audit import audit_record
from gongzhi.core.errors import InvalidInput
from gongzhi.core.notifications import notify
from gongzhi.duty import workflow
from gongzhi.duty.choices import ServiceState, VolunteerKind
from gongzhi.duty.models import ServiceRecord, Volunteer
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place

MAX_HOURS_PER_DAY = Decimal(24)


def _clean_weekdays(weekdays: list[int]) -> list[int]:
    if any(not isinstance(d, int) or not 1 <= d <= 7 for d in weekdays):
        raise InvalidInput(fields={"weekdays": [_("Weekdays are 1 (Monday) to 7 (Sunday).")]})
    return sorted(set(weekdays))


def volunteer_register(
    *,
    actor: Any,
    user: User,
    community: Place,
    kind: str,
    organisation: str = "",
    skills: str = "",
    availability: str = "",
    weekdays: list[int] | None = None,
) -> Volunteer:
    """Add a person to a community's registry (or update their entry there)."""
    permissions.require(actor, "volunteer.manage", community)
    if community.level != PlaceLevel.COMMUNITY:
        raise InvalidInput(fields={"community": [_("Choose a community.")]})
    if kind not in VolunteerKind.values:
        raise InvalidInput(fields={"kind": [_("Choose a kind.")]})
    values = {
        "kind": kind,
        "organisation": organisation.strip()[:100],
        "skills": skills.strip()[:200],
        "availability": availability.strip()[:200],
        "weekdays": _clean_weekdays(weekdays or []),
        "is_active": True,
    }
    with transaction.atomic():
        volunteer, created = Volunteer.objects.get_or_create(
            user=user, community=community, defaults={**values, "registered_at": clock.now()}
        )
        if not created:
            for name, value in values.items():
                setattr(volunteer, name, value)
            volunteer.save(update_fields=list(values))
        audit_record(
            actor=actor,
            action="duty.volunteer_registered" if created else "duty.volunteer_updated",
            obj=volunteer,
            place=community,
            after={"user": user.pk, **values},
        )
    return volunteer


def _clean_hours(hours: Decimal | str | float) -> Decimal:
    try:
        value = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(fields={"hours": [_("Give the hours as a number.")]}) from None
    if not Decimal(0) < value <= MAX_HOURS_PER_DAY:
        raise InvalidInput(fields={"hours": [_("Between 0.1 and 24 hours.")]})
    return value


def service_record(
    *,
    actor: Any,
    volunteer: Volunteer,
    date: dt.date,
    hours: Decimal | str | float,
    activity: str,
) -> ServiceRecord:
    """Record hours of service: staff record them confirmed, the volunteer self-reports them
    for staff to confirm."""
    is_self = getattr(actor, "pk", None) == volunteer.user_id
    is_manager = permissions.has_perm(actor, "volunteer.manage", volunteer.community)
    if not (is_self or is_manager):
        permissions.require(actor, "volunteer.manage", volunteer.community)
    activity = activity.strip()
    if not activity:
        raise InvalidInput(fields={"activity": [_("Say what was done.")]})
    if date > clock.today():
        raise InvalidInput(fields={"date": [_("Hours are recorded after the service.")]})
    now = clock.now()
    with transaction.atomic():
        record = ServiceRecord.objects.create(
            volunteer=volunteer,
            community=volunteer.community,
            date=date,
            hours=_clean_hours(hours),
            activity=activity[:200],
            state=ServiceState.CONFIRMED if is_manager else ServiceState.REPORTED,
            recorded_by=actor,
            recorded_at=now,
            decided_by=actor if is_manager else None,
            decided_at=now if is_manager else None,
        )
        audit_record(
            actor=actor,
            action="duty.service_recorded",
            obj=record,
            place=volunteer.community,
            after={"hours": str(record.hours), "state": record.state},
        )
    return record


def _decide(actor: Any, record: ServiceRecord, name: str) -> ServiceRecord:
    with transaction.atomic():
        record = (
            ServiceRecord.objects.select_for_update()
            .select_related("community", "volunteer__user")
            .get(pk=record.pk)
        )

        def capacities() -> set[str]:
            manager = permissions.has_perm(actor, "volunteer.manage", record.community)
            return {"manager"} if manager else set()

        transition = workflow.check(workflow.SERVICE_TRANSITIONS, name, record.state, capacities)
        record.state = transition.target
        record.decided_by = actor
        record.decided_at = clock.now()
        record.save(update_fields=["state", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action=f"duty.service_{record.state}",
            obj=record,
            place=record.community,
            after={"state": record.state},
        )
        notify(
            recipients=[record.volunteer.user],
            kind=f"duty.service_{record.state}",
            title=_("Your %(hours)s hours on %(date)s: %(state)s")
            % {"hours": record.hours, "date": record.date, "state": record.get_state_display()},
        )
    return record


def service_confirm(*, actor: Any, record: ServiceRecord) -> ServiceRecord:
    return _decide(actor, record, "confirm")


def service_reject(*, actor: Any, record: ServiceRecord) -> ServiceRecord:
    return _decide(actor, record, "reject")
