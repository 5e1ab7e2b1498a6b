"""Settings for the test suite: the production settings with a fast hasher and a temp data dir."""

import os
import tempfile

os.environ.setdefault("GONGZHI_TESTING", "1")
os.environ.setdefault("GONGZHI_DATA_DIR", tempfile.mkdtemp(prefix="gongzhi-test-"))

from gongzhi.settings import *  # noqa: E402, F403

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# The REST API's rate limits add a few cache queries to every request; tests count an
# endpoint's own queries, so the limits are off here and on in the tests of the limits
# (api/tests/test_limits.py and test_contract.py set them explicitly).
GONGZHI_API_RATE_USER = GONGZHI_API_RATE_ANON = GONGZHI_API_RATE_WRITE = ""
# Tests count an endpoint's queries: tokens are read every time (the cache has its own tests).
GONGZHI_API_TOKEN_CACHE_SECONDS = 0
