"""Start-up: a `clustermonitor` process imports the heavy libraries only when it uses them.

Every process (a web worker, each command the suite starts) sets up Django, which runs
the apps' ready() registrations; every command but --help then loads the URLs (the
system checks). Neither may import the libraries that only drawing, estimating or reading
a workbook needs: they cost seconds per process. pandas and numpy still come with the
URLs (the analysis modules the pages import use them at module level).
"""

import json
import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.any_database]

#: Not at set-up (the registrations of ready()).
NOT_AT_SETUP = ("matplotlib", "pandas", "numpy", "openpyxl", "scipy", "networkx", "yaml")
#: Not with the URLs either.
NOT_WITH_THE_URLS = ("matplotlib", "openpyxl", "scipy", "networkx", "icalendar", "weasyprint")

SCRIPT = """
import json, sys
import django
django.setup()
setup = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1].split(",")))
from django.urls import get_resolver
get_resolver().url_patterns  # every URLconf, as the system checks load them
urls = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2].split(",")))
print(json.dumps([setup, urls]))
"""


def test_setting_up_and_loading_the_urls_leave_the_heavy_libraries_alone(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(
        DJANGO_SETTINGS_MODULE="clustermonitor.settings",
        CLUSTERMONITOR_ENV="test",
        CLUSTERMONITOR_VAR_DIR=str(tmp_path),
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, ",".join(NOT_AT_SETUP), ",".join(NOT_WITH_THE_URLS)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    at_setup, with_the_urls = json.loads(result.stdout.strip().splitlines()[-1])
    assert at_setup == [], f"imported by the ready() registrations: {at_setup}"
    assert with_the_urls == [], f"imported with the URLs: {with_the_urls}"
