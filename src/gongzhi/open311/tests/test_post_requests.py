"""POST Service Request: the key, the location, attributes, contact, photos, errors."""

from __future__ import annotations

import pytest

from gongzhi.accounts.models import Unit
from gongzhi.accounts.services import apikey_create, apikey_revoke
from gongzhi.cases.models import Case, Category, CategoryQuestion
from gongzhi.cases.tests.conftest import png_bytes
from gongzhi.core.models import AuditEntry
from gongzhi.open311.tests.conftest import OUTSIDE, parsed, report_data
from gongzhi.places.models import Place

FORMATS = ["xml", "json"]


def _error(response):
    body = parsed(response)
    if isinstance(body, list):
        return body[0]["code"], " ".join(e["description"] for e in body)
    return int(body.findtext("error/code")), " ".join(
        e.findtext("description") for e in body.findall("error")
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_files_a_case_through_the_cases_services(o311, key, bounded, property_company, fmt):
    response = o311.post("requests", fmt, report_data(key))
    assert response.status_code == 200
    body = parsed(response)
    if fmt == "xml":
        assert body.tag == "service_requests"
        number = body.findtext("request/service_request_id")
        assert body.findtext("request/service_notice")
        assert body.find("request/token") is None
    else:
        assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
        number = body[0]["service_request_id"]
        assert isinstance(number, str)
    case = Case.objects.get(number=number)
    assert case.channel == "open311"
    assert case.reporter == key.key.user  # the key's service user
    assert case.category.code == "property.elevator"
    assert case.place == bounded  # lat/long inside its boundary
    assert case.unit == property_company  # routed at once
    assert case.state == "dispatched"
    assert str(case.latitude) == "30.725000" and str(case.longitude) == "104.055000"
    assert case.title == "1栋2单元电梯停运三天，老人上下楼困难。"
    audit = AuditEntry.objects.get(action="case.reported", object_id=str(case.pk))
    assert audit.channel == "open311" and audit.actor == key.key.user


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_api_key_is_required_and_checked(o311, key, bounded, fmt):
    data = report_data(key)
    del data["api_key"]
    assert _error(o311.post("requests", fmt, data))[0] == 403
    data["api_key"] = "gz_00000000_forged"
    response = o311.post("requests", fmt, data)
    assert response.status_code == 403 and _error(response)[0] == 403
    assert not Case.objects.exists()


def test_a_revoked_key_is_refused(o311, key, bounded):
    apikey_revoke(actor=None, key=key.key)
    response = o311.post("requests", "json", report_data(key))
    assert response.status_code == 403
    assert "revoked" in _error(response)[1]


def test_a_read_only_key_may_read_but_not_post(o311, demo, bounded):
    reader = apikey_create(actor=None, name="只读", read_only=True)
    response = o311.post("requests", "json", report_data(reader))
    assert response.status_code == 403 and "read-only" in _error(response)[1]
    assert o311.get("requests", "json", api_key=reader.raw).status_code == 200


def test_a_key_limited_to_places_reports_only_under_them(o311, demo, bounded, zhiqiang, xinqiao):
    elsewhere = apikey_create(actor=None, name="致强App", places=[zhiqiang])
    response = o311.post("requests", "json", report_data(elsewhere))
    assert response.status_code == 403
    assert not Case.objects.exists()
    here = apikey_create(actor=None, name="新桥App", places=[xinqiao])
    assert o311.post("requests", "json", report_data(here)).status_code == 200


def test_service_code_missing_is_400_and_unknown_is_404(o311, key, bounded):
    response = o311.post("requests", "json", report_data(key, service_code=""))
    assert response.status_code == 400 and "service_code" in _error(response)[1]
    response = o311.post("requests", "xml", report_data(key, service_code="nope"))
    assert response.status_code == 404 and _error(response)[0] == 404


def test_a_location_is_required(o311, key, bounded):
    response = o311.post("requests", "json", report_data(key, lat="", long=""))
    assert response.status_code == 400 and "location" in _error(response)[1]
    response = o311.post("requests", "json", report_data(key, long=""))
    assert response.status_code == 400 and "together" in _error(response)[1]
    response = o311.post("requests", "json", report_data(key, lat="north", long="east"))
    assert response.status_code == 400
    response = o311.post("requests", "json", report_data(key, lat="91", long="104"))
    assert response.status_code == 400


def test_a_point_outside_every_boundary_is_refused_unless_an_address_resolves(
    o311, key, bounded, building
):
    response = o311.post("requests", "json", report_data(key, **OUTSIDE))
    assert response.status_code == 400 and "outside" in _error(response)[1]
    response = o311.post(
        "requests", "json", report_data(key, address_id=str(building.pk), **OUTSIDE)
    )
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.place == building
    assert case.latitude is not None  # what the client sent is kept


def test_address_id_is_a_division_code_or_a_place_id(o311, key, demo, building, xinqiao):
    by_code = o311.post(
        "requests", "json", report_data(key, lat="", long="", address_id=xinqiao.code)
    )
    assert by_code.status_code == 200
    by_id = o311.post(
        "requests", "json", report_data(key, lat="", long="", address_id=str(building.pk))
    )
    assert by_id.status_code == 200
    assert [c.place for c in Case.objects.order_by("id")] == [xinqiao, building]
    assert Case.objects.filter(latitude__isnull=True).count() == 2
    unknown = o311.post(
        "requests", "json", report_data(key, lat="", long="", address_id="99999999")
    )
    assert unknown.status_code == 400


@pytest.mark.parametrize(
    "text",
    [
        "中加水岸小区 1栋",
        "新桥社区，中加水岸小区，1栋",
        "金牛区沙河源街道新桥社区中加水岸小区1栋3单元",
    ],
)
def test_an_address_string_resolves_to_the_place_it_names(o311, key, demo, building, text):
    response = o311.post("requests", "json", report_data(key, lat="", long="", address_string=text))
    assert response.status_code == 200, response.content
    case = Case.objects.get()
    assert case.place == building
    assert case.address == text  # kept for staff, never published


def test_an_ambiguous_address_string_is_refused(o311, key, demo):
    # Several courtyards have a 1栋.
    response = o311.post(
        "requests", "json", report_data(key, lat="", long="", address_string="1栋")
    )
    assert response.status_code == 400 and not Case.objects.exists()


def test_description_up_to_4000_characters(o311, key, bounded):
    assert (
        o311.post("requests", "json", report_data(key, description="漏" * 4000)).status_code == 200
    )
    response = o311.post("requests", "json", report_data(key, description="漏" * 4001))
    assert response.status_code == 400 and "description" in _error(response)[1]
    assert Case.objects.count() == 1


def test_without_a_description_the_service_name_is_the_description(o311, key, bounded):
    assert o311.post("requests", "json", report_data(key, description="")).status_code == 200
    case = Case.objects.get()
    assert case.description == case.title == "电梯故障"


def test_reporter_details_are_the_cases_contact(o311, key, bounded):
    data = report_data(
        key,
        first_name="伟",
        last_name="张",
        phone="13900001234",
        email="zhang@example.com",
        device_id="device-1",
        account_id="acct-9",
        media_url="https://example.com/p/1.jpg",
    )
    body = parsed(o311.post("requests", "json", data))
    assert body[0]["account_id"] == "acct-9"
    case = Case.objects.get()
    assert case.contact_name == "张伟"
    assert case.contact_phone == "13900001234"
    for text in ["zhang@example.com", "device-1", "acct-9", "https://example.com/p/1.jpg"]:
        assert text in case.contact_detail
    latin = report_data(key, first_name="John", last_name="Smith")
    o311.post("requests", "json", latin)
    assert Case.objects.order_by("-id").first().contact_name == "John Smith"


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("email", "not-an-email"),
        ("phone", "call me maybe"),
        ("media_url", "javascript:alert(1)"),
        ("first_name", "名" * 51),
        ("device_id", "d" * 101),
    ],
)
def test_bad_reporter_details_are_400(o311, key, bounded, field, bad):
    response = o311.post("requests", "json", report_data(key, **{field: bad}))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_an_uploaded_image_becomes_the_cases_photo(o311, key, bounded):
    data = report_data(key, media=png_bytes(exif=True, fmt="JPEG"))
    response = o311.post("requests", "json", data)  # multipart
    assert response.status_code == 200
    case = Case.objects.get()
    photo = case.photos.get()
    assert photo.content_type == "image/jpeg"
    assert photo.uploaded_by == key.key.user
    row = parsed(o311.get(f"requests/{case.number}", "json"))[0]
    # The photo's one gate, which serves it only to those who may see the case.
    assert row["media_url"] == f"http://testserver/media/cases/photos/{photo.pk}/"
    assert o311.client.get(row["media_url"]).status_code == 404  # not to the public


