"""Open311 writes, over the cases services: a POSTed service request becomes a case reported
through `case_report` (channel "open311"), and a back office's pushed update moves the case
through the unit's own steps (accept, start, resolve, return) or adds a note.

Both act as the key's service user: it is the reporter of the cases the key files, and it may
move a case only where it is a member of the case's handling unit (the state machine decides).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import CharField, F, Value
from django.utils.translation import gettext as _

from gongzhi.accounts.models import ApiKey
from gongzhi.cases import intake
from gongzhi.cases import services as cases
from gongzhi.cases.choices import (
    AWAITING_ACCEPT,
    HANDLING,
    CaseState,
    Channel,
    Nature,
    ReturnReason,
)
from gongzhi.cases.models import Case, CaseEvent, Intake
from gongzhi.core import clock
from gongzhi.core.errors import InvalidInput, NotFound, NotPermitted
from gongzhi.core.validators import is_digits
from gongzhi.open311 import selectors
from gongzhi.open311.models import PushedUpdate
from gongzhi.open311.params import Open311Error
from gongzhi.places.models import Place
from gongzhi.places.selectors import place_at_point

MAX_DESCRIPTION = 4000
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PHONE = re.compile(r"^[0-9+\-() ]{3,20}$")
_SEPARATORS = re.compile(r"[\s,，、;；/|]+")


@dataclass
class ReportInput:
    """A POST requests.{format}, as read from the form (empty strings for absent fields)."""

    service_code: str
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    media_url: str = ""
    photos: Sequence[IO[bytes]] = ()


# ---------------------------------------------------------------- where


def _within(place: Place, scope: Sequence[Place]) -> bool:
    return not scope or any(place.is_within(area) for area in scope)


def place_by_ref(ref: str) -> Place | None:
    """An address_id: a division code, else a place id."""
    place = Place.objects.filter(code=ref, is_active=True).order_by("-code_year", "pk").first()
    if place is None and is_digits(ref) and len(ref) < 19:
        place = Place.objects.filter(pk=int(ref), is_active=True).first()
    return place


def place_by_address(text: str, scope: Sequence[Place] = ()) -> Place | None:
    """The place an address string names, best effort: the deepest place whose name and whose
    ancestors' names it mentions most ("中加水岸小区 1栋" → that courtyard's 1栋). None when
    nothing matches or two places match equally (then the client must send lat/long or
    address_id)."""
    tokens = [t for t in _SEPARATORS.split(text) if len(t) >= 2][:20]
    candidates = list(Place.objects.filter(name__in=tokens, is_active=True)[:2000])
    if not candidates:
        # Written without separators ("金牛区沙河源街道中加水岸小区1栋"): names it contains.
        found = list(
            Place.objects.annotate(_text=Value(text[:200], output_field=CharField()))
            .filter(is_active=True, _text__contains=F("name"))
            .exclude(name__regex=r"^.?$")[:2000]
        )
        names = {p.name for p in found}
        # "1栋" inside "11栋" is not a mention of 1栋.
        candidates = [p for p in found if not any(p.name != n and p.name in n for n in names)]
    candidates = [p for p in candidates if _within(p, scope)]
    if not candidates:
        return None
    by_path = {p.path: p for p in candidates}

    def score(place: Place) -> tuple[int, int]:
        mentioned = 1 + sum(1 for path in place.ancestor_paths() if path in by_path)
        return (mentioned, place.depth)

    ranked = sorted(candidates, key=score, reverse=True)
    if len(ranked) > 1 and score(ranked[0]) == score(ranked[1]):
        return None
    return ranked[0]


def _coordinate(text: str, name: str, bound: int) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Open311Error(400, _("%(name)s must be a number.") % {"name": name}) from None
    if not number.is_finite() or not -bound <= number <= bound:
        raise Open311Error(
            400, _("%(name)s must be between -%(b)d and %(b)d.") % {"name": name, "b": bound}
        )
    return number.quantize(Decimal("0.000001"))


def _locate(
    data: ReportInput, scope: Sequence[Place]
) -> tuple[Place, Decimal | None, Decimal | None]:
    if not (data.lat or data.long or data.address_string or data.address_id):
        raise Open311Error(
            400, _("A location is required: lat and long, address_string or address_id.")
        )
    if bool(data.lat) != bool(data.long):
        raise Open311Error(400, _("lat and long must be sent together."))
    latitude = longitude = None
    place = None
    if data.lat:
        latitude = _coordinate(data.lat, "lat", 90)
        longitude = _coordinate(data.long, "long", 180)
        place = place_at_point(latitude=float(latitude), longitude=float(longitude))
    if place is None and data.address_id:
        place = place_by_ref(data.address_id)
        if place is None and not data.address_string:
            raise Open311Error(400, _("address_id %(id)s was not found.") % {"id": data.address_id})
    if place is None and data.address_string:
        place = place_by_address(data.address_string, scope)
    if place is None:
        if latitude is not None:
            raise Open311Error(
                400,
                _(
                    "The point lat/long lies outside every area this service covers; send an "
                    "address_id or an address_string it can recognise."
                ),
            )
        raise Open311Error(
            400,
            _("The address could not be recognised; send lat and long, or an address_id."),
        )
    if not _within(place, scope):
        raise Open311Error(403, _("This api_key may not report requests at this place."))
    return place, latitude, longitude


# ---------------------------------------------------------------- who


def _contact(data: ReportInput, key: ApiKey) -> tuple[str, str, str]:
    """(name, phone, detail): kept on the case for staff; never shown by any GET."""
    first, last = data.first_name, data.last_name
    if _CJK.search(first + last):
        name = f"{last}{first}"
    else:
        name = " ".join(part for part in (first, last) if part)
    problems = []
    if len(name) > 50:
        problems.append(_("first_name and last_name: at most 50 characters together."))
    if data.phone and not _PHONE.match(data.phone):
        problems.append(_("phone: digits, spaces, + - ( ) only, at most 20 characters."))
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            problems.append(_("email is not a valid e-mail address."))
    if data.media_url:
        try:
            URLValidator(schemes=["http", "https"])(data.media_url)
        except ValidationError:
            problems.append(_("media_url is not an http(s) URL."))
    for label, text in (("device_id", data.device_id), ("account_id", data.account_id)):
        if len(text) > 100:
            problems.append(_("%(name)s: at most 100 characters.") % {"name": label})
    if problems:
        raise Open311Error(400, *problems)
    lines = [f"Open311: {key.name}"]
    for label, text in (
        ("email", data.email),
        ("account_id", data.account_id),
        ("device_id", data.device_id),
        ("media_url", data.media_url),
    ):
        if text:
            lines.append(f"{label}: {text}")
    return name, data.phone, "\n".join(lines)


def _title(description: str) -> str:
    first_line = description.strip().splitlines()[0].strip() if description.strip() else ""
    return first_line if len(first_line) <= 80 else first_line[:79] + "…"


# Our field names → the Open311 parameters a client sent.
_PARAMETERS = {"description": "description", "title": "description", "photos": "media"}


def _parameter(field_name: str) -> str:
    if field_name.startswith("answers."):
        return f"attribute[{field_name.removeprefix('answers.')}]"
    return _PARAMETERS.get(field_name, field_name)


def invalid_input_descriptions(exc: InvalidInput) -> list[str]:
    if not exc.fields:
        return [exc.message]
    return [
        f"{_parameter(name)}: {message}"
        for name, messages in exc.fields.items()
        for message in messages
    ]


def _report(key: ApiKey, data: ReportInput) -> dict[str, Any]:
    """`case_report`'s arguments for a POST Service Request, by the key's service user, in the
    channel "open311" (Open311Error for what Open311 itself refuses)."""
    if key.read_only:
        raise Open311Error(403, _("This api_key is read-only."))
    if not data.service_code:
        raise Open311Error(400, _("service_code was not provided."))
    category = selectors.service_get(data.service_code)
    if category is None:
        raise Open311Error(
            404, _("service_code %(code)s was not found.") % {"code": data.service_code}
        )
    if len(data.description) > MAX_DESCRIPTION:
        raise Open311Error(400, _("description: at most 4,000 characters."))
    scope = list(key.places.all())
    place, latitude, longitude = _locate(data, scope)
    name, phone, detail = _contact(data, key)
    description = data.description.strip() or category.name
    nature = settings.GONGZHI_OPEN311_NATURE
    return {
        "actor": key.user,
        "channel": Channel.OPEN311,
        "category": category,
        "nature": nature if nature in Nature.values else Nature.HELP,
        "title": _title(description),
        "description": description,
        "place": place,
        "answers": data.attributes,
        "latitude": latitude,
        "longitude": longitude,
        "address": data.address_string[:200],
        "contact_name": name,
        "contact_phone": phone,
        "contact_detail": detail,
    }


def request_create(*, key: ApiKey, data: ReportInput) -> Case:
    """POST Service Request: a case reported at once through `case_report`."""
    report = _report(key, data)
    try:
        return cases.case_report(photos=data.photos, **report)
    except InvalidInput as exc:
        raise Open311Error(400, *invalid_input_descriptions(exc)) from exc


def request_queue(*, key: ApiKey, data: ReportInput) -> Intake:
    """POST Service Request with `Prefer: respond-async` (no media): checked and queued like a
    REST report (cases/intake.py); its token is the queued report's id."""
    report = _report(key, data)
    place = report.pop("place")
    try:
        return intake.intake_accept(place_id=place.pk, **report)
    except InvalidInput as exc:
        raise Open311Error(400, *invalid_input_descriptions(exc)) from exc


