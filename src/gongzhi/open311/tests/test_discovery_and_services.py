"""Discovery, GET services and GET service definitions, in XML and JSON, as the spec has them."""

from __future__ import annotations

import pytest

from gongzhi.cases.models import Category, CategoryQuestion
from gongzhi.open311.tests.conftest import BASE, parsed

FORMATS = ["xml", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_endpoint_and_both_formats(o311, demo, fmt):
    response = o311.get("discovery", fmt)
    assert response.status_code == 200
    body = parsed(response)
    if fmt == "xml":
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        assert body.tag == "discovery"
        endpoint = body.find("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint.findtext("url") == "http://testserver/open311/v2"
        assert [f.text for f in endpoint.findall("formats/format")] == [
            "text/xml",
            "application/json",
        ]
        assert body.findtext("changeset") and body.findtext("key_service")
    else:
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
        assert body["endpoints"][0]["type"] == "production"
        assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_the_root_serves_discovery(o311, demo):
    response = o311.client.get(f"{BASE}/")
    assert response.status_code == 200 and parsed(response).tag == "discovery"


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_every_active_category_with_its_group(o311, demo, fmt):
    response = o311.get("services", fmt)
    assert response.status_code == 200
    if fmt == "xml":
        services = [{child.tag: child.text for child in service} for service in parsed(response)]
        for service in services:
            service["metadata"] = service["metadata"] == "true"
    else:
        services = parsed(response)
    by_code = {s["service_code"]: s for s in services}
    assert set(by_code) == set(
        Category.objects.filter(is_active=True).values_list("code", flat=True)
    )
    elevator = by_code["property.elevator"]
    assert elevator["service_name"] == "电梯故障"
    assert elevator["group"] == "物业与设施"  # the parent's name
    assert elevator["type"] == "realtime"
    assert elevator["metadata"] is True  # inherits the parent's questions
    assert "Lift out of order" in elevator["keywords"]
    assert by_code["social_security"]["metadata"] is False  # no questions anywhere up
    assert set(elevator) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }


def test_an_inactive_category_is_not_a_service(o311, demo):
    Category.objects.filter(code="property").update(is_active=False)
    codes = {s["service_code"] for s in parsed(o311.get("services", "json"))}
    assert not any(code.startswith("property") for code in codes)  # children go with it
    assert o311.get("services/property.elevator", "json").status_code == 404


@pytest.fixture
def every_datatype(demo) -> Category:
    """A child category asking one question of each of the six datatypes (three inherited)."""
    parent = Category.objects.create(code="test", name="测试", name_en="Test")
    child = Category.objects.create(code="test.all", name="六种类型", parent=parent)
    choices = [
        {"key": "a", "name": "甲", "name_en": "A"},
        {"key": "b", "name": "乙", "name_en": "B"},
    ]
    for order, (code, datatype, target) in enumerate(
        [
            ("s", "string", parent),
            ("n", "number", parent),
            ("d", "datetime", parent),
            ("t", "text", child),
            ("one", "singlevaluelist", child),
            ("many", "multivaluelist", child),
        ],
        start=1,
    ):
        CategoryQuestion.objects.create(
            category=target,
            code=code,
            label=f"问题{code}",
            label_en=f"Question {code}",
            datatype=datatype,
            required=code == "one",
            # Parent and child both number from 1: the definition must still be unique.
            order=order if target is parent else order - 3,
            choices=choices if datatype.endswith("valuelist") else [],
        )
    return child


def _attributes_xml(root):
    out = []
    for attribute in root.findall("attributes/attribute"):
        item = {child.tag: child.text for child in attribute if child.tag != "values"}
        values = attribute.find("values")
        if values is not None:
            item["values"] = [{v.tag: v.text for v in value} for value in values]
        out.append(item)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_has_the_six_datatypes_in_a_unique_order(o311, every_datatype, fmt):
    response = o311.get("services/test.all", fmt)
    assert response.status_code == 200
    body = parsed(response)
    if fmt == "xml":
        assert body.tag == "service_definition"
        assert body.findtext("service_code") == "test.all"
        attributes = _attributes_xml(body)
        for attribute in attributes:
            attribute["order"] = int(attribute["order"])
            attribute["required"] = attribute["required"] == "true"
            attribute["variable"] = attribute["variable"] == "true"
    else:
        assert body["service_code"] == "test.all"
        attributes = body["attributes"]
    assert [a["datatype"] for a in attributes] == [
        "string",
        "number",
        "datetime",
        "text",
        "singlevaluelist",
        "multivaluelist",
    ]
    assert [a["order"] for a in attributes] == [1, 2, 3, 4, 5, 6]
    assert all(a["variable"] is True for a in attributes)
    assert [a["required"] for a in attributes] == [False, False, False, False, True, False]
    assert attributes[0]["description"] == "问题s" and attributes[0]["datatype_description"]
    for attribute in attributes[4:]:
        assert attribute["values"] == [{"key": "a", "name": "甲"}, {"key": "b", "name": "乙"}]
    assert all("values" not in a for a in attributes[:4])


def test_names_follow_the_request_language(o311, every_datatype):
    response = o311.client.get(f"{BASE}/services/test.all.json", HTTP_ACCEPT_LANGUAGE="en")
    attributes = parsed(response)["attributes"]
    assert attributes[0]["description"] == "Question s"
    assert attributes[4]["values"][0]["name"] == "A"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_code_is_a_404_in_the_spec_format(o311, demo, fmt):
    response = o311.get("services/no.such", fmt)
    assert response.status_code == 404
    body = parsed(response)
    if fmt == "xml":
        assert body.tag == "errors"
        assert body.findtext("error/code") == "404"
        assert "no.such" in body.findtext("error/description")
    else:
        assert body == [{"code": 404, "description": body[0]["description"]}]
        assert "no.such" in body[0]["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_jurisdiction_id_is_checked(o311, demo, fmt, settings):
    settings.GONGZHI_OPEN311_JURISDICTION = "chengdu.gov.cn"
    assert o311.get("services", fmt, jurisdiction_id="chengdu.gov.cn").status_code == 200
    assert o311.get("services", fmt, jurisdiction_id="").status_code == 200  # empty: absent
    wrong = o311.get("services", fmt, jurisdiction_id="sfgov.org")
    assert wrong.status_code == 404
    text = wrong.content.decode()
    assert "sfgov.org" in text and "404" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_resource_is_a_404_in_the_spec_format(o311, demo, fmt):
    response = o311.get("nothing/here", fmt)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/xml" if fmt == "xml" else "application/json")


def test_a_wrong_method_is_refused_in_the_spec_format(o311, demo):
    response = o311.client.delete(f"{BASE}/requests.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert parsed(response)[0]["code"] == 405
    assert o311.post("services", "xml").status_code == 405
