"""Publicity pages: the public archive of notices and the programme view, the resident's
notices and objections, the staff's projects, notices, responses, periods and results.

Thin over services (every write) and selectors (every read). A DomainError becomes a message on
the page (InvalidInput next to its field), NotFound a 404, NotPermitted a 403 page; never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.accounts.models import User
from gongzhi.cases.forms import AccessibleForm
from gongzhi.core import clock, permissions
from gongzhi.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from gongzhi.core.validators import is_digits
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place
from gongzhi.places.selectors import place_ancestors, subtree_range
from gongzhi.publicity import forms as f
from gongzhi.publicity import periods, selectors, services, workflow
from gongzhi.publicity.choices import NoticeState, ProjectStatus
from gongzhi.publicity.models import Notice, Objection, ProgressPhoto, Project, ProjectDocument

PLACE_LEVELS = [PlaceLevel.STREET, PlaceLevel.COMMUNITY, PlaceLevel.COURTYARD]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


def _forbidden(request: HttpRequest, message: str | None = None) -> HttpResponse:
    return render(
        request,
        "cases/forbidden.html",
        {"message": message or str(NotPermitted.default_message)},
        status=403,
    )


def _show_error(
    request: HttpRequest,
    form: AccessibleForm,
    exc: DomainError,
    aliases: dict[str, str] | None = None,
) -> None:
    """A service's refusal: field errors next to their fields, anything else as a message."""
    if isinstance(exc, InvalidInput):
        form.add_domain_errors(exc, aliases)
    else:
        messages.error(request, exc.message)


def staff_places(user: Any, perm: str) -> list[tuple[int, str]]:
    """Streets, communities and courtyards where `user` holds `perm` (one query)."""
    paths = permissions.scope_paths(user, perm)
    qs = Place.objects.filter(level__in=PLACE_LEVELS)
    if paths is not None:
        if not paths:
            return []
        within = Place.objects.none()
        for path in paths:
            within |= Place.objects.filter(path__range=subtree_range(path))
        qs = qs & within
    rows = qs.select_related("parent").order_by("path")[:500]
    return [(p.pk, f"{p.parent.name} · {p.name}" if p.parent else p.name) for p in rows]


def _place(pk: int) -> Place:
    place = Place.objects.filter(pk=pk).first()
    if place is None:
        raise InvalidInput(fields={"place": [_("Choose a place.")]})
    return place


# ---------------------------------------------------------------- public


def _archive_place(raw: str, options: list[Place]) -> tuple[Place | None, str]:
    """The place `?under=` names (by id), or None and a message saying why it was ignored."""
    if not raw:
        return None, ""
    pk = int(raw) if is_digits(raw) and len(raw) <= 18 else 0  # beyond 64 bits: no such place
    place = next((p for p in options if p.pk == pk), None)
    if place is None and pk:
        place = Place.objects.filter(pk=pk).first()  # a place without notices, e.g. a district
    if place is None:
        return None, _("There is no place “%(value)s”; every notice is shown instead.") % {
            "value": raw[:40]
        }
    return place, ""


def _place_label(place: Place, options: list[Place]) -> str:
    """The place after the listed places above it, e.g. 沙河源街道 · 新桥社区."""
    names = {p.path: p.name for p in options}
    chain = [names[path] for path in place.ancestor_paths() if path in names]
    return " · ".join([*chain, place.name])


@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in NoticeState.values else ""
    options = selectors.notice_places(levels=PLACE_LEVELS)
    place, place_error = _archive_place(request.GET.get("under", "").strip(), options)
    page = selectors.notice_list(place=place, state=state, after=request.GET.get("after", ""))
    indent = {str(level): "\u00a0\u00a0" * i for i, level in enumerate(PLACE_LEVELS)}
    return render(
        request,
        "publicity/archive.html",
        {
            "page": page,
            "state": state,
            "states": NoticeState.choices,
            "place": place,
            "place_label": _place_label(place, options) if place else "",
            "place_error": place_error,
            "places": [(p.pk, indent.get(p.level, "") + p.name) for p in options],
            "place_listed": place is None or any(p.pk == place.pk for p in options),
            "may_manage": permissions.has_perm_anywhere(request.user, "notice.manage"),
        },
    )