def test_a_file_that_is_not_an_image_is_refused(o311, key, bounded):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = o311.post("requests", "xml", report_data(key, media=bad))
    assert response.status_code == 400 and "media" in _error(response)[1]
    assert not Case.objects.exists()


# ---------------------------------------------------------------- attributes, every datatype


@pytest.fixture
def asks_everything(demo) -> Category:
    """环境卫生/垃圾清运 asking one question of each datatype (its parent asks `kinds`)."""
    child = Category.objects.get(code="environment.garbage")
    choices = [{"key": "a", "name": "甲"}, {"key": "b", "name": "乙"}]
    for order, (code, datatype) in enumerate(
        [
            ("s", "string"),
            ("n", "number"),
            ("d", "datetime"),
            ("t", "text"),
            ("one", "singlevaluelist"),
        ],
        start=1,
    ):
        CategoryQuestion.objects.create(
            category=child,
            code=code,
            label=code,
            datatype=datatype,
            order=order,
            choices=choices if datatype == "singlevaluelist" else [],
        )
    return child


BODY = (
    "service_code=environment.garbage&lat=30.725&long=104.055"
    "&description=%E5%9E%83%E5%9C%BE"
    "&attribute[s]=%E4%B8%80%E8%A1%8C"
    "&attribute[n]=2.5"
    "&attribute[d]=2026-11-16T20:30:00%2B08:00"
    "&attribute[t]=%E7%AC%AC%E4%B8%80%E8%A1%8C%0A%E7%AC%AC%E4%BA%8C%E8%A1%8C"
    "&attribute[one]=b"
    "&attribute[kinds][]=rubbish&attribute[kinds][]=smell"
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_datatype_round_trips(o311, key, bounded, asks_everything, fmt):
    response = o311.form("requests", fmt, f"api_key={key.raw}&{BODY}")
    assert response.status_code == 200, response.content
    case = Case.objects.get()
    assert case.answers == {
        "kinds": ["rubbish", "smell"],
        "s": "一行",
        "n": 2.5,
        "d": "2026-11-16T20:30:00+08:00",
        "t": "第一行\n第二行",
        "one": "b",
    }
    # What the definition offers is what was accepted…
    definition = parsed(o311.get("services/environment.garbage", "json"))
    assert {a["code"]: a["datatype"] for a in definition["attributes"]} == {
        "kinds": "multivaluelist",
        "s": "string",
        "n": "number",
        "d": "datetime",
        "t": "text",
        "one": "singlevaluelist",
    }
    # …and GET with extensions gives back the answers that are not free text.
    row = parsed(o311.get(f"requests/{case.number}", "json", extensions="true"))[0]
    published = {(a["code"], a["value"]) for a in row["attributes"]}
    assert published == {
        ("kinds", "rubbish"),
        ("kinds", "smell"),
        ("n", "2.5"),
        ("d", "2026-11-16T20:30:00+08:00"),
        ("one", "b"),
    }


def test_a_multivaluelist_may_also_repeat_attribute_code(o311, key, bounded):
    body = (
        f"api_key={key.raw}&service_code=environment&lat=30.725&long=104.055&description=x"
        "&attribute[kinds]=rubbish&attribute[kinds]=noise"
    )
    assert o311.form("requests", "json", body).status_code == 200
    assert Case.objects.get().answers == {"kinds": ["rubbish", "noise"]}


@pytest.mark.parametrize(
    ("pair", "parameter"),
    [
        ("attribute[kinds][]=gold", "attribute[kinds]"),
        ("attribute[nope]=1", "attribute[nope]"),
    ],
)
def test_a_bad_attribute_is_400_and_named(o311, key, bounded, pair, parameter):
    body = f"api_key={key.raw}&service_code=environment&lat=30.725&long=104.055&{pair}"
    response = o311.form("requests", "json", body)
    assert response.status_code == 400
    assert parameter in _error(response)[1]


def test_a_required_attribute_must_be_answered_and_empty_is_absent(o311, key, bounded):
    body = f"api_key={key.raw}&service_code=security&lat=30.725&long=104.055&attribute[ongoing]="
    response = o311.form("requests", "json", body)
    assert response.status_code == 400 and "attribute[ongoing]" in _error(response)[1]
    assert o311.form("requests", "json", body + "yes").status_code == 200


def test_empty_optional_arguments_behave_as_absent(o311, key, bounded):
    data = report_data(
        key, email="", phone="", first_name="", media_url="", address_string="", jurisdiction_id=""
    )
    assert o311.post("requests", "json", data).status_code == 200
    case = Case.objects.get()
    assert case.contact_phone == "" and "email" not in case.contact_detail


def test_a_case_of_a_unit_less_place_waits_for_a_dispatcher(o311, key, demo):
    place = Place.objects.get(name="正因花园")
    Unit.objects.filter(place=place.parent).update(is_active=False)  # no community committee
    data = report_data(
        key, service_code="social_security", lat="", long="", address_id=str(place.pk)
    )
    response = o311.post("requests", "json", data)
    assert response.status_code == 200
    assert "dispatcher" in parsed(response)[0]["service_notice"]


def test_a_request_too_large_is_refused_in_the_spec_format(o311, key, bounded, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = o311.post("requests", "xml", report_data(key, description="长" * 900))
    assert response.status_code == 413
    assert _error(response)[0] == 413


def test_text_xml_cannot_carry_is_dropped_from_the_xml(o311, key, bounded):
    assert (
        o311.post("requests", "json", report_data(key, description="坏\x01了\x0b")).status_code
        == 200
    )
    number = Case.objects.get().number
    row = parsed(o311.get(f"requests/{number}", "xml")).find("request")  # well-formed
    assert row.findtext("description") == "坏了"
