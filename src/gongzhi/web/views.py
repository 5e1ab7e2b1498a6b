from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.accounts.models import RoleGrant
from gongzhi.accounts.selectors import person_contact, person_get, person_list
from gongzhi.core import notifications, permissions
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.models import AuditEntry, Notification
from gongzhi.core.validators import is_digits
from gongzhi.places.models import Place
from gongzhi.places.selectors import active_communities, place_ancestors, place_children
from gongzhi.web.forms import LoginForm, NotificationPreferencesForm
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


# ---------------------------------------------------------------- the notification centre


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    after = request.GET.get("after", "")
    unread_only = request.GET.get("show") == "unread"
    page = notifications.notification_list(
        user=request.user,
        unread_only=unread_only,
        after=int(after) if is_digits(after) else None,
        size=notifications.NOTIFICATION_PAGE_SIZE,
    )
    return render(
        request,
        "web/notifications.html",
        {"page": page, "unread_only": unread_only, "kinds": notifications.KINDS},
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go to what it is about."""
    found = Notification.objects.filter(pk=notification_id, recipient_id=request.user.pk).first()
    if found is None:
        raise Http404
    notifications.notifications_mark_read(user=request.user, ids=[found.pk])
    target = found.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:notifications")
    return redirect(target)


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one (`id`) or all of the user's notifications read."""
    wanted = request.POST.get("id", "")
    ids = [int(wanted)] if is_digits(wanted) else None
    count = notifications.notifications_mark_read(user=request.user, ids=ids)
    if ids is None:
        messages.success(
            request,
            ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", count)
            % {"n": count},
        )
    show = request.POST.get("show") == "unread"
    return redirect(reverse("web:notifications") + ("?show=unread" if show else ""))


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = NotificationPreferencesForm(
        request.POST or None,
        kinds=notifications.KINDS,
        wanted=notifications.notification_preferences(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            notifications.notification_preferences_set(actor=request.user, wanted=form.wanted())
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("web:notification_preferences")
    return render(
        request,
        "web/notification_preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
