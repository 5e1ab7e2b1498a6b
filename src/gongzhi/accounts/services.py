"""Writes about people, roles and units. One transaction each, permission-checked, audited."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import ApiKey, RoleGrant, Unit, UnitMembership, User, apikey_digest
from gongzhi.core import clock, permissions
from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.validators import validate_mainland_mobile
from gongzhi.places.models import Place


def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    name: str = "",
    phone: str | None = None,
    email: str = "",
    is_staff: bool = False,
    validate: bool = True,
) -> User:
    """Create an account. `validate=False` skips the password rules (demo and tests only)."""
    errors: dict[str, list[str]] = {}
    username = username.strip()
    if not username:
        errors["username"] = [_("This field is required.")]
    elif User.objects.filter(username=username).exists():
        errors["username"] = [_("This username is taken.")]
    if phone:
        try:
            validate_mainland_mobile(phone)
        except ValidationError as exc:
            errors["phone"] = list(exc.messages)
        else:
            if User.objects.filter(phone=phone).exists():
                errors["phone"] = [_("This mobile number is already registered.")]
    user = User(
        username=username, name=name.strip(), phone=phone or None, email=email, is_staff=is_staff
    )
    if password is not None and validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput(fields=errors)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    with transaction.atomic():
        try:
            user.save()
        except IntegrityError as exc:  # a concurrent registration took the name or number
            raise InvalidInput(
                fields={"username": [_("This username or mobile number is taken.")]}
            ) from exc
        audit_record(
            actor=actor,
            action="user.created",
            obj=user,
            after=snapshot(user, ["username", "is_staff"]),
        )
    return user


def role_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    place: Place,
    verified: bool = False,
    check_permission: bool = True,
) -> RoleGrant:
    """Grant `role` on `place` (idempotent: an existing grant is returned unchanged)."""
    if role not in Role.values:
        raise InvalidInput(fields={"role": [_("Unknown role %(role)r.") % {"role": role}]})
    if check_permission and not permissions.can_grant(actor, role, place):
        raise NotPermitted()
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(
            user=user,
            role=role,
            place=place,
            defaults={
                "verified": verified,
                "granted_by": actor if getattr(actor, "pk", None) else None,
                "granted_at": clock.now(),
            },
        )
        if created:
            audit_record(
                actor=actor,
                action="role.granted",
                obj=grant,
                place=place,
                after={"user": user.pk, "role": role, "verified": verified},
            )
    permissions.forget_grants(user)
    return grant


def role_revoke(*, actor: Any, grant: RoleGrant) -> None:
    if not permissions.can_grant(actor, grant.role, grant.place):
        raise NotPermitted()
    with transaction.atomic():
        before = {"user": grant.user_id, "role": grant.role, "place": grant.place_id}
        audit_record(
            actor=actor, action="role.revoked", obj=grant, place=grant.place, before=before
        )
        grant.delete()
    permissions.forget_grants(grant.user)


def unit_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    place: Place,
    jurisdiction: list[Place] | None = None,
    phone: str = "",
) -> Unit:
    permissions.require(actor, "unit.manage", place)
    name = name.strip()
    if Unit.objects.filter(name=name).exists():
        raise InvalidInput(fields={"name": [_("A unit with this name exists.")]})
    with transaction.atomic():
        unit = Unit.objects.create(name=name, kind=kind, place=place, phone=phone)
        if jurisdiction:
            unit.jurisdiction.set(jurisdiction)
        audit_record(
            actor=actor,
            action="unit.created",
            obj=unit,
            place=place,
            after={
                **snapshot(unit, ["name", "kind", "place"]),
                "jurisdiction": [p.pk for p in jurisdiction or []],
            },
        )
    return unit


def unit_member_add(*, actor: Any, unit: Unit, user: User, role: str) -> UnitMembership:
    permissions.require(actor, "unit.manage", unit.place)
    with transaction.atomic():
        membership, created = UnitMembership.objects.get_or_create(
            unit=unit, user=user, defaults={"role": role}
        )
        if created:
            audit_record(
                actor=actor,
                action="unit.member_added",
                obj=membership,
                place=unit.place,
                after={"unit": unit.pk, "user": user.pk, "role": role},
            )
    return membership


# ---------------------------------------------------------------- API keys


@dataclass(frozen=True)
class NewApiKey:
    """A key just created: `raw` is the only copy of the key and is shown once."""

    key: ApiKey
    raw: str = field(repr=False)  # kept out of logs and tracebacks


def _may_manage_keys(actor: Any) -> bool:
    # None is the operator at the command line (`gongzhi apikey`); on the web, superusers only:
    # a key acts on behalf of an application wherever its service user may act.
    return actor is None or permissions.is_superuser(actor)


def apikey_create(
    *,
    actor: Any,
    name: str,
    places: Sequence[Place] = (),
    read_only: bool = False,
    units: Sequence[Unit] = (),
) -> NewApiKey:
    """Create an API key for an application, and the service user it acts as.

    The service user cannot log in (no usable password); it files the cases the key reports
    and, when made a member of handling units (`units`), may move their cases (Open311 service
    request updates). Only the key's SHA-256 and a short prefix are stored.
    """
    if not _may_manage_keys(actor):
        raise NotPermitted()
    name = name.strip()
    if not name:
        raise InvalidInput(fields={"name": [_("This field is required.")]})
    if len(name) > 100:
        raise InvalidInput(fields={"name": [_("At most 100 characters.")]})
    now = clock.now()
    with transaction.atomic():
        for _attempt in range(5):
            prefix = secrets.token_hex(4)
            if not ApiKey.objects.filter(prefix=prefix).exists():
                break
        raw = f"gz_{prefix}_{secrets.token_urlsafe(32)}"
        user = user_create(actor=actor, username=f"apikey-{prefix}", password=None, name=name[:50])
        key = ApiKey.objects.create(
            name=name,
            prefix=prefix,
            key_hash=apikey_digest(raw),
            user=user,
            read_only=read_only,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=now,
        )
        if places:
            key.places.set(places)
        for unit in units:
            UnitMembership.objects.get_or_create(unit=unit, user=user)
        audit_record(
            actor=actor,
            action="apikey.created",
            obj=key,
            after={
                "name": name,
                "prefix": prefix,
                "user": user.pk,
                "read_only": read_only,
                "places": [p.pk for p in places],
                "units": [u.pk for u in units],
            },
        )
    return NewApiKey(key, raw)


def apikey_revoke(*, actor: Any, key: ApiKey) -> ApiKey:
    """Revoke a key at once (idempotent); its service user is deactivated with it."""
    if not _may_manage_keys(actor):
        raise NotPermitted()
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().select_related("user").get(pk=key.pk)
        if key.revoked_at is not None:
            return key
        key.revoked_at = clock.now()
        key.save(update_fields=["revoked_at"])
        key.user.is_active = False
        key.user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="apikey.revoked",
            obj=key,
            before={"revoked_at": None},
            after={"revoked_at": key.revoked_at.isoformat()},
        )
    return key
