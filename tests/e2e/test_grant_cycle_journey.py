"""The grant cycle, end to end in the web interface (issue 19's journey): the programme
manager opens a call (the shipped application form, opening and closing in Belgian time,
published, its eligibility criteria and rubric); an applicant applies from the portal
(the account made by the first save, the e-mailed link to choose a password, the form,
the submission and the acknowledgement with its hash); the programme manager screens the
application and puts two reviewers on it; each declares no conflict of interest and
scores it; the jury decides and the letter is mailed; the funded application becomes a
cluster with its agreement; the cluster's manager submits the first progress report, the
programme manager approves it, and the second tranche is payable, then paid.

One browser, a context per person (each logs in once). The database is read only to find
what the pages are about (ids, the e-mails sent) and to check what they show. Two
accounts are made as the other journeys make their personas, not through pages: the
second reviewer's and the new cluster's manager's (inviting an external expert and user
administration have tests of their own). Nothing moves the clock: see the agreement's
start."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clustermonitor.accounts import services as accounts
from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit
from clustermonitor.grants.models import ApplicationVersion, CallSetup
from clustermonitor.grants.services import APPLICATION_XLSFORM
from clustermonitor.programmes import rules_math
from clustermonitor.programmes.models import Application, Cluster, ClusterType
from tests import review_helpers
from tests.conftest import PASSWORD
from tests.grants_helpers import ANSWERS

pytestmark = pytest.mark.e2e

BRUSSELS = ZoneInfo("Europe/Brussels")
EMAIL = "ann.aanvrager@example.org"
APPLICANT_PASSWORD = "een lang en sterk wachtwoord 42"
TITLE = ANSWERS["title"]


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BRUSSELS)


def _post(page, button) -> None:
    """Click a form's button and wait for the page it leads to (where the next step's
    form has the same fields as this one, or the same buttons)."""
    with page.expect_navigation():
        button.click()


def _open_the_call(pm) -> int:
    """The programme manager's set-up; returns the call's id."""
    # The shipped application form, uploaded as the agency uploads any XLSForm.
    expect(pm).to_have_url(re.compile(r"/surveys/questionnaires/$"))
    pm.locator("a[href='/surveys/questionnaires/upload/']").first.click()
    pm.set_input_files("input[name=xlsform]", APPLICATION_XLSFORM)
    pm.locator("#main form button.primary").click()
    expect(pm).to_have_url(re.compile(r"/surveys/questionnaires/\d+/$"))
    expect(pm.locator("h1")).to_contain_text("Aanvraag clusterprogramma")
    form_id = re.search(r"/(\d+)/$", pm.url).group(1)

    # A new call of the IBN type.
    pm.goto("/calls/")
    pm.locator("a[href='/calls/new/']").click()
    ibn = ClusterType.objects.get(code="IBN")
    pm.select_option("select[name=cluster_type]", str(ibn.pk))
    pm.fill("input[name=number]", "3")
    pm.fill("input[name=name]", "Derde oproep IBN")
    pm.fill("input[name=budget]", "1.500.000,00")
    pm.locator("#main form button.primary").click()
    expect(pm).to_have_url(re.compile(r"/calls/\d+/$"))
    call_id = int(re.search(r"/calls/(\d+)/$", pm.url).group(1))

    # Online: opening and closing typed in Belgian time, to the second; the form;
    # the conditions; published.
    pm.locator(f"a[href='/calls/{call_id}/online/']").click()
    today = timezone.localdate()
    opens = _moment(today - datetime.timedelta(days=1), 9)
    closes = _moment(today + datetime.timedelta(days=14), 17)
    pm.fill("input[name=opens_at]", opens.strftime("%Y-%m-%dT%H:%M:%S"))
    pm.fill("input[name=closes_at]", closes.strftime("%Y-%m-%dT%H:%M:%S"))
    pm.select_option("select[name=questionnaire]", form_id)
    pm.fill("textarea[name=conditions]", "Een benoemde clustermanager; bedrijven op kop.")
    pm.check("input[name=published]")
    pm.locator("#main form button.primary").click()
    expect(pm).to_have_url(re.compile(rf"/calls/{call_id}/received/$"))
    expect(pm.locator("#call-setup")).to_contain_text(closes.strftime("%d/%m/%Y 17:00:00"))
    setup = CallSetup.objects.get(call_id=call_id)
    assert (setup.opens_at, setup.closes_at) == (opens, closes)  # stored in UTC
    assert setup.published

    # Screening and jury: the automatic criteria and a manual one; the rubric.
    pm.goto(f"/calls/{call_id}/")
    pm.locator(f"#call-links a[href='/calls/{call_id}/review/']").click()
    pm.locator("#link-criteria").click()
    pm.locator("#add-standard").click()
    expect(pm.locator("#criteria tbody tr")).to_have_count(6)
    form = pm.locator("#criterion-form")
    form.locator("select[name=kind]").select_option("manual")
    form.locator("[name=text]").fill("De aanvraag past in het clusterbeleid")
    form.locator("button.primary").click()
    expect(pm.locator("#criteria tbody tr")).to_have_count(7)
    pm.goto(f"/calls/{call_id}/review/rubric/")
    pm.fill("#rubric-form input[name=threshold]", "60")
    pm.fill("#rubric-form input[name=spread_limit]", "20")
    _post(pm, pm.locator("#rubric-form button[type=submit]"))
    for name, weight, threshold in (("Kwaliteit", "2", "5"), ("Impact", "1", "")):
        form = pm.locator("#rubric-criterion-form")
        form.locator("input[name=name]").fill(name)
        form.locator("input[name=weight]").fill(weight)
        form.locator("input[name=max_score]").fill("10")
        form.locator("input[name=threshold]").fill(threshold)
        _post(pm, form.locator("button.primary"))
    expect(pm.locator("#rubric-criteria tbody tr")).to_have_count(2)
    return call_id


def _apply(applicant, call_id: int, mailoutbox) -> Application:
    """The applicant, from the portal's open calls to the acknowledgement."""
    applicant.goto("/portal/calls/")
    listed = applicant.locator(f"#call-{call_id}")
    closes = CallSetup.objects.get(call_id=call_id).closes_at.astimezone(BRUSSELS)
    expect(listed).to_contain_text(closes.strftime("%d/%m/%Y 17:00:00"))
    listed.locator("h2 a").click()
    expect(applicant.locator("#conditions")).to_contain_text("Een benoemde clustermanager")
    start = {
        "first_name": "Ann",
        "last_name": "Aanvrager",
        "email": EMAIL,
        "organisation": ANSWERS["applicant"],
        "title": TITLE,
    }
    for name, value in start.items():
        applicant.fill(f"#apply [name={name}]", value)
    applicant.locator("#apply button[type=submit]").click()
    expect(applicant.locator("#started")).to_be_visible()

    # The first save made the account: its link leads to choosing a password.
    (welcome,) = [m for m in mailoutbox if EMAIL in m.to]
    link = re.search(r"https?://\S+", welcome.body).group(0)
    applicant.goto(re.sub(r"^https?://[^/]+", "", link))
    applicant.fill("input[name=new_password1]", APPLICANT_PASSWORD)
    applicant.fill("input[name=new_password2]", APPLICANT_PASSWORD)
    applicant.locator("#main form").get_by_role("button").click()
    applicant.fill("input[name=username]", EMAIL)
    applicant.fill("input[name=password]", APPLICANT_PASSWORD)
    applicant.locator("#main form").get_by_role("button").click()

    # My applications: the draft; the form page by page, each page's questions answered.
    expect(applicant).to_have_url(re.compile(r"/my-applications/$"))
    expect(applicant.locator("#my-applications .status[data-state=draft]")).to_have_count(1)
    applicant.locator("#my-applications a", has_text=TITLE).click()
    applicant.locator("#fill-in").click()
    while applicant.locator("form.respond-form").count():
        shown = applicant.locator("form.respond-form input[name=shown]").evaluate_all(
            "inputs => inputs.map(i => i.value)"
        )
        for name in shown:
            if name in ANSWERS:
                applicant.fill(f"form.respond-form [name={name}]", str(ANSWERS[name]))
        _post(applicant, applicant.locator(".respond-actions button.primary"))

    # The overview: nothing to correct; submit; the acknowledgement shows the hash.
    expect(applicant.locator("#submit-form button")).to_be_enabled()
    expect(applicant.locator("#problems")).to_have_count(0)
    applicant.locator("#submit-form button").click()
    expect(applicant.locator("#acknowledgement")).to_be_visible()
    application = Application.objects.get(applicant_account__email=EMAIL)
    version = ApplicationVersion.objects.get(application=application)
    expect(applicant.locator("#version-hash")).to_have_text(version.sha256)
    assert version.sha256 in mailoutbox[-1].body  # the acknowledgement e-mail's hash
    return application


