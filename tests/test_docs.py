"""Configuration and commands are documented (datasette's tests/test_docs.py)."""

import re
from pathlib import Path

import pytest

import clustermonitor

pytestmark = [pytest.mark.any_database]

ROOT = Path(clustermonitor.__file__).parent.parent
DOCS = ROOT / "docs"


def test_every_environment_variable_is_documented():
    settings = (ROOT / "clustermonitor" / "settings.py").read_text("utf-8")
    names = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', settings))
    assert "DATABASE_URL" in names  # the pattern finds them
    documented = (DOCS / "deployment.md").read_text("utf-8")
    assert not {n for n in names if f"`{n}`" not in documented}


def test_every_command_is_documented():
    commands = {
        p.stem
        for p in (ROOT / "clustermonitor").glob("*/management/commands/*.py")
        if not p.stem.startswith("_")
    }
    assert {"load-reference", "demo", "createuser"} <= commands
    documented = (DOCS / "cli.md").read_text("utf-8")
    assert not {c for c in commands if f"clustermonitor {c}" not in documented}


def test_the_readme_keeps_its_two_commands_and_every_demo_login():
    from clustermonitor.demodata.personas import DEMO_LOGINS, DEMO_PASSWORD

    readme = (ROOT / "README.md").read_text("utf-8")
    assert "make run" in readme and "make test" in readme
    assert f"`{DEMO_PASSWORD}`" in readme
    assert all(f"`{login.username}`" in readme for login in DEMO_LOGINS)
