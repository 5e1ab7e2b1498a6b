"""Public transparency pages: no login, no personal data (see cases.public)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongzhi.cases import public
from gongzhi.core.errors import NotFound
from gongzhi.places.selectors import place_ancestors


@require_GET
def place_page(request: HttpRequest, place_id: int) -> HttpResponse:
    try:
        place = public.public_place(place_id=place_id)
    except NotFound:
        raise Http404 from None
    context = {
        "place": place,
        "ancestors": place_ancestors(place=place),
        "summary": public.public_summary(place=place),
        "cases": public.public_recent_cases(place=place),
    }
    return render(request, "cases/public/place.html", context)


@require_GET
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    try:
        case, timeline = public.public_case(number=number)
    except NotFound:
        raise Http404 from None
    return render(request, "cases/public/case.html", {"case": case, "timeline": timeline})
