"""Settings for the test suite: the application's own, in its fast test mode."""

import os

os.environ["CLUSTERMONITOR_ENV"] = "test"

from clustermonitor.settings import *  # noqa: F403