def _notice_context(request: HttpRequest, notice: Notice, **forms: Any) -> dict[str, Any]:
    actions = {t.name for t in workflow.notice_allowed(notice, request.user)}
    running = notice.state == NoticeState.OPEN and clock.now() <= notice.ends_at
    rows = selectors.objection_rows(notice=notice, viewer=request.user)
    respond_forms = forms.pop("respond_forms", {})
    if "respond" in actions:
        for row in rows:
            if row.objection.responded_at is None and row.objection.pk not in respond_forms:
                respond_forms[row.objection.pk] = f.ResponseForm(prefix=f"r{row.objection.pk}")
    context: dict[str, Any] = {
        "notice": notice,
        "subject": notice.subject,
        "events": selectors.notice_events(notice=notice),
        "rows": rows,
        "actions": actions,
        "running": running,
        "respond_forms": respond_forms,
        "is_resident": "resident" in workflow.notice_capacities(request.user, notice)
        if request.user.is_authenticated
        else False,
    }
    if "object" in actions and running:
        context["object_form"] = forms.pop("object_form", None) or f.ObjectionForm()
    if "extend" in actions:
        context["extend_form"] = forms.pop("extend_form", None) or f.ExtendForm()
        context["restart_form"] = forms.pop("restart_form", None) or f.ReasonForm()
    if "close" in actions:
        context["close_form"] = forms.pop("close_form", None) or f.ResultForm()
    context.update(forms)
    return context


def _notice(notice_id: int) -> Notice:
    try:
        return selectors.notice_get(notice_id=notice_id)
    except NotFound:
        raise Http404 from None


@require_GET
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = _notice(notice_id)
    return render(request, "publicity/notice_detail.html", _notice_context(request, notice))


STEP_FORMS: dict[str, tuple[str, type[AccessibleForm]]] = {
    "object": ("object_form", f.ObjectionForm),
    "extend": ("extend_form", f.ExtendForm),
    "restart": ("restart_form", f.ReasonForm),
    "close": ("close_form", f.ResultForm),
}


def _perform(user: User, notice: Notice, name: str, data: dict[str, Any]) -> str:
    if name == "object":
        services.objection_file(actor=user, notice=notice, body=data["body"])
        return _("Your objection was filed. Staff will respond to it here.")
    if name == "extend":
        services.notice_extend(actor=user, notice=notice, days=data["days"], reason=data["reason"])
        return _("The notice period was extended.")
    if name == "restart":
        services.notice_restart(actor=user, notice=notice, reason=data["reason"])
        return _("The notice period was restarted.")
    services.notice_close(actor=user, notice=notice, result=data["result"])
    return _("The notice is closed.")


@login_required
@require_POST
def notice_step(request: HttpRequest, notice_id: int, name: str) -> HttpResponse:
    if name not in STEP_FORMS:
        raise Http404
    notice = _notice(notice_id)
    key, form_class = STEP_FORMS[name]
    form = form_class(request.POST)
    status = 400
    if form.is_valid():
        try:
            done = _perform(_user(request), notice, name, form.cleaned_data)
        except DomainError as exc:
            _show_error(request, form, exc)
            status = exc.status
        else:
            messages.success(request, done)
            return redirect("publicity:notice", notice_id=notice.pk)
    notice = _notice(notice_id)
    context = _notice_context(request, notice, **{key: form})
    context["failed"] = True
    return render(request, "publicity/notice_detail.html", context, status=status)


