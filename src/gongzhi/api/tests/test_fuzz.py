"""schemathesis over the whole OpenAPI document: no input makes the API answer 5xx, and every
answer conforms to the document (status, content type, headers, body).

Requests go to the Django WSGI app in-process, inside the test's transaction, with the token of
刘洋 (community worker and handler of 新桥社区), against the demo data. The number of examples
per operation is bounded so the run stays under a minute on a slow machine; hypothesis'
deadline is off (the machine is shared), the checks are not.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gongzhi.api.tests.conftest import openapi_document

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation (about 40 operations); GONGZHI_FUZZ_EXAMPLES=200 for a deeper run.
EXAMPLES = int(os.environ.get("GONGZHI_FUZZ_EXAMPLES", "6"))


schema = schemathesis.openapi.from_dict(openapi_document())
schema.app = WSGIHandler()


@pytest.fixture(autouse=True)
def in_the_test_transaction(settings):
    # Rate limits are tested apart (test_limits.py); a fuzzer would only meet them.
    settings.GONGZHI_API_RATE_USER = settings.GONGZHI_API_RATE_WRITE = ""
    # As Django's test client does: a request's end must not close the test's connection (it
    # holds the transaction every test is rolled back in).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def worker_token(worker) -> str:
    token, _ = Token.objects.get_or_create(user=worker)
    return token.key


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_the_api_fail_or_stray_from_its_schema(case, worker_token):
    case.call_and_validate(headers={"Authorization": f"Token {worker_token}"}, checks=CHECKS)
