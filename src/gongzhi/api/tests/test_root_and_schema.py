from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command
from django.urls import URLPattern
from drf_spectacular.validation import validate_schema

from gongzhi.api import urls as api_urls

# Not operations of the API: the document itself, its viewers and the catch-all 404.
NOT_OPERATIONS = {"schema", "docs", "redoc", "no-endpoint"}


def _schema(api) -> dict:
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _documented_paths() -> set[str]:
    """Every URL pattern of the API, written as OpenAPI writes paths."""
    paths = set()
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in NOT_OPERATIONS:
            continue
        route = re.sub(r"<(?:\w+:)?pk>", "{id}", str(pattern.pattern))
        paths.add(f"/api/v1/{route}")
    return paths


@pytest.mark.django_db
def test_it_lists_the_endpoints_with_absolute_urls(api):
    response = api.get("/api/v1/")

    assert response.status_code == 200
    links = response.json()
    assert links["places"] == "http://testserver/api/v1/places/"
    assert links["docs"] == "http://testserver/api/v1/docs/"
    assert {"places", "units", "people", "me", "token", "schema", "docs", "redoc"} <= set(links)
    for url in links.values():
        assert url.startswith("http://testserver/api/v1/")


@pytest.mark.django_db
def test_it_lists_only_endpoints_that_exist(api):
    for name, url in api.get("/api/v1/").json().items():
        response = api.get(url) if name != "token" else api.post(url, {}, format="json")
        assert response.status_code != 404, (name, url)


@pytest.mark.django_db
def test_it_serves_a_valid_openapi_document(api):
    validate_schema(_schema(api))


@pytest.mark.django_db
def test_it_serves_the_document_as_yaml_by_default(api):
    response = api.get("/api/v1/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    document = yaml.safe_load(response.content)
    assert document["openapi"].startswith("3.")
    validate_schema(document)


@pytest.mark.django_db
def test_it_documents_every_url_under_the_api(api):
    documented = set(_schema(api)["paths"])

    assert _documented_paths() <= documented
    assert "/api/v1/" in documented


@pytest.mark.django_db
def test_it_documents_errors_in_the_one_format(api):
    schema = _schema(api)
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message", "fields"}

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", (method, path, status)


@pytest.mark.django_db
def test_it_documents_the_errors_each_operation_can_give(api):
    paths = _schema(api)["paths"]

    def statuses(path: str, method: str = "get") -> set[str]:
        return set(paths[path][method]["responses"])

    # 429 everywhere: every request counts against a rate limit; 413/415 wherever a body goes.
    assert statuses("/api/v1/people/") == {"200", "400", "401", "403", "404", "429"}
    assert statuses("/api/v1/people/{id}/") == {"200", "401", "404", "429"}
    assert statuses("/api/v1/places/") == {"200", "400", "404", "429"}
    assert statuses("/api/v1/places/{id}/") == {"200", "404", "429"}
    assert statuses("/api/v1/me/") == {"200", "401", "429"}
    assert statuses("/api/v1/auth/token/", "post") == {"200", "400", "413", "415", "429"}


@pytest.mark.django_db
def test_it_documents_the_query_parameters(api):
    parameters = _schema(api)["paths"]["/api/v1/places/"]["get"]["parameters"]
    by_name = {p["name"]: p for p in parameters}

    assert {"parent", "under", "level", "code", "cursor", "page_size"} <= set(by_name)
    assert by_name["under"]["schema"]["type"] == "integer"
    assert "community" in by_name["level"]["schema"]["enum"]


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
@pytest.mark.django_db
def test_it_serves_interactive_docs_from_local_assets_only(api, url):
    response = api.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/schema/" in html
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html), "an asset from another site"
    assets = re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", html)
    assert assets
    for asset in assets:
        assert api.get(asset).status_code == 200, asset


def test_it_generates_the_document_without_warnings(tmp_path):
    """The operator's command (`gongzhi spectacular`) gives the same, warning-free document."""
    target = tmp_path / "openapi.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert "/api/v1/people/{id}/" in yaml.safe_load(target.read_text(encoding="utf-8"))["paths"]
