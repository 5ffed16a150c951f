"""Journeys through the real interface in Chromium: what each persona can do and see.

Counts and orders are checked against the database; only the 26 clusters and 20 IBNs
of the 2020 reference portfolio are written down.
"""

import contextlib
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from clustermonitor.programmes.models import Cluster
from tests.conftest import CLUSTER_A, CLUSTER_B

# Also marks tests added later: an unmarked live-server test would not be sorted last,
# and its flush would empty the shared world under the tests that follow it.
pytestmark = pytest.mark.e2e

ROWS = "#portfolio tr[data-code]"
ASSETS = {"stylesheet", "script", "image", "font"}
LOCALE_MO = Path(__file__).parents[2] / "clustermonitor/locale/nl/LC_MESSAGES/django.mo"


def path_is(path: str) -> re.Pattern:
    """A URL pattern for expect().to_have_url() that ignores the host and the query."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def row_codes(page) -> list[str]:
    return page.locator(ROWS).evaluate_all("rows => rows.map(r => r.dataset.code)")


def expect_order(page, codes: list[str], timeout: float = 5_000) -> None:
    """Wait until htmx has swapped in the table with exactly these rows in this order,
    then compare the lists, so that a failure shows the difference."""
    with contextlib.suppress(PlaywrightError):
        page.wait_for_function(
            """({selector, codes}) => JSON.stringify(codes) === JSON.stringify(
                [...document.querySelectorAll(selector)].map(r => r.dataset.code))""",
            arg={"selector": ROWS, "codes": codes},
            timeout=timeout,
        )
    assert row_codes(page) == codes


def by_end_date(clusters) -> list[str]:
    # The portfolio's own end_date sort key: ties go by code.
    return [c.code for c in sorted(clusters, key=lambda c: (c.end_date, c.code))]


@pytest.mark.e2e
def test_programme_manager_filters_sorts_opens_and_switches_language(page, login):
    login("programme_manager")
    # Every persona lands on their home: the inbox (issue 16), then goes to the portfolio.
    expect(page).to_have_url(path_is("/"))
    expect(page.locator("#inbox")).to_be_visible()
    page.goto("/portfolio/")
    # Dutch by default even though the browser asks for English (see the page fixture).
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator(ROWS)).to_have_count(26)

    # The filters swap only the table (htmx) and keep the URL shareable.
    page.select_option("select[name=type]", "IBN")
    expect(page.locator(ROWS)).to_have_count(20)
    expect(page).to_have_url(re.compile(r"[?&]type=IBN(&|$)"))

    hosted = by_end_date(Cluster.objects.filter(cluster_type__code="IBN", embedding="gevestigd"))
    assert 0 < len(hosted) < 20, "the embedding filter would prove nothing on this data"
    page.select_option("select[name=embedding]", "gevestigd")
    expect(page.locator(ROWS)).to_have_count(len(hosted))
    expect(page.locator("#portfolio-count")).to_contain_text(str(len(hosted)))

    # A header click sorts ascending, a second one descending; the filters stay.
    page.click("a[data-sort=end_date]")
    expect_order(page, hosted)
    page.click("a[data-sort=end_date]")
    expect_order(page, hosted[::-1])

    cluster = Cluster.objects.get(code=hosted[-1])
    page.locator(f'{ROWS}[data-code="{cluster.code}"] td:first-child a').click()
    expect(page).to_have_url(path_is(f"/clusters/{cluster.code}/"))
    expect(page.locator("h1")).to_contain_text(cluster.name)
    expect(page.locator("#agreement")).to_be_visible()

    menu_nl = page.locator("header nav").inner_text()
    page.click("button[name=language][value=en]")
    # set_language sends us back to the page we were on, now in English.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(path_is(f"/clusters/{cluster.code}/"))
    expect(page.locator("header nav")).to_contain_text("Portfolio")
    expect(page.locator("button[name=language][value=en]")).to_be_disabled()
    if LOCALE_MO.exists():
        # Only a compiled Dutch catalogue makes the two languages read differently.
        assert page.locator("header nav").inner_text() != menu_nl

    # The choice is a cookie, so it holds on the next page.
    # The menu's pages are in groups that open on a click (the portfolio under Clusters).
    page.locator("header nav summary", has_text="Clusters").click()
    page.locator("header nav a[href='/portfolio/']").click()
    expect(page).to_have_url(path_is("/portfolio/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(ROWS)).to_have_count(26)


@pytest.mark.e2e
def test_a_wrong_password_does_not_say_which_part_was_wrong(page, login):
    login("programme_manager", "not the password")
    expect(page).to_have_url(path_is("/accounts/login/"))
    error = page.get_by_role("alert")
    expect(error).to_be_visible()
    wrong_password = error.inner_text()
    expect(page.locator("input[name=password]")).to_have_value("")
    expect(page.locator("header nav")).to_have_count(0)  # the menu is for signed-in users

    # An unknown user gets the very same message, so it cannot be used to probe names.
    login("nobody_by_this_name", "not the password")
    expect(page.get_by_role("alert")).to_have_text(wrong_password)


@pytest.mark.e2e
def test_cluster_manager_sees_only_the_public_profile_of_another_cluster(page, login):
    login("cluster_manager_a")
    expect(page).to_have_url(path_is("/"))
    expect(page.locator("#inbox")).to_be_visible()
    page.goto("/portfolio/")

    assert page.goto(f"/clusters/{CLUSTER_B}/targets/").status == 404
    assert page.goto(f"/clusters/{CLUSTER_A}/targets/").status == 200

    assert page.goto(f"/clusters/{CLUSTER_B}/").status == 200
    expect(page.locator("#public")).to_be_visible()
    expect(page.locator("#agreement")).to_have_count(0)
    expect(page.locator("#targets")).to_have_count(0)

    # Their own cluster does show the agreement: the absence above is the permission.
    page.goto(f"/clusters/{CLUSTER_A}/")
    expect(page.locator("#agreement")).to_be_visible()


@pytest.mark.e2e
def test_portfolio_downloads_as_xlsx(page, login, tmp_path):
    login("programme_manager")
    page.goto("/portfolio/")  # login lands on the home page (the inbox)
    with page.expect_download() as download_info:
        page.click("#download-xlsx")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    sheet = openpyxl.load_workbook(target, read_only=True).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[0] == "Code"
    codes = [row[0] for row in rows if row[0]]
    assert len(codes) == 26
    assert set(codes) == set(Cluster.objects.values_list("code", flat=True))


@pytest.mark.e2e
def test_pages_load_their_stylesheet_and_scripts(page, login):
    failed, errors = [], []

    def on_response(response):
        if response.request.resource_type in ASSETS and response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    def on_console(message):
        # CSP refusals and script errors only show up here. Failed loads are left to
        # on_response: the browser's own /favicon.ico request would count too.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("response", on_response)
    page.on("console", on_console)
    login("programme_manager")
    page.goto("/portfolio/")  # login lands on the home page (the inbox)
    page.select_option("select[name=type]", "IBN")
    expect(page.locator(ROWS)).to_have_count(20)
    page.goto(f"/clusters/{CLUSTER_B}/")
    assert failed == []
    assert errors == []


@pytest.mark.e2e
def test_a_filter_change_keeps_the_chosen_sort(page, login):
    login("programme_manager")
    page.goto("/portfolio/")  # login lands on the home page (the inbox)
    page.click("a[data-sort=end_date]")
    expect_order(page, by_end_date(Cluster.objects.all()))
    page.select_option("select[name=type]", "IBN")
    expect_order(page, by_end_date(Cluster.objects.filter(cluster_type__code="IBN")))


@pytest.mark.e2e
def test_cluster_manager_records_a_collaboration_until_it_counts_for_kpi3(page, login):
    import datetime

    from clustermonitor.collaborations.models import Collaboration
    from clustermonitor.registry.models import Organisation
    from tests.factories import dotted, enterprise_number, membership, organisation

    euka, bim = Cluster.objects.get(code=CLUSTER_A), Cluster.objects.get(code=CLUSTER_B)
    companies = [organisation(9500 + i, name=f"Drone {i} NV") for i in range(3)]
    for company in companies:
        membership(company, euka, start=euka.start_date)
    university = organisation(9600, name="Universiteit Gent", kind=Organisation.Kind.KNOWLEDGE)
    explored = euka.start_date + datetime.timedelta(days=10)
    started = euka.start_date + datetime.timedelta(days=40)

    login("cluster_manager_a")
    page.goto(f"/clusters/{CLUSTER_A}/collaborations/")
    page.click(f"a[href='/clusters/{CLUSTER_A}/collaborations/new/']")
    page.fill("input[name=title]", "Drones op de bouwwerf")
    page.check(f"input[name=clusters][value='{bim.pk}']")  # an intercluster project
    page.select_option("select[name=stage]", "exploring")
    page.fill("input[name=stage_date]", explored.isoformat())
    page.select_option("select[name=purpose]", "testing")
    page.select_option("select[name=instrument]", "coock")
    page.click("form.form button.primary")
    collaboration = Collaboration.objects.get(title="Drones op de bouwwerf")
    expect(page).to_have_url(path_is(f"/collaborations/{collaboration.pk}/"))

    # Parties: three members, and a university found by its enterprise number.
    parties = page.locator("#parties")
    for company in companies:
        parties.locator("select[name=organisation]").select_option(str(company.pk))
        parties.locator("select[name=role]").select_option("partner")
        parties.locator("button[type=submit]").last.click()
    parties = page.locator("#parties")
    parties.locator("input[name=enterprise_number]").fill(dotted(enterprise_number(9600)))
    parties.locator("select[name=role]").select_option("knowledge")
    parties.locator("button[type=submit]").last.click()
    expect(page.locator("#parties tbody tr")).to_have_count(4)
    expect(page.locator("#parties")).to_contain_text(university.name)

    # A step back without a note is refused, and says so; nothing changes.
    lifecycle = page.locator("#lifecycle")
    lifecycle.locator("select[name=stage]").select_option("idea")
    lifecycle.locator("input[name=date]").fill(started.isoformat())
    lifecycle.locator("button[type=submit]").click()
    expect(page.locator(".messages .error")).to_be_visible()
    collaboration.refresh_from_db()
    assert collaboration.stage == "exploring"

    lifecycle = page.locator("#lifecycle")
    lifecycle.locator("select[name=stage]").select_option("started")
    lifecycle.locator("input[name=date]").fill(started.isoformat())
    lifecycle.locator("button[type=submit]").click()
    expect(page.locator("#lifecycle .timeline li")).to_have_count(2)

    # KPI 3: three companies, started within the agreement → counted.
    page.goto(f"/clusters/{CLUSTER_A}/kpi3/")
    counted = page.locator("#verdicts tr", has_text="Drones op de bouwwerf")
    expect(counted.locator("strong")).to_be_visible()

    # The other cluster's manager finds the intercluster project in their own list.
    page.context.clear_cookies()
    login("cluster_manager_b")
    page.goto(f"/clusters/{CLUSTER_B}/collaborations/")
    expect(page.locator("#collaborations")).to_contain_text("Drones op de bouwwerf")


@pytest.mark.e2e
def test_the_yearly_report_is_written_returned_corrected_and_approved(page, login):
    from clustermonitor.accounts.models import User
    from clustermonitor.core import audit
    from clustermonitor.monitoring import services
    from clustermonitor.monitoring.models import ProgressReport

    euka = Cluster.objects.get(code=CLUSTER_A)
    euka.account_manager = User.objects.get(username="account_manager")
    euka.save()
    services.create_periods(audit.Actor.system("e2e"), euka)
    report = ProgressReport.objects.get(period__cluster=euka, period__number=1)
    url = f"/reports/{report.pk}/"

    # Journey 8: the cluster manager writes, attaches the minutes and submits.
    login("cluster_manager_a")
    page.goto(url)
    for name in ("achievements", "internationalisation", "competences", "sustainability"):
        page.fill(f"textarea[name=section_{name}]", f"Tekst over {name}.")
    page.click("#report-form button[type=submit]")
    page.locator("#attachments input[name=title]").fill("Notulen stuurgroep")
    page.locator("#attachments input[name=file]").set_input_files(
        files=[{"name": "notulen.txt", "mimeType": "text/plain", "buffer": b"notulen"}]
    )
    page.locator("#attachments button[type=submit]").click()
    page.click("#submit button.primary")
    expect(page.locator(".status[data-state=submitted]")).to_be_visible()

    # Journey 9: the account manager returns it with one comment.
    page.context.clear_cookies()
    login("account_manager")
    page.goto(url)
    page.fill("#review textarea[name=comment]", "Voeg de missie naar Nederland toe.")
    page.click("#review button:not(.primary)")
    expect(page.locator(".status[data-state=returned]")).to_be_visible()

    # The cluster manager corrects and resubmits.
    page.context.clear_cookies()
    login("cluster_manager_a")
    page.goto(url)
    expect(page.locator("#steps")).to_contain_text("Voeg de missie naar Nederland toe.")
    page.fill("textarea[name=section_internationalisation]", "Missie naar Nederland.")
    page.click("#report-form button[type=submit]")
    page.click("#submit button.primary")

    # The account manager approves: the report is frozen.
    page.context.clear_cookies()
    login("account_manager")
    page.goto(url)
    page.click("#review button.primary")
    expect(page.locator(".status[data-state=approved]")).to_be_visible()
    report.refresh_from_db()
    assert report.state == "approved" and report.versions.count() == 2
    assert report.latest_version.sections["internationalisation"] == "Missie naar Nederland."
    page.context.clear_cookies()
    login("cluster_manager_a")
    page.goto(url)
    expect(page.locator("#report-form")).to_have_count(0)


def _answer_page(page) -> None:
    """Choose the first option of every choice question on the page."""
    names = page.locator("form.respond-form input[type=radio]").evaluate_all(
        "inputs => [...new Set(inputs.map(i => i.name))]"
    )
    for name in names:
        page.locator(f"form.respond-form input[type=radio][name='{name}']").first.check()


@pytest.mark.e2e
def test_a_member_answers_on_a_phone_stops_halfway_and_finishes_from_the_same_link(
    browser, world, live_server
):
    from tests.factories import open_survey_link

    invitation, token = open_survey_link(Cluster.objects.get(code=CLUSTER_A), 9700, "Trein NV")
    link = f"{live_server.url}/s/{token}/"

    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = phone.new_page()
    page.goto(link)
    expect(page.locator("progress")).to_be_visible()
    total = int(page.locator("progress").get_attribute("max"))
    for _ in range(3):  # in the train: three pages, then the tunnel
        _answer_page(page)
        page.click("form.respond-form .respond-actions button.primary")
    expect(page.locator("progress")).to_have_attribute("value", "4")
    phone.close()

    # At the office, the same link resumes where the answers stop.
    office = browser.new_context(viewport={"width": 1280, "height": 900})
    page = office.new_page()
    page.goto(link)
    expect(page.locator("progress")).to_have_attribute("value", "4")
    for _ in range(total):
        if page.locator("form.respond-form").count() == 0:
            break
        _answer_page(page)
        page.click("form.respond-form .respond-actions button.primary")
    invitation.refresh_from_db()
    response = invitation.response
    assert response.completed_at is not None and response.duration_seconds is not None
    assert response.answers["q1"]
    # The link now thanks and changes nothing; another token learns nothing.
    page.goto(link)
    expect(page.locator("form.respond-form")).to_have_count(0)
    assert page.goto(f"{live_server.url}/s/{token[:-2]}xx/").status == 404
    office.close()


@pytest.mark.e2e
def test_the_evaluator_opens_a_wave_invites_follows_and_reminds(page, login, mailoutbox):
    import datetime

    from clustermonitor.core import audit
    from clustermonitor.members.models import Contact
    from clustermonitor.programmes.models import Programme
    from clustermonitor.surveys.models import Wave
    from clustermonitor.surveys.services_forms import load_default_questionnaire
    from tests.factories import membership, organisation

    euka, bim = Cluster.objects.get(code=CLUSTER_A), Cluster.objects.get(code=CLUSTER_B)
    questionnaire = load_default_questionnaire(Programme.objects.get(), audit.Actor.system("e2e"))
    for i, cluster in enumerate([euka, euka, bim]):
        m = membership(
            organisation(9800 + i, name=f"Lid {i} NV"), cluster, start=cluster.start_date
        )
        Contact.objects.create(membership=m, name=f"Contact {i}", email=f"lid{i}@example.org")
    today = datetime.date.today()

    login("evaluator")
    page.goto("/surveys/waves/new/")
    # The shipped 2020 instrument is the default questionnaire.
    expect(page.locator("select[name=questionnaire]")).to_have_value(str(questionnaire.pk))
    page.fill("input[name=name]", "Ledenbevraging 2026")
    page.check(f"input[name=clusters][value='{euka.pk}']")
    page.check(f"input[name=clusters][value='{bim.pk}']")
    page.fill("input[name=opens_on]", today.isoformat())
    page.fill("input[name=closes_on]", (today + datetime.timedelta(days=21)).isoformat())
    page.click("form.form button.primary")
    page.wait_for_load_state()
    errors = page.locator(".errorlist, .errors, [role=alert]").all_inner_texts()
    assert Wave.objects.filter(name="Ledenbevraging 2026").exists(), (page.url, errors)
    wave = Wave.objects.get(name="Ledenbevraging 2026")
    expect(page).to_have_url(path_is(f"/surveys/waves/{wave.pk}/"))

    page.click("#generate")
    expect(page.locator("#confirm")).to_contain_text("3")  # how many, before it acts
    assert not wave.invitations.exists()
    page.click("#confirm-action")
    expect(page.locator("#tracking-total")).to_contain_text("3")
    page.click("#send")
    expect(page.locator("#confirm")).to_contain_text("3")  # first what and how many
    assert len(mailoutbox) == 0
    page.click("#confirm-action")
    page.wait_for_load_state()
    assert len(mailoutbox) == 3
    assert all("/s/" in m.body for m in mailoutbox)
    assert {m.to[0] for m in mailoutbox} == {
        "lid0@example.org",
        "lid1@example.org",
        "lid2@example.org",
    }

    page.click("#remind")
    page.click("#confirm-action")
    page.wait_for_load_state()
    assert len(mailoutbox) == 6  # nobody has answered yet: everyone is reminded
    expect(page.locator("#tracking")).to_contain_text(CLUSTER_A)


@pytest.mark.e2e
def test_a_new_programme_manager_enrols_an_app_and_gets_in(page, login):
    """The demo's first sign-in as programme manager: QR code, key as text, a code from the
    app, the recovery codes, then the portfolio; the next sign-in asks for a code."""
    import base64

    from django_otp.oath import TOTP

    from clustermonitor.accounts import services
    from clustermonitor.accounts.models import Role
    from clustermonitor.core import audit
    from tests.conftest import PASSWORD

    services.create_user(
        audit.Actor.system("tests"),
        username="new.manager",
        password=PASSWORD,
        role=Role.PROGRAMME_MANAGER,
    )
    login("new.manager")
    expect(page).to_have_url(path_is("/accounts/two-factor/setup/"))
    expect(page.locator("#otp-qr svg")).to_be_visible()
    expect(page.locator("header nav")).to_have_count(0)
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    app = TOTP(base64.b32decode(secret))  # what the phone's app computes
    page.fill("input[name=code]", str(app.token()).zfill(6))
    page.locator("#main form").get_by_role("button").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.locator("#continue").click()
    expect(page).to_have_url(path_is("/"))
    expect(page.locator("#inbox")).to_be_visible()
    page.goto("/portfolio/")
    expect(page.locator(ROWS)).to_have_count(26)

    page.locator("header form[action$='/logout/'] button").click()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "new.manager")
    page.fill("input[name=password]", PASSWORD)
    page.locator("#main form").get_by_role("button").click()
    expect(page).to_have_url(path_is("/accounts/two-factor/"))  # the app's code next time