@login_required
@require_POST
def objection_respond(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = Objection.objects.filter(pk=objection_id).select_related("notice").first()
    if objection is None:
        raise Http404
    form = f.ResponseForm(request.POST, prefix=f"r{objection.pk}")
    status = 400
    if form.is_valid():
        try:
            services.objection_respond(
                actor=_user(request), objection=objection, response=form.cleaned_data["response"]
            )
        except DomainError as exc:
            _show_error(request, form, exc)
            status = exc.status
        else:
            messages.success(request, _("Your response was recorded; the objector is told."))
            return redirect("publicity:notice", notice_id=objection.notice_id)
    notice = _notice(objection.notice_id)
    context = _notice_context(request, notice, respond_forms={objection.pk: form})
    return render(request, "publicity/notice_detail.html", context, status=status)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    notices = selectors.notice_list_for_resident(user=request.user)
    return render(request, "publicity/mine.html", {"notices": notices})


def _period(request: HttpRequest) -> tuple[dt.date | None, dt.date | None]:
    def parse(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    return parse("start"), parse("end")


@require_GET
def programme(request: HttpRequest) -> HttpResponse:
    place_id = request.GET.get("place", "")
    place = Place.objects.filter(pk=int(place_id)).first() if is_digits(place_id) else None
    place = place or Place.objects.filter(depth=1).order_by("path").first()
    if place is None:
        raise Http404
    start, end = _period(request)
    totals = selectors.programme_totals(place=place, start=start, end=end)
    areas = selectors.programme_by_area(place=place, start=start, end=end)
    projects = selectors.project_list(place=place, size=30)
    return render(
        request,
        "publicity/programme.html",
        {
            "place": place,
            "ancestors": place_ancestors(place=place),
            "totals": totals,
            "areas": areas,
            "projects": projects,
            "start": start,
            "end": end,
            "statuses": [
                (label, totals.by_status.get(value, 0)) for value, label in ProjectStatus.choices
            ],
        },
    )


def _project(project_id: int) -> Project:
    try:
        return selectors.project_get(project_id=project_id)
    except NotFound:
        raise Http404 from None


def _project_context(request: HttpRequest, project: Project, **forms: Any) -> dict[str, Any]:
    actions = {t.name for t in workflow.project_allowed(project, request.user)}
    context: dict[str, Any] = {
        "project": project,
        "notices": selectors.notices_about(subject=project),
        "actions": actions,
        "steps": [a for a in ("approve", "start", "complete") if a in actions],
        "may_publish": permissions.has_perm(request.user, "notice.manage", project.place),
        "may_manage": permissions.has_perm(request.user, "project.manage", project.place),
    }
    if "progress" in actions:
        context["progress_form"] = forms.pop("progress_form", None) or f.ProgressForm()
    if context["may_manage"]:
        context["document_form"] = forms.pop("document_form", None) or f.DocumentForm()
    if "cancel" in actions:
        context["cancel_form"] = forms.pop("cancel_form", None) or f.NoteForm()
    context.update(forms)
    return context


@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(project_id)
    return render(request, "publicity/project_detail.html", _project_context(request, project))


def _project_failed(
    request: HttpRequest, project_id: int, exc: DomainError, key: str, form: AccessibleForm
) -> HttpResponse:
    _show_error(request, form, exc)
    context = _project_context(request, _project(project_id), **{key: form})
    return render(request, "publicity/project_detail.html", context, status=exc.status)


@login_required
@require_POST
def project_step(request: HttpRequest, project_id: int, name: str) -> HttpResponse:
    if name not in {"approve", "start", "complete", "cancel"}:
        raise Http404
    project = _project(project_id)
    form = f.NoteForm(request.POST)
    form.is_valid()
    try:
        services.project_transition(
            actor=_user(request),
            project=project,
            name=name,
            note=form.cleaned_data.get("note", ""),
        )
    except DomainError as exc:
        return _project_failed(request, project_id, exc, "cancel_form", form)
    messages.success(
        request,
        _("The project is now: %(status)s")
        % {"status": Project.objects.get(pk=project_id).get_status_display()},
    )
    return redirect("publicity:project", project_id=project_id)


def _project_upload(
    request: HttpRequest,
    project_id: int,
    key: str,
    form: AccessibleForm,
    save: Any,
    done: str,
) -> HttpResponse:
    """A staff form on the project page with files: validate, call `save(user, project, data)`,
    or show the page again with the errors."""
    project = _project(project_id)
    if not form.is_valid():
        context = _project_context(request, project, **{key: form})
        return render(request, "publicity/project_detail.html", context, status=400)
    try:
        save(_user(request), project, form.cleaned_data)
    except DomainError as exc:
        return _project_failed(request, project_id, exc, key, form)
    messages.success(request, done)
    return redirect("publicity:project", project_id=project_id)


@login_required
@require_POST
def project_progress(request: HttpRequest, project_id: int) -> HttpResponse:
    photos = request.FILES.getlist("photos")
    return _project_upload(
        request,
        project_id,
        "progress_form",
        f.ProgressForm(request.POST, request.FILES),
        lambda user, project, data: services.project_progress_add(
            actor=user, project=project, percent=data["percent"], note=data["note"], photos=photos
        ),
        _("The progress update was published."),
    )


@login_required
@require_POST
def project_document(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_upload(
        request,
        project_id,
        "document_form",
        f.DocumentForm(request.POST, request.FILES),
        lambda user, project, data: services.project_document_add(
            actor=user, project=project, title=data["title"], upload=data["file"]
        ),
        _("The document was attached."),
    )


def _project_initial(project: Project) -> dict[str, Any]:
    return {
        "place": project.place_id,
        "title": project.title,
        "kind": project.kind,
        "budget_yuan": project.budget_fen / 100,
        "contractor": project.contractor,
        "planned_start": project.planned_start,
        "planned_end": project.planned_end,
        "actual_start": project.actual_start,
        "actual_end": project.actual_end,
        "description": project.description,
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_form(request: HttpRequest, project_id: int | None = None) -> HttpResponse:
    user = _user(request)
    places = staff_places(user, "project.manage")
    if not places:
        return _forbidden(request)
    project = _project(project_id) if project_id else None
    form_class = f.ProjectEditForm if project else f.ProjectForm
    form = form_class(
        request.POST or None,
        places=places,
        initial=_project_initial(project) if project else {},
    )
    if project is not None:
        form.fields["place"].disabled = True
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            if project is None:
                values.pop("actual_start", None)
                values.pop("actual_end", None)
                project = services.project_create(
                    actor=user, place=_place(form.cleaned_data["place"]), **values
                )
            else:
                services.project_update(actor=user, project=project, **values)
        except DomainError as exc:
            if isinstance(exc, NotPermitted):
                return _forbidden(request, exc.message)
            _show_error(request, form, exc, {"budget_fen": "budget_yuan"})
        else:
            messages.success(request, _("The project was saved."))
            return redirect("publicity:project", project_id=project.pk)
    return render(request, "publicity/project_form.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    places = staff_places(user, "notice.manage")
    if not places:
        return _forbidden(request)
    project_id = request.GET.get("project", "")
    project = Project.objects.filter(pk=int(project_id)).first() if is_digits(project_id) else None
    initial: dict[str, Any] = {
        "period_days": periods.default_days(),
        "period_unit": periods.default_unit(),
    }
    if project is not None:
        initial.update(
            place=project.place_id,
            title=_("Notice of the project %(title)s") % {"title": project.title},
            body=project.description,
        )
    form = f.NoticeForm(request.POST or None, places=places, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_publish(
                actor=user,
                place=_place(data["place"]),
                title=data["title"],
                body=data["body"],
                subject=project,
                period_days=data["period_days"],
                period_unit=data["period_unit"],
            )
        except DomainError as exc:
            if isinstance(exc, NotPermitted):
                return _forbidden(request, exc.message)
            _show_error(request, form, exc)
        else:
            messages.success(request, _("The notice is published."))
            return redirect("publicity:notice", notice_id=notice.pk)
    return render(request, "publicity/notice_form.html", {"form": form, "project": project})


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not (
        permissions.has_perm_anywhere(user, "notice.manage")
        or permissions.has_perm_anywhere(user, "objection.view")
    ):
        return _forbidden(request)
    return render(
        request,
        "publicity/manage.html",
        {
            "objections": list(
                selectors.objection_list_for_staff(viewer=user, unanswered=True)[:100]
            ),
            "notices": selectors.notice_list_for_staff(viewer=user),
            "projects": selectors.project_list_for_staff(viewer=user),
            "may_create": permissions.has_perm_anywhere(user, "project.manage"),
        },
    )


# ---------------------------------------------------------------- files (public)


def _file(field: Any, content_type: str, *, attachment: bool) -> FileResponse:
    response = FileResponse(field.open("rb"), content_type=content_type, as_attachment=attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def document(request: HttpRequest, document_id: int) -> FileResponse:
    found = ProjectDocument.objects.filter(pk=document_id).first()
    if found is None:
        raise Http404
    return _file(found.file, found.content_type, attachment=found.content_type == "application/pdf")


@require_GET
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    found = ProgressPhoto.objects.filter(pk=photo_id).first()
    if found is None:
        raise Http404
    return _file(found.image, found.content_type, attachment=False)
