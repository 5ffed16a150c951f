"""Settings for the test suite: the application's own, in its fast test mode."""

import os
import tempfile
from pathlib import Path

os.environ["CLUSTERMONITOR_ENV"] = "test"

from clustermonitor.settings import *  # noqa: F403

# Uploaded files of the tests go to a throw-away folder.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="clustermonitor-test-media-"))
KBO_DIR = MEDIA_ROOT / "kbo-incoming"