def _screen_and_assign(pm, call_id: int, application: Application) -> None:
    pm.goto(f"/calls/{call_id}/review/")
    row = pm.locator(f"#review-applications tr[data-application='{application.pk}']")
    expect(row.locator(".status[data-state=submitted]")).to_be_visible()
    row.locator(f"a[href='/applications/{application.pk}/screening/']").click()
    expect(pm.locator("#automatic li")).to_have_count(6)
    expect(pm.locator("#automatic li[data-passed=no]")).to_have_count(0)
    pm.locator("#screening-form input[value=yes]").check()
    pm.locator("#screening-form button[type=submit]").click()
    expect(pm).to_have_url(re.compile(rf"/calls/{call_id}/review/$"))
    expect(row.locator(".status[data-state=in_review]")).to_be_visible()

    pm.locator("#link-jury").click()
    for username in ("reviewer", "reviewer2"):
        form = pm.locator("#assign-form")
        form.locator("select[name=application]").select_option(str(application.pk))
        reviewer = User.objects.get(username=username)
        form.locator("select[name=reviewer]").select_option(str(reviewer.pk))
        _post(pm, form.locator("button[type=submit]"))
    jury = pm.locator(f"#jury tr[data-application='{application.pk}']")
    expect(jury.locator(".status[data-state=pending]")).to_have_count(2)  # to declare


