"""Case pages: the resident's report and cases, the case page with its steps, the agent's
registration, the unit's workbench, the dispatcher's console and the supervisor's board.

Thin over services (every write) and selectors (every read). A DomainError becomes a message on
the page (InvalidInput next to its field, a conflict above the steps), NotFound a 404 and
NotPermitted a 403 page; never a 500. Steps answer htmx with the case panel and everyone else
with a redirect, so every form works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.accounts.models import Unit, User
from gongzhi.accounts.selectors import person_contact, person_get
from gongzhi.cases import forms as case_forms
from gongzhi.cases import presenters, selectors, services, workflow
from gongzhi.cases.choices import CaseState
from gongzhi.cases.forms import Catalogue
from gongzhi.cases.models import Case, ExtensionRequest, SupervisionNote
from gongzhi.core import clock, permissions
from gongzhi.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from gongzhi.core.validators import is_digits
from gongzhi.places.models import Place
from gongzhi.web.place_labels import place_labels

PAGE_SIZE = 30
# Cases of the dispatcher's console shown with the router's suggestion (CPU only, no query).
DISPATCH_HINTS = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _status(request: HttpRequest, status: int) -> int:
    """htmx swaps 2xx answers only: an htmx form gets its messages with 200."""
    return 200 if _htmx(request) else status


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _safe_after(value: str | None) -> str | None:
    """A queue cursor ("<deadline>|<id>") as the selector reads it, or None if malformed."""
    if not value:
        return None
    stamp, sep, last_id = value.partition("|")
    if not sep or not is_digits(last_id):
        return None
    if stamp:
        try:
            dt.datetime.fromisoformat(stamp)
        except ValueError:
            return None
    return value


def _visible(request: HttpRequest, case_id: int) -> Case:
    try:
        return selectors.case_get(viewer=request.user, case_id=case_id)
    except NotFound:
        raise Http404 from None


def _forbidden(request: HttpRequest, message: str | None = None) -> HttpResponse:
    return render(
        request,
        "cases/forbidden.html",
        {"message": message or str(NotPermitted.default_message)},
        status=403,
    )


# ---------------------------------------------------------------- the resident's report


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    places, home = presenters.reporting_places(user)
    if not places:
        return render(request, "cases/report.html", {"form": None})
    catalogue = Catalogue.build(selectors.categories_for_reporting())
    form = case_forms.ReportForm(
        request.POST or None,
        request.FILES or None,
        catalogue=catalogue,
        places=presenters.place_choices(places),
        initial={"place": str(home.pk) if home else ""},
    )
    if request.method == "POST" and form.is_valid():
        category = form.chosen_category()
        assert category is not None  # a required choice
        data = form.cleaned_data
        try:
            case = services.case_report(
                actor=user,
                channel="web",
                category=category,
                nature=data["nature"],
                urgency=data["urgency"],
                title=data["title"],
                description=data["description"],
                place=next(p for p in places if str(p.pk) == data["place"]),
                answers=form.answers(),
                photos=request.FILES.getlist("photos"),
                reporter_may_be_named=data["reporter_may_be_named"],
            )
        except InvalidInput as exc:
            form.add_domain_errors(exc, form.answer_aliases())
        else:
            messages.success(
                request,
                _("Thank you. Your request %(number)s was received.") % {"number": case.number},
            )
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/report.html",
        {"form": form, "catalogue": catalogue, "photos_lost": bool(request.FILES)},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def report_hints(request: HttpRequest) -> HttpResponse:
    """htmx, while reporting: open cases like this one (to follow instead of filing a
    duplicate) and, out of band, the category the router suggests (a pre-selection the
    resident confirms or changes; never replacing their choice)."""
    user = _user(request)
    places, home = presenters.reporting_places(user)
    wanted = request.GET.get("place", "")
    place = next((p for p in places if str(p.pk) == wanted), home)
    title = request.GET.get("title", "")[:80]
    description = request.GET.get("description", "")[:4000]
    catalogue = Catalogue.build(selectors.categories_for_reporting())
    chosen_id = request.GET.get("category", "")
    chosen = catalogue.by_id.get(int(chosen_id)) if is_digits(chosen_id) else None
    similar: list[Any] = []
    suggestion = None
    if place is not None and (title or description):
        similar = presenters.similar_for_resident(
            category=chosen, place=place, text=f"{title}\n{description}"
        )
        suggestion = presenters.category_suggestion(
            catalogue=catalogue, title=title, description=description, place=place
        )
    return render(
        request,
        "cases/_report_hints.html",
        {"similar": similar, "suggestion": suggestion, "chosen": chosen is not None},
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    after = request.GET.get("after", "")
    page = selectors.cases_of_reporter(
        viewer=request.user, after=after if is_digits(after) else None, size=PAGE_SIZE
    )
    return render(
        request, "cases/mine.html", {"page": page, "rows": presenters.case_rows(page.items)}
    )


# ---------------------------------------------------------------- the case page


STEP_LABELS = presenters.STEP_LABELS
# What the buttons say (the timeline says what happened: STEP_LABELS).
STEP_BUTTONS = {
    "accept": gettext_lazy("Accept"),
    "start": gettext_lazy("Start work"),
    "resolve": gettext_lazy("Resolve"),
    "request_extension": gettext_lazy("Ask for more time"),
    "escalate": gettext_lazy("Pass up a level"),
    "return": gettext_lazy("Return"),
    "dispatch": gettext_lazy("Dispatch"),
    "reroute": gettext_lazy("Transfer to another unit"),
    "remind": gettext_lazy("Remind the unit"),
    "supervise": gettext_lazy("Supervise"),
    "comment": gettext_lazy("Add a note"),
    "rate": gettext_lazy("Rate the handling"),
    "merge": gettext_lazy("Merge into another case"),
}
# Steps that stand for several transitions (the service picks one), or for one of another name.
STEP_TRANSITIONS = {"rate": {"close", "reopen"}}
# Steps taken with one click; the others open a form first.
QUICK_STEPS = frozenset({"accept", "start"})
# Steps with a form of their own on the case page, in the order they are offered.
STEPS = [
    "accept",
    "start",
    "resolve",
    "request_extension",
    "escalate",
    "return",
    "dispatch",
    "reroute",
    "remind",
    "supervise",
    "comment",
    "rate",
    "merge",
]


def _offered(name: str, allowed: set[str]) -> bool:
    return bool(STEP_TRANSITIONS.get(name, {name}) & allowed)


def _step_form(
    name: str,
    data: Any = None,
    files: Any = None,
    *,
    units: list[Unit] | None = None,
) -> case_forms.AccessibleForm:
    kwargs: dict[str, Any] = {"prefix": name}
    if name in ("accept", "start", "remind"):
        return case_forms.NoteForm(data, **kwargs)
    if name == "return":
        return case_forms.ReturnForm(data, **kwargs)
    if name == "resolve":
        return case_forms.ResolveForm(data, files, **kwargs)
    if name == "rate":
        return case_forms.RateForm(data, **kwargs)
    if name == "merge":
        return case_forms.MergeForm(data, **kwargs)
    if name == "request_extension":
        form = case_forms.ExtensionForm(data, **kwargs)
        form.fields["new_due_on"].widget.attrs["min"] = clock.today().isoformat()
        return form
    if name in ("dispatch", "reroute"):
        return case_forms.UnitForm(
            data, units=presenters.unit_choices(units or []), reroute=name == "reroute", **kwargs
        )
    note_labels = {
        "escalate": _("Why should the level above take it?"),
        "supervise": _("Supervision note (the unit must answer)"),
        "comment": _("Note for staff (the resident does not see it)"),
    }
    return case_forms.RequiredNoteForm(data, note_label=note_labels.get(name), **kwargs)


def _perform(
    name: str,
    form: case_forms.AccessibleForm,
    *,
    actor: User,
    case: Case,
    files: list[Any],
    units: list[Unit],
) -> str | None:
    """Take the step; a message of its own, or None for "Done: <step>"."""
    data = form.cleaned_data
    note = data.get("note", "")
    if name == "accept":
        services.case_accept(actor=actor, case=case, note=note)
    elif name == "start":
        services.case_start(actor=actor, case=case, note=note)
    elif name == "return":
        services.case_return(actor=actor, case=case, reason=data["reason"], note=note)
    elif name == "escalate":
        services.case_escalate(actor=actor, case=case, note=note)
    elif name == "request_extension":
        assert isinstance(form, case_forms.ExtensionForm)
        services.case_extension_request(
            actor=actor,
            case=case,
            reason=data["reason"],
            new_due_at=form.new_due_at(case.resolve_due_at),
        )
    elif name == "resolve":
        services.case_resolve(actor=actor, case=case, resolution=data["resolution"], photos=files)
    elif name in ("dispatch", "reroute"):
        unit = next((u for u in units if str(u.pk) == data["unit"]), None)
        if name == "dispatch":
            services.case_dispatch(actor=actor, case=case, unit=unit, note=note)
        else:
            assert unit is not None  # a required choice
            services.case_reroute(actor=actor, case=case, unit=unit, note=note)
    elif name == "remind":
        services.case_remind(actor=actor, case=case, note=note)
    elif name == "supervise":
        services.case_supervise(actor=actor, case=case, note=note)
    elif name == "comment":
        services.case_comment(actor=actor, case=case, note=note)
    elif name == "rate":
        rated = services.case_follow_up(
            actor=actor,
            case=case,
            solved=data["solved"],
            rating=data["rating"],
            reason=data["reason"],
            comment=data["comment"],
            by_phone=case.reporter_id != actor.pk,
        )
        if rated.state == CaseState.CLOSED:
            return _("Thank you: the rating is recorded and the case is closed.")
        return _("The case is reopened: %(unit)s handles it again, with a new deadline.") % {
            "unit": rated.unit.name if rated.unit else ""
        }
    elif name == "merge":
        into = presenters.merge_target(actor, case, data["into"])
        services.case_merge(actor=actor, case=case, into=into, note=note)
        return _("Case %(number)s was merged into %(into)s.") % {
            "number": case.number,
            "into": into.number,
        }
    return None


def _render_detail(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, Any] | None = None,
    notice: str = "",
    error: str = "",
    status: int = 200,
    merge_query: str = "",
) -> HttpResponse:
    viewer = _user(request)
    bound = bound or {}
    staff = selectors.is_staff_view(viewer, case)
    events = selectors.case_timeline(viewer=viewer, case=case)
    allowed = {t.name for t in workflow.allowed(case, viewer)}
    units = presenters.candidate_units([case])[case.pk] if allowed & {"dispatch", "reroute"} else []
    steps = [
        (
            name,
            _button(name, case, viewer),
            bound.get(name) or _step_form(name, units=units),
            name in QUICK_STEPS and name not in bound,
        )
        for name in STEPS
        if _offered(name, allowed)
    ]
    extensions: list[ExtensionRequest] = []
    notes: list[SupervisionNote] = []
    if staff:
        extensions = list(
            case.extensions.filter(state="pending").select_related("requested_by", "unit")
        )
        notes = list(
            case.supervision_notes.select_related("author", "unit", "answered_by").order_by(
                "at", "id"
            )
        )
    report_photos = [p for e in events if e.action == "submit" for p in e.photos.all()]
    resolution_photos = [p for e in events if e.action == "resolve" for p in e.photos.all()]
    context = {
        "case": case,
        "staff": staff,
        "place": place_labels([case.place])[case.place_id],
        "deadline": presenters.deadline_of(case, clock.now()),
        "contact": selectors.reporter_contact(viewer=viewer, case=case),
        "answers": presenters.answer_labels(case),
        "timeline": presenters.timeline_entries(events, staff),
        "report_photos": report_photos,
        "resolution_photos": resolution_photos,
        "category": presenters.category_label(case),
        "steps": steps,
        "open_step": next(iter(bound), "merge" if merge_query else ""),
        "can_decide": "decide_extension" in allowed,
        "extensions": [
            (e, bound.get(f"decide-{e.pk}") or case_forms.DecideExtensionForm(prefix=f"x{e.pk}"))
            for e in extensions
        ],
        "notes": [
            (
                n,
                bound.get(f"answer-{n.pk}") or case_forms.AnswerForm(prefix=f"s{n.pk}")
                if n.answered_at is None and permissions.is_unit_member(viewer, n.unit_id)
                else None,
            )
            for n in notes
        ],
        "notice": notice,
        "error": error,
        "following": case.followers.filter(user=viewer).exists(),
        "merge_query": merge_query,
        "merge_candidates": (
            presenters.merge_candidates(viewer, case, merge_query) if "merge" in allowed else []
        ),
        "hint": (
            presenters.routing_hint(case) if staff and allowed & {"dispatch", "reroute"} else None
        ),
        "follow_up": case.follow_ups.order_by("-at", "-id").first() if case.rating else None,
    }
    return render(request, "cases/detail.html", context, status=status)


def _button(name: str, case: Case, viewer: User) -> str:
    if name == "rate" and case.reporter_id != viewer.pk:
        return _("Record the resident's rating (follow-up call)")
    return str(STEP_BUTTONS[name])


@login_required
@require_GET
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _render_detail(
        request, _visible(request, case_id), merge_query=request.GET.get("merge_q", "")[:40]
    )


@login_required
@require_GET
def merge_candidates(request: HttpRequest, case_id: int) -> HttpResponse:
    """htmx: the cases this one may be merged into, matching the search."""
    viewer = _user(request)
    case = _visible(request, case_id)
    if "merge" not in {t.name for t in workflow.allowed(case, viewer)}:
        raise Http404
    found = presenters.merge_candidates(viewer, case, request.GET.get("merge_q", "")[:40])
    return render(
        request,
        "cases/_merge_candidates.html",
        {"case": case, "merge_candidates": found, "rows": presenters.case_rows(found)},
    )


@login_required
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    """Follow or unfollow a case by its number (the case page, the public page, the report
    form's similar cases). htmx gets the new button; everyone else a redirect."""
    actor = _user(request)
    number = request.POST.get("number", "")[:40]
    stop = request.POST.get("action") == "unfollow"
    try:
        if stop:
            followed = Case.objects.filter(number=number, followers__user=actor).first()
            if followed is None:
                raise NotFound()
            case = followed
            services.case_unfollow(actor=actor, case=case)
        else:
            case = services.case_follow_by_number(actor=actor, number=number)
    except NotFound:
        if not _htmx(request):
            raise Http404 from None
        return render(
            request,
            "cases/_follow.html",
            {
                "number": number,
                "following": stop,
                "notice": _("You can follow the cases of your own community only."),
            },
        )
    message = (
        _("You no longer follow %(number)s.")
        if stop
        else _("You follow %(number)s: you will be told of its progress.")
    ) % {"number": case.number}
    if _htmx(request):
        return render(
            request,
            "cases/_follow.html",
            {"number": case.number, "following": not stop, "notice": message},
        )
    messages.success(request, message)
    target = _safe_next(request)
    if target is None:
        visible = Case.objects.filter(selectors.visible_q(actor), pk=case.pk).exists()
        target = (
            reverse("cases:detail", kwargs={"case_id": case.pk})
            if visible
            else reverse("public:case", kwargs={"number": case.number})
        )
    return redirect(target)


def _after_step(request: HttpRequest, case_id: int, message: str) -> HttpResponse:
    """Back to the case (the panel for htmx), or elsewhere if the case left the user's sight."""
    target = _safe_next(request)
    try:
        case = selectors.case_get(viewer=request.user, case_id=case_id)
    except NotFound:
        target = target or reverse("cases:workbench")
        messages.success(request, message)
        if _htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    if _htmx(request) and not target:
        return _render_detail(request, case, notice=message)
    messages.success(request, message)
    return redirect(target or reverse("cases:detail", kwargs={"case_id": case.pk}))


def _failed(
    request: HttpRequest, case_id: int, exc: DomainError, bound: dict[str, Any]
) -> HttpResponse:
    """A service refused: the case page again, with the reason."""
    if isinstance(exc, NotPermitted) and not _htmx(request):
        return _forbidden(request, exc.message)
    case = _visible(request, case_id)
    if isinstance(exc, InvalidInput):
        return _render_detail(request, case, bound=bound, status=_status(request, 400))
    return _render_detail(request, case, error=exc.message, status=_status(request, exc.status))


@login_required
@require_POST
def step(request: HttpRequest, case_id: int, name: str) -> HttpResponse:
    if name not in STEPS:
        raise Http404
    actor = _user(request)
    case = _visible(request, case_id)
    units = presenters.candidate_units([case])[case.pk] if name in ("dispatch", "reroute") else []
    form = _step_form(name, request.POST, request.FILES, units=units)
    if not form.is_valid():
        return _render_detail(request, case, bound={name: form}, status=_status(request, 400))
    files = request.FILES.getlist(f"{name}-photos")
    try:
        message = _perform(name, form, actor=actor, case=case, files=files, units=units)
    except DomainError as exc:
        if isinstance(exc, InvalidInput):
            form.add_domain_errors(exc, {"new_due_at": "new_due_on"})
        return _failed(request, case_id, exc, {name: form})
    return _after_step(
        request, case_id, message or _("Done: %(step)s") % {"step": STEP_LABELS[name]}
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, case_id: int, extension_id: int) -> HttpResponse:
    case = _visible(request, case_id)
    extension = case.extensions.filter(pk=extension_id).first()
    if extension is None:
        raise Http404
    form = case_forms.DecideExtensionForm(request.POST, prefix=f"x{extension.pk}")
    key = f"decide-{extension.pk}"
    if not form.is_valid():
        return _render_detail(request, case, bound={key: form}, status=_status(request, 400))
    grant = request.POST.get("decision") == "grant"
    try:
        services.case_extension_decide(
            actor=_user(request), request=extension, grant=grant, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        if isinstance(exc, InvalidInput):
            form.add_domain_errors(exc)
        return _failed(request, case_id, exc, {key: form})
    message = _("Extension granted.") if grant else _("Extension refused.")
    return _after_step(request, case_id, message)


@login_required
@require_POST
def supervision_answer(request: HttpRequest, case_id: int, note_id: int) -> HttpResponse:
    case = _visible(request, case_id)
    supervision = case.supervision_notes.filter(pk=note_id).first()
    if supervision is None:
        raise Http404
    form = case_forms.AnswerForm(request.POST, prefix=f"s{supervision.pk}")
    key = f"answer-{supervision.pk}"
    if not form.is_valid():
        return _render_detail(request, case, bound={key: form}, status=_status(request, 400))
    try:
        services.case_supervision_answer(
            actor=_user(request), supervision=supervision, answer=form.cleaned_data["answer"]
        )
    except DomainError as exc:
        if isinstance(exc, InvalidInput):
            form.add_domain_errors(exc)
        return _failed(request, case_id, exc, {key: form})
    return _after_step(request, case_id, _("Your answer was sent to the supervisor."))


# ---------------------------------------------------------------- the agent's registration


def _chosen_person(agent: User, value: str) -> User | None:
    if not is_digits(value):
        return None
    try:
        return person_get(viewer=agent, user_id=int(value))
    except NotFound:
        return None


def _register_case(
    agent: User,
    form: case_forms.RegisterForm,
    places: list[Place],
    chosen: User | None,
    photos: list[Any],
) -> Case | None:
    """The case, or None with the errors on the form."""
    data = form.cleaned_data
    if data["on_behalf_of"] and chosen is None:
        form.add_error(None, _("Choose the resident among the people found."))
        return None
    category = form.chosen_category()
    assert category is not None  # a required choice
    try:
        case = services.case_report(
            actor=agent,
            channel=data["channel"],
            category=category,
            nature=data["nature"],
            urgency=data["urgency"],
            title=data["title"],
            description=data["description"],
            place=next(p for p in places if str(p.pk) == data["place"]),
            answers=form.answers(),
            photos=photos,
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            contact_detail=data["contact_detail"],
            reporter_may_be_named=data["reporter_may_be_named"],
            on_behalf_of=chosen,
        )
    except InvalidInput as exc:
        form.add_domain_errors(exc, form.answer_aliases())
        return None
    except NotPermitted:
        form.add_error("place", _("You may not register cases at this place."))
        return None
    return case


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    agent = _user(request)
    if not permissions.has_perm_anywhere(agent, "case.register"):
        raise Http404
    places = presenters.scope_places(agent, "case.register")
    catalogue = Catalogue.build(selectors.categories_for_reporting())
    form = case_forms.RegisterForm(
        request.POST or None,
        request.FILES or None,
        catalogue=catalogue,
        places=presenters.place_choices(places),
    )
    phone = request.GET.get("phone", "")
    found = presenters.people_by_phone(agent, phone) if phone else []
    chosen = _chosen_person(agent, request.POST.get("on_behalf_of", ""))
    if request.method == "POST" and form.is_valid():
        case = _register_case(agent, form, places, chosen, request.FILES.getlist("photos"))
        if case is not None:
            messages.success(request, _("Case %(number)s registered.") % {"number": case.number})
            return redirect("cases:detail", case_id=case.pk)
    if chosen is not None:
        found = [
            {
                "person": chosen,
                "contact": person_contact(viewer=agent, person=chosen),
                "places": [],
                "home": "",
                "checked": True,
            }
        ]
    return render(
        request,
        "cases/register.html",
        {
            "form": form,
            "catalogue": catalogue,
            "phone": phone,
            "found": found,
            "searched": bool(phone),
            "photos_lost": bool(request.FILES),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def register_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: the people matching a phone number, to choose whom the case is for."""
    agent = _user(request)
    if not permissions.has_perm_anywhere(agent, "case.register"):
        raise Http404
    phone = request.GET.get("phone", "")
    return render(
        request,
        "cases/_people.html",
        {"found": presenters.people_by_phone(agent, phone), "phone": phone, "searched": True},
    )


# ---------------------------------------------------------------- staff lists


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = list(user.units.filter(is_active=True).order_by("name"))
    if not units:
        return render(request, "cases/workbench.html", {"units": []})
    wanted = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == wanted), units[0])
    catalogue = Catalogue.build(selectors.categories_for_reporting())
    places = presenters.jurisdiction_places(unit)
    paths = {place.pk: place.path for place in places}
    form = case_forms.QueueFilterForm(
        request.GET, catalogue=catalogue, places=presenters.place_choices(places)
    )
    filters = selectors.Filters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            state=data["state"] or "",
            category=data["category"] or None,
            place_path=paths.get(data["place"] or 0, ""),
            overdue=data["overdue"],
        )
    page = selectors.case_queue(
        viewer=user,
        unit=unit,
        filters=filters,
        after=_safe_after(request.GET.get("after")),
        size=PAGE_SIZE,
    )
    return render(
        request,
        "cases/workbench.html",
        {
            "units": units,
            "unit": unit,
            "form": form,
            "page": page,
            "rows": presenters.case_rows(page.items),
        },
    )


@login_required
@require_GET
def dispatch(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.has_perm_anywhere(user, "case.dispatch"):
        raise Http404
    console = selectors.dispatcher_console(viewer=user)
    cases = console["unrouted"] + console["returned"]
    units = presenters.candidate_units(cases) if cases else {}
    rows = {row.case.pk: row for row in presenters.case_rows(cases)}
    hints = {
        case.pk: presenters.routing_hint(case, with_rule=False) for case in cases[:DISPATCH_HINTS]
    }
    sections = [
        (
            key,
            title,
            [
                (rows[case.pk], presenters.unit_choices(units[case.pk]), hints.get(case.pk))
                for case in console[key]
            ],
        )
        for key, title in [
            ("unrouted", _("Not routed yet")),
            ("returned", _("Returned by the unit")),
        ]
    ]
    return render(request, "cases/dispatch.html", {"sections": sections})


@login_required
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.has_perm_anywhere(user, "case.supervise"):
        raise Http404
    board = selectors.overdue_board(viewer=user)
    return render(
        request,
        "cases/supervision.html",
        {
            "per_unit": board["per_unit"],
            "overdue": presenters.case_rows(board["cases"]),
            "flagged": presenters.case_rows(board["flagged"]),
        },
    )
