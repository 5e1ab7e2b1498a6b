"""Duty pages: who is on duty, the on-duty inbox, rosters for staff, my shifts and hours, the
volunteer registry.

Thin over services and selectors. A DomainError becomes a message on the page (InvalidInput's
field errors next to their fields when a form is shown), NotFound a 404 — never a 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import User
from gongzhi.core import clock, permissions
from gongzhi.core.errors import DomainError, InvalidInput, NotFound
from gongzhi.core.masking import mask_phone
from gongzhi.core.validators import is_digits
from gongzhi.duty import forms, inbox, selectors, services, volunteering
from gongzhi.duty.choices import ServiceState
from gongzhi.duty.models import Roster, RosterMember, ShiftAssignment, Volunteer
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


def _int(value: str | None) -> int | None:
    return int(value) if value and is_digits(value) else None


def _month(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The month asked for (?month=2026-12), else this month."""
    today = clock.today()
    try:
        first = dt.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _attempt(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run a service; its domain error becomes a message, else `success` (or the message the
    action returns). True if it succeeded."""
    try:
        result = action()
    except InvalidInput as error:
        details = [m for msgs in error.fields.values() for m in msgs]
        messages.error(request, " ".join(details) or error.message)
        return False
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, result if isinstance(result, str) and result else success)
    return True


def _form_errors(form: Any) -> str:
    return " ".join(str(m) for msgs in form.errors.values() for m in msgs)


def _visible_roster(request: HttpRequest, roster_id: int) -> Roster:
    try:
        return selectors.roster_get(viewer=request.user, roster_id=roster_id)
    except NotFound:
        raise Http404 from None


# ---------------------------------------------------------------- who is on duty, the inbox


def _my_places(user: User) -> list[Place]:
    """The places a person belongs to (their grants), for the "who is on duty" page."""
    ids = {g.place_id for g in permissions.grants_of(user)}
    return list(Place.objects.filter(pk__in=ids).order_by("path"))


@login_required
def on_duty(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    places = _my_places(user)
    wanted = _int(request.GET.get("place"))
    place = next((p for p in places if p.pk == wanted), None)
    if wanted and place is None:
        place = Place.objects.filter(pk=wanted, is_active=True).first()
    place = place or (places[0] if places else None)
    people: list[dict[str, Any]] = []
    if place is not None:
        for person in selectors.on_duty_users(place=place):
            people.append({"name": selectors.display_name(user, person, place)})
    return render(
        request,
        "duty/on_duty.html",
        {"place": place, "places": places, "people": people, "now": clock.now()},
    )


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    """The on-duty person's focused inbox: one section per registered kind of new thing."""
    user = _user(request)
    now = clock.now()
    places = selectors.on_duty_places(user=user, at=now)
    sections = [
        {"section": section, "items": section.load(user, places, now) if places else []}
        for section in inbox.SECTIONS
    ]
    return render(request, "duty/inbox.html", {"places": places, "sections": sections})


# ---------------------------------------------------------------- staff: rosters


@login_required
def roster_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    managed = selectors.managed_places(viewer=user)
    form = forms.RosterForm(places=[(p.pk, p.name) for p in managed])
    today = clock.today()
    gaps = selectors.gap_list(viewer=user, start=today, end=today + dt.timedelta(days=13))
    return render(
        request,
        "duty/rosters.html",
        {
            "rosters": list(selectors.roster_list(viewer=user)),
            "form": form if managed else None,
            "gaps": gaps,
        },
    )


@login_required
@require_POST
def roster_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    managed = {p.pk: p for p in selectors.managed_places(viewer=user)}
    form = forms.RosterForm(request.POST, places=[(pk, p.name) for pk, p in managed.items()])
    if not form.is_valid():
        messages.error(request, _("Choose a place and give a name."))
        return redirect("duty:rosters")
    created: list[Roster] = []

    def create() -> None:
        created.append(
            services.roster_create(
                actor=user,
                place=managed[form.cleaned_data["place"]],
                name=form.cleaned_data["name"],
            )
        )

    if _attempt(request, create, _("Roster created.")):
        return redirect("duty:roster", created[0].pk)
    return redirect("duty:rosters")


@login_required
def roster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    roster = _visible_roster(request, pk)
    start, end = _month(request)
    shifts = selectors.shift_list(roster=roster, start=start, end=end)
    can_manage = permissions.has_perm(user, "duty.manage", roster.place)
    candidates = selectors.duty_candidates(place=roster.place) if can_manage else []
    people = [(u.pk, f"{u.get_full_name()} ({u.username})") for u, _role in candidates]
    return render(
        request,
        "duty/roster.html",
        {
            "roster": roster,
            "members": selectors.roster_members(roster=roster),
            "shifts": shifts,
            "gaps": sum(1 for s in shifts if getattr(s, "filled", 0) < s.slots),
            "month": start,
            "previous": (start - dt.timedelta(days=1)).strftime("%Y-%m"),
            "next": (end + dt.timedelta(days=1)).strftime("%Y-%m"),
            "can_manage": can_manage,
            "people": people,
            "member_form": forms.MemberForm(people=people) if can_manage else None,
            "generate_form": forms.GenerateForm(
                initial={"start": max(start, clock.today()), "end": end}
            )
            if can_manage
            else None,
            "shift_form": forms.ShiftForm(initial={"date": clock.today()}) if can_manage else None,
        },
    )


def _back(request: HttpRequest, roster: Roster) -> HttpResponse:
    month = request.POST.get("month", "")
    url = f"{roster_url(roster)}?month={month}" if month else roster_url(roster)
    return redirect(url)


def roster_url(roster: Roster) -> str:
    from django.urls import reverse

    return reverse("duty:roster", args=[roster.pk])


def _managed_roster(request: HttpRequest, pk: int) -> tuple[User, Roster]:
    user = _user(request)
    roster = _visible_roster(request, pk)
    return user, roster


def _person(request: HttpRequest, field: str = "user") -> User:
    pk = _int(request.POST.get(field))
    person = User.objects.filter(pk=pk).first() if pk is not None else None
    if person is None:
        raise Http404
    return person


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, roster = _managed_roster(request, pk)
    person = _person(request)
    role = request.POST.get("role", "")
    _attempt(
        request,
        lambda: services.roster_member_add(actor=user, roster=roster, user=person, role=role),
        _("Added to the rotation."),
    )
    return _back(request, roster)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    user, roster = _managed_roster(request, pk)
    member = (
        RosterMember.objects.filter(pk=member_id, roster=roster)
        .select_related("roster__place")
        .first()
    )
    if member is None:
        raise Http404
    _attempt(
        request,
        lambda: services.roster_member_remove(actor=user, member=member),
        _("Taken out of the rotation."),
    )
    return _back(request, roster)


@login_required
@require_POST
def rotation_generate(request: HttpRequest, pk: int) -> HttpResponse:
    user, roster = _managed_roster(request, pk)
    form = forms.GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, roster)
    data = form.cleaned_data

    def generate() -> str:
        shifts = services.rotation_generate(
            actor=user,
            roster=roster,
            start=data["start"],
            end=data["end"],
            times=data["times"],
            skip_days_off=data["skip_days_off"],
            slots=data["slots"],
        )
        return _("%(count)d shifts created and staffed.") % {"count": len(shifts)}

    _attempt(request, generate, "")
    return redirect(f"{roster_url(roster)}?month={data['start']:%Y-%m}")