def _declare_and_score(reviewer, scores, comment, *, peek_for: str | None = None) -> None:
    """From the menu's "My assignments": declare no conflict, read, score and submit.
    ``peek_for``: another reviewer's comment that stays hidden until this reviewer's
    scores are in, and shows then."""
    link = "a[href='/review/my-assignments/']"
    reviewer.locator("nav.menu details", has=reviewer.locator(link)).locator("summary").click()
    reviewer.locator(f"nav.menu {link}").click()
    reviewer.locator("#my-assignments a", has_text=TITLE).click()
    # Before the declaration: who applies with whom, not the plan.
    expect(reviewer.locator(".application-version")).to_contain_text("Alfa NV")
    expect(reviewer.locator(".application-version")).not_to_contain_text(ANSWERS["roadmap"])
    reviewer.locator("#declaration-form input[value=no]").check()
    reviewer.locator("#declaration-form button[type=submit]").click()
    expect(reviewer.locator(".application-version")).to_contain_text(ANSWERS["roadmap"])
    if peek_for:
        expect(reviewer.locator("body")).not_to_contain_text(peek_for)
    form = reviewer.locator("#score-form")
    for i, value in enumerate(scores):
        form.locator("input[type=number]").nth(i).fill(str(value))
    form.locator("textarea").first.fill(comment)
    form.locator("#submit-scores").click()
    expect(reviewer.locator("#own-scores")).to_contain_text(comment)
    if peek_for:
        expect(reviewer.locator("#other-scores")).to_contain_text(peek_for)
    else:
        expect(reviewer.locator("#other-scores h3")).to_have_count(0)


def _decide(pm, call_id: int, application: Application, mailoutbox) -> None:
    pm.goto(f"/calls/{call_id}/review/ranking/")
    ranked = pm.locator(f"#ranking tr[data-application='{application.pk}']")
    # (8×2 + 7) / 30 = 76,7 % and (6×2 + 9) / 30 = 70,0 %: mean 73,3, spread 6,7.
    expect(ranked.locator(".total")).to_have_text(re.compile(r"73[.,]3"))
    expect(ranked).to_contain_text(re.compile(r"6[.,]7"))
    ranked.locator(f"a[href='/applications/{application.pk}/decision/']").click()
    form = pm.locator("#decision-form")
    form.locator("input[value=funded]").check()
    form.locator("input[name=funded_amount]").fill("450000")
    form.locator("textarea[name=motivation]").fill("Sterk consortium met duidelijke doelen.")
    expect(form.locator("input[name=send_letter]")).to_be_checked()
    form.locator("button[type=submit]").click()
    decision = pm.locator("#decision")
    expect(decision).to_contain_text("450.000")
    expect(decision).to_contain_text("Sterk consortium met duidelijke doelen.")
    expect(decision.locator("#letter-pdf")).to_be_visible()
    # The letter: a PDF mailed to the applicant's account.
    (letter,) = [m for m in mailoutbox if EMAIL in m.to and m.attachments]
    name, content, mimetype = letter.attachments[0]
    assert name == f"beslissing-aanvraag-{application.pk}.pdf"
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")


