"""Serializers built once per thread, for the endpoints that must be fastest.

DRF builds a serializer's fields afresh for every instance (a deep copy of every declared
field, about half a millisecond of a queued report's request for its sixteen). A serializer whose fields keep nothing
from one call to the next can instead be built once per thread and asked again: `validated`
answers exactly what `cls(data=…).is_valid(raise_exception=True)` then `.validated_data`
answer, through the same `run_validation`.

Only for serializers whose fields are fixed when they are built (no choices read from the
database at construction, no `self.instance`, `self.initial_data` or context in validation).
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from django.urls import get_script_prefix, reverse
from rest_framework import serializers

_local = threading.local()
_STAND_IN = uuid.UUID(int=0)
_paths: dict[tuple[str, str], str] = {}


def _reused(cls: type[serializers.Serializer]) -> Any:  # type: ignore[type-arg]
    built: dict[type, serializers.Serializer] = _local.__dict__.setdefault("built", {})  # type: ignore[type-arg]
    serializer = built.get(cls)
    if serializer is None:
        serializer = built[cls] = cls()
    return serializer


def validated(cls: type[serializers.Serializer], data: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    """The validated data; serializers.ValidationError with the errors by field otherwise."""
    return dict(_reused(cls).run_validation(data))


def identity_url(request: Any, view_name: str, key: uuid.UUID) -> str:
    """The absolute URL of a UUID-keyed object's view, as HyperlinkedIdentityField gives it,
    with the path reversed once per view and script prefix: the key takes the place of a
    stand-in key in that path. (Reversing a namespaced URL was more than half the time of a
    queued report's answer.)"""
    route = (view_name, get_script_prefix())
    path = _paths.get(route)
    if path is None:
        path = _paths[route] = reverse(view_name, kwargs={"pk": _STAND_IN})
    return str(request.build_absolute_uri(path.replace(str(_STAND_IN), str(key))))
