"""Consultation pages: the resident's questions and asking, the question's thread with its steps,
the staff list of their places' questions, the public FAQ of a community, and photos served only
to those who may see the question.

Thin over services and selectors. A DomainError becomes a message on the page (InvalidInput next
to its field), NotFound a 404 and NotPermitted a 403 page; never a 500.
"""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.accounts.models import User
from gongzhi.cases.models import Category
from gongzhi.cases.views import _forbidden
from gongzhi.consultation import forms, selectors, services, workflow
from gongzhi.consultation.models import QuestionPhoto
from gongzhi.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from gongzhi.core.validators import is_digits
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


def _before(request: HttpRequest) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if is_digits(value) else None


def _visible(request: HttpRequest, question_id: int) -> Any:
    try:
        return selectors.question_get(viewer=request.user, question_id=question_id)
    except NotFound:
        raise Http404 from None


# ---------------------------------------------------------------- the resident


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    page = selectors.question_list_mine(viewer=request.user, before=_before(request))
    return render(
        request,
        "consultation/mine.html",
        {"page": page, "may_staff": selectors.may_view_staff_list(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    places = selectors.askable_places(user)
    if not places:
        return render(request, "consultation/ask.html", {"form": None})
    form = forms.AskForm(request.POST or None, request.FILES or None)
    place_field = form.fields["place"]
    assert isinstance(place_field, django_forms.ChoiceField)
    place_field.choices = [(str(p.pk), p.name) for p in places]
    courtyards = [p for p in places if p.level == PlaceLevel.COURTYARD]
    if not form.is_bound and courtyards:
        form.initial["place"] = str(courtyards[0].pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            question = services.question_ask(
                actor=user,
                place=next(p for p in places if str(p.pk) == data["place"]),
                title=data["title"],
                body=data["body"],
                photos=request.FILES.getlist("photos"),
            )
        except InvalidInput as exc:
            form.add_domain_errors(exc)
        except NotPermitted as exc:
            return _forbidden(request, exc.message)
        else:
            messages.success(request, _("Your question was sent to the people on duty."))
            return redirect("consultation:detail", question_id=question.pk)
    return render(
        request, "consultation/ask.html", {"form": form}, status=400 if form.errors else 200
    )


# ---------------------------------------------------------------- one question


def _with_categories(form: forms.ConvertForm) -> forms.ConvertForm:
    field = form.fields["category"]
    assert isinstance(field, django_forms.ChoiceField)
    field.choices = _categories()
    return form


def _categories() -> list[tuple[str, str]]:
    return [
        (str(c.pk), c.name)
        for c in Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("parent__order", "order", "code")
    ]


def _detail(
    request: HttpRequest, question: Any, status: int = 200, **forms_given: Any
) -> HttpResponse:
    user = request.user
    actions = {t.name for t in workflow.allowed(question, user)}
    context: dict[str, Any] = {
        "question": question,
        "thread": selectors.question_thread(question=question),
        "photos": selectors.question_photos(question=question),
        "actions": actions,
        "is_asker": question.asker_id == user.pk,
        "faq_entry": getattr(question, "faq_entry", None),
        "reply_form": forms_given.get("reply_form") or forms.ReplyForm(),
    }
    if "convert" in actions:
        context["convert_form"] = forms_given.get("convert_form") or _with_categories(
            forms.ConvertForm()
        )
    if "publish" in actions:
        context["publish_form"] = forms_given.get("publish_form") or forms.PublishForm(
            initial=services.faq_texts(question)
        )
    return render(request, "consultation/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, question_id: int) -> HttpResponse:
    return _detail(request, _visible(request, question_id))


@login_required
@require_POST
def step(request: HttpRequest, question_id: int, name: str) -> HttpResponse:
    """POST /consultation/<id>/<step>/: reply, mark_answered, reopen, close, convert, publish."""
    question = _visible(request, question_id)
    user = _user(request)
    try:
        if name == "reply":
            reply_form = forms.ReplyForm(request.POST, request.FILES)
            if not reply_form.is_valid():
                return _detail(request, question, 400, reply_form=reply_form)
            try:
                services.question_reply(
                    actor=user,
                    question=question,
                    body=reply_form.cleaned_data["body"],
                    photos=request.FILES.getlist("photos"),
                )
            except InvalidInput as exc:
                reply_form.add_domain_errors(exc)
                return _detail(request, question, 400, reply_form=reply_form)
        elif name == "convert":
            convert_form = _with_categories(forms.ConvertForm(request.POST))
            if not convert_form.is_valid():
                return _detail(request, question, 400, convert_form=convert_form)
            data = convert_form.cleaned_data
            try:
                case = services.question_convert(
                    actor=user,
                    question=question,
                    category=Category.objects.get(pk=data["category"]),
                    nature=data["nature"],
                    note=data["note"],
                )
            except InvalidInput as exc:
                convert_form.add_domain_errors(exc)
                return _detail(request, question, 400, convert_form=convert_form)
            messages.success(
                request, _("Case %(number)s was registered.") % {"number": case.number}
            )
        elif name == "publish":
            publish_form = forms.PublishForm(request.POST)
            if not publish_form.is_valid():
                return _detail(request, question, 400, publish_form=publish_form)
            services.faq_publish(actor=user, question=question, **publish_form.cleaned_data)
            messages.success(request, _("Published to the community's FAQ."))
        elif name == "mark_answered":
            services.question_mark_answered(actor=user, question=question)
        elif name == "reopen":
            services.question_reopen(actor=user, question=question)
        elif name == "close":
            services.question_close(actor=user, question=question)
        else:
            raise Http404
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("consultation:detail", question_id=question.pk)


# ---------------------------------------------------------------- staff


@login_required
@require_GET
def staff(request: HttpRequest) -> HttpResponse:
    if not selectors.may_view_staff_list(request.user):
        return _forbidden(request)
    form = forms.StaffFilterForm(request.GET or None)
    filters = selectors.Filters()
    if form.is_valid():
        data = form.cleaned_data
        escalated = {"yes": True, "no": False}.get(data["escalated"])
        filters = selectors.Filters(
            state=data["state"],
            escalated=escalated,
            unanswered=data["unanswered"],
            q=data["q"].strip(),
        )
    page = selectors.question_list(viewer=request.user, filters=filters, before=_before(request))
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "consultation/staff.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


# ---------------------------------------------------------------- the public FAQ


@require_GET
def faq_index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "consultation/faq_index.html", {"communities": selectors.faq_communities()}
    )


@require_GET
def faq(request: HttpRequest, place_id: int) -> HttpResponse:
    community = get_object_or_404(Place, pk=place_id, level=PlaceLevel.COMMUNITY)
    form = forms.FaqSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    entries = selectors.faq_search(community=community, query=query)
    return render(
        request,
        "consultation/faq.html",
        {"community": community, "form": form, "entries": entries, "query": query},
    )


# ---------------------------------------------------------------- photos


@login_required
@require_GET
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    found = get_object_or_404(QuestionPhoto.objects.select_related("question"), pk=photo_id)
    _visible(request, found.question_id)  # 404 unless the viewer may see the question
    response = FileResponse(found.image.open("rb"), content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
