"""Serializers built once per thread, for the endpoints that must be fastest.

DRF builds a serializer's fields afresh for every instance (a deep copy of every declared
field, about a millisecond for a report's sixteen). A serializer whose fields keep nothing
from one call to the next can instead be built once per thread and asked again: `validated`
and `represented` answer exactly what `cls(data=…).is_valid(raise_exception=True)` /
`.validated_data` and `cls(instance).data` answer, through the same `run_validation` and
`to_representation`.

Only for serializers whose fields are fixed when they are built (no choices read from the
database at construction, no `self.instance` or `self.initial_data` in validation). The
context (the request, for hyperlinks) is set anew on every call.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any, ClassVar

from django.urls import get_script_prefix, reverse
from rest_framework import serializers

_local = threading.local()
_STAND_IN = uuid.UUID(int=0)


def _reused(cls: type[serializers.Serializer], context: dict[str, Any] | None) -> Any:  # type: ignore[type-arg]
    built: dict[type, serializers.Serializer] = _local.__dict__.setdefault("built", {})  # type: ignore[type-arg]
    serializer = built.get(cls)
    if serializer is None:
        serializer = built[cls] = cls()
    # Fields read the context through their root serializer, at the time they are used.
    serializer._context = context or {}
    return serializer


def validated(
    cls: type[serializers.Serializer],  # type: ignore[type-arg]
    data: Any,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The validated data; serializers.ValidationError with the errors by field otherwise."""
    return dict(_reused(cls, context).run_validation(data))


def represented(
    cls: type[serializers.Serializer],  # type: ignore[type-arg]
    instance: Any,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The instance as `cls(instance, context=context).data` has it."""
    return dict(_reused(cls, context).to_representation(instance))


class IdentityUrlField(serializers.HyperlinkedIdentityField):
    """HyperlinkedIdentityField for objects keyed by a UUID, with its path reversed once per
    view and script prefix: the object's key takes the place of a stand-in key in that path.
    (Reversing a namespaced URL is a fifth of a queued report's answer.)"""

    _paths: ClassVar[dict[tuple[str, str], str]] = {}

    def get_url(self, obj: Any, view_name: str, request: Any, format: Any) -> str | None:
        key = getattr(obj, self.lookup_field)
        if key in (None, ""):
            return None
        route = (view_name, get_script_prefix())
        path = self._paths.get(route)
        if path is None:
            path = reverse(view_name, kwargs={self.lookup_url_kwarg: _STAND_IN})
            self._paths[route] = path
        url = path.replace(str(_STAND_IN), str(key))
        return request.build_absolute_uri(url) if request is not None else url