@login_required
@require_POST
def shift_create(request: HttpRequest, pk: int) -> HttpResponse:
    user, roster = _managed_roster(request, pk)
    form = forms.ShiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, roster)
    data = form.cleaned_data
    _attempt(
        request,
        lambda: services.shift_create(actor=user, roster=roster, **data),
        _("Shift added."),
    )
    return _back(request, roster)


@login_required
@require_POST
def shift_edit(request: HttpRequest, pk: int, shift_id: int) -> HttpResponse:
    """Assign, unassign or replace someone on a shift (the `action` button says which)."""
    user, roster = _managed_roster(request, pk)
    shift = roster.shifts.filter(pk=shift_id).select_related("roster__place").first()
    if shift is None:
        raise Http404
    action = request.POST.get("action")
    if action == "assign":
        person = _person(request)
        _attempt(
            request,
            lambda: services.shift_assign(actor=user, shift=shift, user=person),
            _("Assigned."),
        )
    elif action == "unassign":
        person = _person(request)
        _attempt(
            request,
            lambda: services.shift_unassign(actor=user, shift=shift, user=person),
            _("Unassigned."),
        )
    elif action == "replace":
        old, new = _person(request, "old"), _person(request)
        _attempt(
            request,
            lambda: services.shift_replace(actor=user, shift=shift, old=old, new=new),
            _("Replaced."),
        )
    else:
        messages.error(request, _("Unknown action."))
    return _back(request, roster)