def _make_the_agreement(pm, call_id: int) -> None:
    pm.goto(f"/calls/{call_id}/")
    pm.locator("a[data-make-agreement]").click()
    today = timezone.localdate()
    pm.fill("input[name=code]", "H2HAVEN")
    pm.fill("input[name=signed_on]", today.isoformat())
    # Instead of moving the clock (a live server's cannot move): the agreement starts a
    # year back, on the form's own start field, so that year 1 is over today.
    pm.fill("input[name=start_date]", rules_math.add_years(today, -1).isoformat())
    pm.fill("input[name=condition]", "Businessplan voor integratie in de SPC")
    pm.fill("input[name=condition_due_date]", rules_math.add_months(today, 6).isoformat())
    pm.locator("#main form button.primary").click()
    expect(pm).to_have_url(re.compile(r"/clusters/H2HAVEN/agreement/$"))
    expect(pm.locator("h1")).to_contain_text("IBN-3-H2HAVEN")
    expect(pm.locator("h1")).to_contain_text("H2 Haven")
    expect(pm.locator("#conditions")).to_contain_text("Businessplan")
    expect(pm.locator("tr[data-tranche='1']")).to_have_attribute("data-state", "payable")
    planned = pm.locator("tr[data-tranche='2']")
    expect(planned).to_have_attribute("data-state", "planned")
    expect(planned.locator("a[href*='/payments/new/']")).to_have_count(0)


def test_a_call_to_the_second_tranche(person, mailoutbox):
    # The second reviewer's account, made as the other journeys make personas (see above).
    review_helpers.reviewer("reviewer2", password=PASSWORD)
    pm = person("programme_manager", next="/surveys/questionnaires/")
    call_id = _open_the_call(pm)

    applicant = person()
    application = _apply(applicant, call_id, mailoutbox)

    _screen_and_assign(pm, call_id, application)
    _declare_and_score(person("reviewer"), (8, 7), "EERSTE-OORDEEL")
    _declare_and_score(person("reviewer2"), (6, 9), "Tweede oordeel", peek_for="EERSTE-OORDEEL")
    _decide(pm, call_id, application, mailoutbox)
    applicant.goto("/my-applications/")
    expect(applicant.locator("#my-applications .status[data-state=funded]")).to_have_count(1)

    _make_the_agreement(pm, call_id)

    # The new cluster's manager (see the module's docstring) reads the agreement: the
    # second tranche waits for year 1's report, which is due; they write and submit it.
    accounts.create_user(
        audit.Actor.system("tests"),
        username="cluster.h2haven",
        password=PASSWORD,
        role=Role.CLUSTER_MANAGER,
        cluster=Cluster.objects.get(code="H2HAVEN"),
    )
    cm = person("cluster.h2haven", next="/clusters/H2HAVEN/agreement/")
    expect(cm.locator("tr[data-tranche='2']")).to_contain_text(
        "Wacht op de goedkeuring van het voortgangsrapport van jaar 1."
    )
    cm.goto("/clusters/H2HAVEN/reports/")
    first = cm.locator("#periods tbody tr").first
    expect(first.locator(".status[data-state=due]")).to_be_visible()
    first.locator("a[href^='/reports/']").click()
    expect(cm.locator("#report-form")).to_be_visible()
    report_url = cm.url
    for section in cm.locator("#report-form textarea[name^=section_]").all():
        section.fill("Het eerste jaar: netwerk opgezet.")
    _post(cm, cm.locator("#report-form button[type=submit]"))
    cm.locator("#submit button.primary").click()
    expect(cm.locator(".status[data-state=submitted]").first).to_be_visible()

    # The programme manager approves it: the second tranche is payable, and paid.
    pm.goto(report_url)
    pm.locator("#review button.primary").click()
    expect(pm.locator(".status[data-state=approved]").first).to_be_visible()
    pm.goto("/clusters/H2HAVEN/agreement/")
    second = pm.locator("tr[data-tranche='2']")
    expect(second).to_have_attribute("data-state", "payable")
    expect(second).to_contain_text("€ 135.000")
    expect(second).to_contain_text("Het voortgangsrapport van jaar 1 is goedgekeurd.")
    second.locator("a[href*='/payments/new/']").click()
    pm.fill("input[name=amount]", "135.000,00")
    pm.fill("input[name=reference]", "BOEK-2")
    pm.fill("input[name=paid_on]", timezone.localdate().isoformat())
    pm.locator("#main form button.primary").click()
    expect(second).to_have_attribute("data-state", "paid")
    pm.goto("/agreements/?call=3")
    expect(pm.locator("tr[data-cluster='H2HAVEN']")).to_contain_text("135.000")
