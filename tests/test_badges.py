"""Status badges on lists (issue 16): one fixed mapping from a state to a tone
(core/badges.py), the state's words always shown, in Dutch too."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import trans_real

from clustermonitor.collaborations import services as collaborations
from clustermonitor.collaborations.models import Collaboration, Stage
from clustermonitor.core import audit, badges
from clustermonitor.monitoring import services as monitoring
from clustermonitor.monitoring.models import ProgressReport
from clustermonitor.programmes.models import Call
from clustermonitor.reports.models import ReportRun

ACTOR = audit.Actor.system("test")
DAY = datetime.timedelta(days=1)
STATE_FIELDS = ("state", "status", "stage")


def _state_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("clustermonitor."):
            continue
        for field in model._meta.get_fields():
            if field.name in STATE_FIELDS and getattr(field, "choices", None):
                yield f"{model._meta.label}.{field.name}", field


def _translated(message, context=None) -> bool:
    """The Dutch catalogue has its own entry for the message (Dutch may spell it the
    same, as 'open')."""
    catalog = trans_real.translation("nl")._catalog
    key = f"{context}\x04{message}" if context else message
    return bool(catalog.get(key))


def test_every_state_of_every_model_has_a_tone_and_a_translated_label():
    found = dict(_state_fields())
    assert len(found) >= 10, found
    missing = sorted(set(found) - set(badges.FIELDS))
    assert not missing, f"state fields without badges: {missing}"
    stale = sorted(set(badges.FIELDS) - set(found))
    assert not stale, f"badges for fields that do not exist: {stale}"
    for key, field in found.items():
        tones = badges.FIELDS[key]
        values = {value for value, _label in field.choices}
        assert set(tones) == values, f"{key}: {sorted(values ^ set(tones))}"
        assert set(tones.values()) <= set(badges.TONES), key
        for value, label in field.choices:
            args = getattr(label, "_args", (str(label),))  # a lazy label's msgid (and context)
            message, context = args[-1], args[0] if len(args) == 2 else None
            assert _translated(message, context), f"{key}={value}: {message!r} has no Dutch"


def test_every_worked_out_state_has_a_tone_and_a_translated_label():
    for kind, states in badges.STATES.items():
        for value, (tone, label) in states.items():
            assert tone in badges.TONES, (kind, value)
            context, message = label._args
            assert _translated(message, context), (kind, value, message)


def test_a_new_state_without_a_tone_fails_the_check(monkeypatch):
    """The guard above can fail: a choice the mapping lacks is reported."""
    tones = dict(badges.FIELDS["monitoring.ProgressReport.state"])
    tones.pop("returned")
    monkeypatch.setitem(badges.FIELDS, "monitoring.ProgressReport.state", tones)
    with pytest.raises(AssertionError, match="returned"):
        test_every_state_of_every_model_has_a_tone_and_a_translated_label()


def test_a_call_is_open_closing_soon_or_closed_by_its_dates():
    today = datetime.date(2026, 6, 1)
    state = lambda opens, closes: badges.call_state(Call(opens_on=opens, closes_on=closes), today)  # noqa: E731
    assert state(None, None) is None
    assert state(today + DAY, today + 60 * DAY) == "upcoming"
    assert state(today - DAY, today + 60 * DAY) == "open"
    assert state(today - DAY, today + 14 * DAY) == "closing_soon"
    assert state(today - DAY, today) == "closing_soon"
    assert state(today - 60 * DAY, today - DAY) == "closed"
    assert state(today - DAY, None) == "open"


def _dutch(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def _badge(tone, state, words):
    return f'<span class="status tone-{tone}" data-state="{state}">{words}</span>'


def test_the_reports_overview_shows_each_state_and_the_overdue_ones(
    cluster_a, client_for, settings
):
    monitoring.create_periods(ACTOR, cluster_a)
    first = ProgressReport.objects.filter(period__cluster=cluster_a).order_by("period__number")
    first.filter(pk=first[0].pk).update(state="returned")
    client = _dutch(client_for("programme_manager"), settings)
    html = client.get(reverse("monitoring:reports")).content.decode()
    assert _badge("warn", "returned", "teruggestuurd met opmerkingen") in html
    drafts = ProgressReport.objects.filter(state="draft").count()
    assert html.count(_badge("neutral", "draft", "ontwerp")) == drafts > 0
    overdue = ProgressReport.objects.filter(
        state__in=["draft", "returned"], period__due_date__lt=timezone.localdate()
    ).count()
    assert html.count(_badge("danger", "overdue", "te laat")) == overdue > 0
    own = _dutch(client_for("cluster_manager_a"), settings)
    html = own.get(reverse("monitoring:report-list", args=[cluster_a.code])).content.decode()
    assert _badge("warn", "returned", "teruggestuurd met opmerkingen") in html


def test_the_call_list_says_which_calls_are_open(client_for, settings, cluster_a):
    today = timezone.localdate()
    Call.objects.filter(pk=cluster_a.call_id).update(
        opens_on=today - 30 * DAY, closes_on=today + 3 * DAY
    )
    client = _dutch(client_for("programme_manager"), settings)
    html = client.get(reverse("programmes:call-list")).content.decode()
    row = html[html.index(f'data-call="{cluster_a.call.number}"') :]
    row = row[: row.index("</tr>")]
    assert _badge("warn", "closing_soon", "sluit binnenkort") in row


def test_the_collaboration_list_shows_the_stage(cluster_a, client_for, settings):
    collaborations.create(
        ACTOR,
        Collaboration(title="Proeftuin", programme=cluster_a.programme),
        [cluster_a],
        stage=Stage.STARTED,
    )
    client = _dutch(client_for("cluster_manager_a"), settings)
    html = client.get(
        reverse("collaborations:collaboration-list", args=[cluster_a.code])
    ).content.decode()
    assert _badge("ok", "started", "gestart") in html


def test_the_report_runs_show_a_failed_run(client_for, settings, persona):
    ReportRun.objects.create(
        as_of=timezone.localdate(), formats=["pdf"], state="failed", error="boom"
    )
    client = _dutch(client_for("programme_manager"), settings)
    html = client.get(reverse("reports:runs")).content.decode()
    assert _badge("danger", "failed", "mislukt") in html
