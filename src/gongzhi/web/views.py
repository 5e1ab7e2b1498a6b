from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from gongzhi.accounts.models import RoleGrant
from gongzhi.accounts.selectors import person_contact, person_get, person_list
from gongzhi.core import permissions
from gongzhi.core.errors import NotFound
from gongzhi.core.models import AuditEntry
from gongzhi.places.models import Place
from gongzhi.places.selectors import active_communities, place_ancestors, place_children
from gongzhi.web.forms import LoginForm
from gongzhi.web.pagination import keyset_page
from gongzhi.web.place_labels import PlaceLabel, place_labels
from gongzhi.web.roles import home_kind


def _with_labels(grants: list[RoleGrant]) -> list[tuple[RoleGrant, PlaceLabel]]:
    labels = place_labels(grant.place for grant in grants)
    return [(grant, labels[grant.place_id]) for grant in grants]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    kind = home_kind(request.user)
    context: dict[str, object] = {"kind": kind, "communities": active_communities()[:50]}
    if request.user.is_authenticated:
        grants = list(
            RoleGrant.objects.filter(user=request.user)
            .select_related("place")
            .order_by("place__path")
        )
        context["grants"] = _with_labels(grants)
        context["units"] = request.user.units.select_related("place").all()
    return render(request, "web/home.html", context)


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_GET
def place_detail(request: HttpRequest, place_id: int) -> HttpResponse:
    place = get_object_or_404(Place, pk=place_id)
    return render(
        request,
        "web/place_detail.html",
        {
            "place": place,
            "ancestors": place_ancestors(place=place),
            "children": place_children(place=place)[:500],
        },
    )


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    if not permissions.has_perm_anywhere(request.user, "person.view"):
        raise Http404
    page = keyset_page(person_list(viewer=request.user), request, key="pk")
    labels = place_labels(grant.place for person in page.items for grant in person.grants.all())
    rows = [
        (
            person,
            person_contact(viewer=request.user, person=person),
            [(grant, labels[grant.place_id]) for grant in person.grants.all()],
        )
        for person in page.items
    ]
    return render(request, "web/people.html", {"page": page, "rows": rows})


@login_required
@require_GET
def person_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        person = person_get(viewer=request.user, user_id=user_id)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "web/person_detail.html",
        {
            "person": person,
            "contact": person_contact(viewer=request.user, person=person),
            "grants": _with_labels(list(person.grants.all())),
        },
    )


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not permissions.has_perm_anywhere(request.user, "audit.view"):
        raise Http404
    entries = permissions.scope(
        AuditEntry.objects.select_related("actor", "place"), request.user, "audit.view"
    )
    page = keyset_page(entries, request, key="seq", descending=True)
    return render(request, "web/audit_log.html", {"page": page})
