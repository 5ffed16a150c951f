"""Take the README's screenshots from a running demo (docs/development.md).

    clustermonitor demo &                      # or: make run
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 docs/screenshots

First, as a visitor, the public finder's answer for a company (NACE code, postcode and
keywords). Then logs in as BIM's cluster manager and captures their home page (the inbox: the demo's
present gives them a returned report, attendees to check and outstanding fees). Then as
the demo's evaluator (with the second step: the first run enrols an authenticator app for
the evaluator and keeps its key in var/screenshots-totp.key, later runs compute the code
from it) and captures: the programme dashboard, the programme's reach (a figure), the
survey's effect matrix and a page of a generated evaluation report (made by the demo's
background worker; the page opens it when it is done). Uses Debian's Chromium through
Playwright, like the end-to-end tests.
"""

import base64
import hmac
import re
import struct
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
LOGIN, PASSWORD = "evaluator", "clustermonitor"
CLUSTER_MANAGER = "cluster.bim"
SHOTS = ("portal-finder", "home", "dashboard", "reach-figure", "effect-matrix", "report-page")
KEY_FILE = Path("var/screenshots-totp.key")


def totp(secret: str) -> str:
    """The six-digit code an authenticator app shows now for this key (RFC 6238)."""
    counter = struct.pack(">Q", int(time.time() // 30))
    digest = hmac.new(base64.b32decode(secret), counter, "sha1").digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


def second_step(page) -> None:
    """Enrol the app on the first run; give its code on later ones."""
    if "/accounts/two-factor/setup/" in page.url:
        secret = page.locator("#otp-secret").inner_text().replace(" ", "")
        KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        KEY_FILE.write_text(secret)
        page.fill("input[name=code]", totp(secret))
        page.locator("#main form").get_by_role("button").click()
        page.locator("#continue").click()
    elif re.search(r"/accounts/two-factor/(\?|$)", page.url):
        if not KEY_FILE.exists():
            sys.exit(
                f"{LOGIN} has an authenticator app whose key is not in {KEY_FILE}: run "
                f"`clustermonitor reset-two-factor {LOGIN}` and try again."
            )
        page.fill("input[name=code]", totp(KEY_FILE.read_text().strip()))
        page.locator("#main form").get_by_role("button").click()
    page.wait_for_load_state()


def main(base: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.set_default_timeout(120_000)
        # A visitor (no login) asks the finder which running cluster fits a company.
        page.goto(f"{base}/finder/?nace=41.20&postcode=2000&q=bouw+circulair")
        page.wait_for_selector("#finder-results")
        page.screenshot(path=folder / "portal-finder.png")
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", CLUSTER_MANAGER)
        page.fill("input[name=password]", PASSWORD)
        page.locator("#main form").get_by_role("button").click()
        page.wait_for_selector("#inbox")
        page.screenshot(path=folder / "home.png")
        page.context.clear_cookies()

        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", LOGIN)
        page.fill("input[name=password]", PASSWORD)
        page.locator("#main form").get_by_role("button").click()  # not the header's
        page.wait_for_load_state()
        second_step(page)

        page.goto(f"{base}/dashboard/?year=2019")
        page.screenshot(path=folder / "dashboard.png")

        page.goto(f"{base}/reach/?on=2019-12-31")
        page.locator("#map").screenshot(path=folder / "reach-figure.png")

        page.goto(f"{base}/surveys/waves/")
        wave = page.eval_on_selector_all(
            "a",
            r"els => els.map(e => e.getAttribute('href'))"
            r".find(h => /^\/surveys\/waves\/\d+\/$/.test(h))",
        )
        page.goto(f"{base}{wave}results/")
        page.locator("figure.matrix").first.screenshot(path=folder / "effect-matrix.png")

        page.goto(f"{base}/evaluation/")
        page.fill("input[name=as_of]", "2020-01-31")
        page.uncheck("input[name=formats][value=pdf]")
        page.click("#generate-report")
        # The run page polls the worker and opens the HTML report in its place when done.
        page.wait_for_url(re.compile(r"/evaluation/\d+/html/"), timeout=600_000)
        report = page
        report.wait_for_load_state()
        report.set_viewport_size({"width": 1100, "height": 1400})
        box = report.locator("#s3").bounding_box()  # the reach chapter: text, figure, table
        clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": 1500}
        report.screenshot(path=folder / "report-page.png", clip=clip, full_page=True)
        browser.close()
    for name in SHOTS:
        print(folder / f"{name}.png")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots"))