def service_notice(case: Case) -> str:
    if case.unit is None:
        return _("Received; a dispatcher will send it to the unit that handles it.")
    if case.resolve_due_at is None:
        return _("Sent to %(unit)s.") % {"unit": case.unit.name}
    return _("Sent to %(unit)s, to be resolved by %(date)s.") % {
        "unit": case.unit.name,
        "date": f"{case.resolve_due_at.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}",
    }


# ---------------------------------------------------------------- updates from a back office

# mySociety's statuses (upper case, any case accepted) → the unit's step. OPEN and
# INVESTIGATING accept (签收) a case waiting for it; IN_PROGRESS and ACTION_SCHEDULED also start
# the work; CLOSED and FIXED resolve (办结) with the description as the resolution;
# NOT_COUNCILS_RESPONSIBILITY returns it (退单, wrong duty) before it was accepted. When the
# case is already there, the description becomes a note for staff.
STEPS = {
    "OPEN": "accept",
    "INVESTIGATING": "accept",
    "IN_PROGRESS": "start",
    "ACTION_SCHEDULED": "start",
    "CLOSED": "resolve",
    "FIXED": "resolve",
    "NOT_COUNCILS_RESPONSIBILITY": "return",
}


@dataclass(frozen=True)
class Pushed:
    event: CaseEvent
    repeated: bool = False