# ---------------------------------------------------------------- a person's own shifts


@login_required
def my_shifts(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = clock.today()
    shifts = selectors.shifts_of(user=user, start=today, end=today + dt.timedelta(days=62))
    swaps = selectors.swaps_of(user=user)
    first = today.replace(day=1)
    return render(
        request,
        "duty/my_shifts.html",
        {
            "shifts": shifts,
            "swaps": swaps,
            "swap_people": _swap_people(user, shifts),
            "hours_month": selectors.hours_of(user=user, start=first, end=today),
            "hours_year": selectors.hours_of(
                user=user, start=today.replace(month=1, day=1), end=today
            ),
            "records": list(
                selectors.service_record_list(viewer=user).filter(volunteer__user=user)[:20]
            ),
            "volunteering": list(
                Volunteer.objects.filter(user=user, is_active=True).select_related("community")
            ),
            "hours_form": forms.HoursForm(initial={"date": today}),
        },
    )


def _swap_people(user: User, shifts: list[Any]) -> dict[int, list[tuple[int, str]]]:
    """For each roster the user serves on: the other members, to ask for a swap (one query)."""
    roster_ids = {s.roster_id for s in shifts}
    people: dict[int, list[tuple[int, str]]] = {rid: [] for rid in roster_ids}
    for member in (
        RosterMember.objects.filter(roster_id__in=roster_ids, is_active=True)
        .exclude(user=user)
        .select_related("user")
    ):
        people[member.roster_id].append((member.user_id, member.user.get_full_name()))
    return people


@login_required
@require_POST
def swap_request(request: HttpRequest, shift_id: int) -> HttpResponse:
    user = _user(request)
    assignment = (
        ShiftAssignment.objects.filter(shift_id=shift_id, user=user)
        .select_related("shift__roster__place")
        .first()
    )
    if assignment is None:
        raise Http404
    shift = assignment.shift
    counterparty = _person(request, "counterparty")
    counter_id = _int(request.POST.get("counter_shift"))
    counter_shift = shift.roster.shifts.filter(pk=counter_id).first() if counter_id else None
    note = request.POST.get("note", "")
    _attempt(
        request,
        lambda: services.swap_request(
            actor=user,
            shift=shift,
            counterparty=counterparty,
            counter_shift=counter_shift,
            note=note,
        ),
        _("Swap requested."),
    )
    return redirect("duty:my_shifts")


@login_required
@require_POST
def swap_decide(request: HttpRequest, swap_id: int) -> HttpResponse:
    user = _user(request)
    try:
        swap = selectors.swap_get(viewer=user, swap_id=swap_id)
    except NotFound:
        raise Http404 from None
    steps = {
        "accept": (services.swap_accept, _("Swap accepted: the shift is yours.")),
        "decline": (services.swap_decline, _("Swap declined.")),
        "cancel": (services.swap_cancel, _("Swap request withdrawn.")),
    }
    step = steps.get(request.POST.get("action", ""))
    if step is None:
        messages.error(request, _("Unknown action."))
    else:
        service, done = step
        _attempt(request, lambda: service(actor=user, swap=swap), done)
    return redirect("duty:my_shifts")


@login_required
@require_POST
def hours_report(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    """Self-report hours (or, for staff, record them for a volunteer)."""
    user = _user(request)
    try:
        volunteer = selectors.volunteer_get(viewer=user, volunteer_id=volunteer_id)
    except NotFound:
        raise Http404 from None
    form = forms.HoursForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _attempt(
            request,
            lambda: volunteering.service_record(actor=user, volunteer=volunteer, **data),
            _("Hours recorded."),
        )
    else:
        messages.error(request, _form_errors(form))
    back = request.POST.get("back")
    return redirect("duty:volunteers" if back == "registry" else "duty:my_shifts")


# ---------------------------------------------------------------- staff: volunteers and hours


def _communities(user: User) -> list[Place]:
    return [
        p
        for p in selectors.managed_places(viewer=user)
        if p.level == PlaceLevel.COMMUNITY and permissions.has_perm(user, "volunteer.manage", p)
    ]


@login_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.has_perm_anywhere(user, "volunteer.view"):
        raise Http404
    period = forms.PeriodForm(request.GET or None)
    today = clock.today()
    start, end = today.replace(day=1), today
    if period.is_valid():
        start = period.cleaned_data["start"] or start
        end = period.cleaned_data["end"] or end
    volunteers = list(selectors.volunteer_list(viewer=user)[:500])
    contact = {
        v.pk: v.user.phone
        if permissions.has_perm(user, "person.view_contact", v.community)
        else mask_phone(v.user.phone)
        for v in volunteers
    }
    communities = _communities(user)
    return render(
        request,
        "duty/volunteers.html",
        {
            "volunteers": [{"v": v, "phone": contact[v.pk]} for v in volunteers],
            "totals": selectors.service_totals(viewer=user, start=start, end=end),
            "pending": list(
                selectors.service_record_list(viewer=user, state=ServiceState.REPORTED).filter(
                    permissions.place_q(user, "volunteer.manage", "community")
                )[:100]
            ),
            "start": start,
            "end": end,
            "period_form": forms.PeriodForm(initial={"start": start, "end": end}),
            "form": forms.VolunteerForm(communities=[(c.pk, c.name) for c in communities])
            if communities
            else None,
        },
    )


@login_required
@require_POST
def volunteer_register(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    communities = {c.pk: c for c in _communities(user)}
    form = forms.VolunteerForm(
        request.POST, communities=[(pk, c.name) for pk, c in communities.items()]
    )
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("duty:volunteers")
    data = form.cleaned_data
    person = User.objects.filter(
        Q(username=data["username"]) | Q(phone=data["username"]), is_active=True
    ).first()
    if person is None:
        messages.error(request, _("No one has that username or mobile number."))
        return redirect("duty:volunteers")
    _attempt(
        request,
        lambda: volunteering.volunteer_register(
            actor=user,
            user=person,
            community=communities[data["community"]],
            kind=data["kind"],
            organisation=data["organisation"],
            skills=data["skills"],
            availability=data["availability"],
            weekdays=data["weekdays"],
        ),
        _("Registered."),
    )
    return redirect("duty:volunteers")


@login_required
@require_POST
def service_decide(request: HttpRequest, record_id: int) -> HttpResponse:
    user = _user(request)
    try:
        record = selectors.service_record_get(viewer=user, record_id=record_id)
    except NotFound:
        raise Http404 from None
    if request.POST.get("action") == "confirm":
        _attempt(
            request,
            lambda: volunteering.service_confirm(actor=user, record=record),
            _("Hours confirmed."),
        )
    else:
        _attempt(
            request,
            lambda: volunteering.service_reject(actor=user, record=record),
            _("Hours rejected."),
        )
    return redirect("duty:volunteers")
