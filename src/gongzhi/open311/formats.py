"""The two formats of GeoReport v2: XML (required by the spec) and JSON (its Spark mapping).

A response is a `Document`: the root element's name and a body of dicts, lists and scalars.
In XML a list becomes repeated child elements named by `ITEM_TAGS` (services → service); in
JSON the body is written as is. Booleans are `true`/`false`, None an empty element or null.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

from gongzhi.core import clock

ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "service_request_updates": "request_update",
    "notes": "note",
}
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# Characters XML 1.0 cannot carry, even escaped: they are dropped from the output.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Document:
    root: str
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def w3c(moment: dt.datetime | None) -> str | None:
    """A datetime in the spec's W3C format, in China Standard Time: 2026-11-17T09:00:00+08:00."""
    if moment is None:
        return None
    return moment.astimezone(clock.SHANGHAI).isoformat(timespec="seconds")


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3c(value)
    return _NOT_XML.sub("", str(value))


def _element(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    _fill(element, tag, value)


def _fill(element: ET.Element, tag: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _element(element, key, item)
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS.get(tag, "item")
        for item in value:
            _element(element, item_tag, item)
    else:
        element.text = _scalar(value)


def to_xml(document: Document) -> bytes:
    root = ET.Element(document.root)
    _fill(root, document.root, document.body)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'.encode()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return w3c(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def to_json(document: Document) -> bytes:
    return json.dumps(document.body, ensure_ascii=False, default=_json_default).encode("utf-8")


def render(document: Document, fmt: str, status: int = 200) -> HttpResponse:
    content = to_xml(document) if fmt == "xml" else to_json(document)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    """The spec's error response: [{"code": 400, "description": "…"}] / <errors><error>…"""
    body = [{"code": status, "description": text} for text in descriptions]
    return render(Document("errors", body), fmt, status=status)


def format_of(path: str) -> str:
    """The format a URL asks for by its extension: JSON for .json, else XML (the spec's default)."""
    return "json" if path.endswith(".json") else "xml"
