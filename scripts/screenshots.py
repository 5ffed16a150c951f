"""Take the README's screenshots from a running demo (docs/development.md).

    clustermonitor demo &                      # or: make run
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 docs/screenshots

Logs in as the demo's evaluator and captures: the programme dashboard, the programme's
reach (a figure), the survey's effect matrix and a page of a generated evaluation
report. Uses Debian's Chromium through Playwright, like the end-to-end tests.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
LOGIN, PASSWORD = "evaluator", "clustermonitor"


def main(base: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.set_default_timeout(120_000)
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", LOGIN)
        page.fill("input[name=password]", PASSWORD)
        page.locator("#main form").get_by_role("button").click()  # not the header's
        page.wait_for_load_state()

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
        page.wait_for_selector("#report-files a", timeout=600_000)
        with page.context.expect_page() as opened:
            page.locator("#report-files a").first.click()
        report = opened.value
        report.wait_for_load_state()
        report.set_viewport_size({"width": 1100, "height": 1400})
        box = report.locator("#s3").bounding_box()  # the reach chapter: text, figure, table
        clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": 1500}
        report.screenshot(path=folder / "report-page.png", clip=clip, full_page=True)
        browser.close()
    for name in ("dashboard", "reach-figure", "effect-matrix", "report-page"):
        print(folder / f"{name}.png")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots"))