def _last_event_id(case: Case) -> int:
    return (
        CaseEvent.objects.filter(case=case).order_by("-id").values_list("id", flat=True).first()
        or 0
    )


def _apply(step: str, case: Case, actor: Any, note: str) -> Case:
    if step == "return":
        return cases.case_return(actor=actor, case=case, reason=ReturnReason.WRONG_DUTY, note=note)
    if case.state in AWAITING_ACCEPT:
        case = cases.case_accept(actor=actor, case=case, note=note if step == "accept" else "")
        if step == "accept":
            return case
    if step == "start" and case.state == CaseState.ACCEPTED:
        return cases.case_start(actor=actor, case=case, note=note)
    if step == "resolve" and case.state in HANDLING:
        return cases.case_resolve(actor=actor, case=case, resolution=note)
    return case


def update_push(
    *,
    key: ApiKey,
    service_request_id: str,
    status: str,
    description: str = "",
    update_id: str = "",
    updated_datetime: dt.datetime | None = None,
) -> Pushed:
    """POST Service Request Update (mySociety's extension): a back office reports progress."""
    if key.read_only:
        raise Open311Error(403, _("This api_key is read-only."))
    missing = [
        name
        for name, given in (("service_request_id", service_request_id), ("status", status))
        if not given
    ]
    if missing:
        raise Open311Error(400, *[_("%(name)s was not provided.") % {"name": n} for n in missing])
    step = STEPS.get(status.upper().replace(" ", "_"))
    if step is None:
        raise Open311Error(
            400,
            _("status %(status)s is not supported; send one of %(known)s.")
            % {"status": status, "known": ", ".join(STEPS)},
        )
    if len(update_id) > 100:
        raise Open311Error(400, _("update_id: at most 100 characters."))
    case = (
        Case.objects.select_related("place", "unit", "category")
        .filter(number=service_request_id)
        .first()
    )
    if case is None:
        raise Open311Error(
            404, _("service_request_id %(id)s was not found.") % {"id": service_request_id}
        )
    if not _within(case.place, list(key.places.all())):
        raise Open311Error(403, _("This api_key may not update requests at this place."))
    if update_id:
        earlier = (
            PushedUpdate.objects.filter(api_key=key, update_id=update_id)
            .select_related("event")
            .first()
        )
        if earlier is not None and earlier.event is not None:
            return Pushed(earlier.event, repeated=True)
    note = description.strip()
    try:
        with transaction.atomic():
            before = _last_event_id(case)
            case = _apply(step, case, key.user, note)
            if _last_event_id(case) == before:
                if not note:
                    raise Open311Error(
                        400,
                        _("The request is already %(state)s; send a description to add a note.")
                        % {"state": case.get_state_display()},
                    )
                cases.case_comment(actor=key.user, case=case, note=note)
            event = CaseEvent.objects.filter(case=case).order_by("-id").first()
            assert event is not None
            if update_id:
                PushedUpdate.objects.create(
                    api_key=key,
                    update_id=update_id,
                    case=case,
                    event=event,
                    status=status.upper()[:40],
                    updated_datetime=updated_datetime,
                    received_at=clock.now(),
                )
    except NotPermitted as exc:
        raise Open311Error(
            403,
            _("This api_key's service user is not a member of the unit handling this request."),
        ) from exc
    except NotFound as exc:
        raise Open311Error(404, exc.message) from exc
    except InvalidInput as exc:
        raise Open311Error(400, *invalid_input_descriptions(exc)) from exc
    return Pushed(event)
