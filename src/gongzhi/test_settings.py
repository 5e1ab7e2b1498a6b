"""Settings for the test suite: the production settings with a fast hasher and a temp data dir."""

import os
import tempfile

os.environ.setdefault("GONGZHI_TESTING", "1")
os.environ.setdefault("GONGZHI_DATA_DIR", tempfile.mkdtemp(prefix="gongzhi-test-"))

from gongzhi.settings import *  # noqa: E402, F403

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
