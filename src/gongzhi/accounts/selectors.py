"""Reads about people and units, scoped by the permission check."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from gongzhi.accounts.models import RoleGrant, Unit, User
from gongzhi.core import permissions
from gongzhi.core.errors import NotFound
from gongzhi.core.masking import mask_name, mask_phone
from gongzhi.places.models import Place
from gongzhi.places.selectors import subtree_range


def person_list(
    *, viewer: Any, place: Place | None = None, role: str | None = None
) -> QuerySet[User]:
    """People with a role somewhere the viewer may see people; their grants prefetched there."""
    grants = permissions.scope(RoleGrant.objects.all(), viewer, "person.view")
    if place is not None:
        grants = grants.filter(place__path__range=subtree_range(place.path))
    if role:
        grants = grants.filter(role=role)
    visible = grants.filter(user=OuterRef("pk"))
    return (
        User.objects.filter(Exists(visible))
        .prefetch_related(
            Prefetch("grants", queryset=grants.select_related("place").order_by("place__path"))
        )
        .order_by("pk")
    )


def person_get(*, viewer: Any, user_id: int) -> User:
    """One person, if the viewer may see them anywhere; otherwise NotFound (not 'forbidden')."""
    person = person_list(viewer=viewer).filter(pk=user_id).first()
    if person is None:
        raise NotFound()
    return person


def person_contact(*, viewer: Any, person: User) -> dict[str, str]:
    """Name and phone as this viewer may see them: in full only with person.view_contact there."""
    may_see = (
        permissions.is_superuser(viewer)
        or viewer.pk == person.pk
        or any(
            permissions.has_perm(viewer, "person.view_contact", g.place)
            for g in person.grants.all()
        )
    )
    if may_see:
        return {"name": person.name, "phone": person.phone or ""}
    return {"name": mask_name(person.name), "phone": mask_phone(person.phone)}


def unit_list(*, place: Place | None = None) -> QuerySet[Unit]:
    """Handling units are public (name, kind, seat); members are not part of this."""
    qs = Unit.objects.filter(is_active=True).select_related("place")
    if place is not None:
        qs = qs.filter(place__path__range=subtree_range(place.path))
    return qs.order_by("name")
