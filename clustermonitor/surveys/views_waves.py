"""Wave pages (the evaluator's and the programme manager's: surveys.manage_surveys):
waves, invitations and their mailings, response tracking, imports of responses
collected in LimeSurvey or KoboToolbox. And a cluster's own response rate
(surveys.view_cluster_results): aggregated counts, no names."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import audit, badges, confirm, editing, tabular
from clustermonitor.core.exporters import csv_response, xlsx_response
from clustermonitor.core.imports import wizard
from clustermonitor.core.tabular import TableError
from clustermonitor.core.templatetags.format import format_number, format_percent
from clustermonitor.programmes.models import Cluster
from clustermonitor.surveys import imports, invitations
from clustermonitor.surveys.forms_waves import ClustersForm, ResponseUploadForm, WaveForm
from clustermonitor.surveys.import_kinds import RESPONSES, Upload
from clustermonitor.surveys.models import Response, Wave, member_waves

MANAGE = "surveys.manage_surveys"
VISIBLE = "surveys.view_results"
RAW = "surveys.view_raw_responses"
SHOWN_ROWS = 500


def _messages_for(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# -- Waves ---------------------------------------------------------------------------


@login_required
def wave_list(request):
    access.check_surveys(request.user)
    waves = Wave.objects.select_related("questionnaire")
    if not request.user.has_perm(access.MANAGER_SURVEY_RESULTS):
        waves = member_waves(waves)  # a manager wave is the agency's only
    waves = list(waves)
    ids = [w.pk for w in waves]
    counts = defaultdict(dict)
    for item in (
        Wave.clusters.through.objects.filter(wave_id__in=ids)
        .values("wave_id")
        .annotate(n=Count("pk"))
    ):
        counts[item["wave_id"]]["clusters"] = item["n"]
    for item in (
        Wave.objects.filter(pk__in=ids)
        .values("pk")
        .annotate(n=Count("invitations"))
        .values("pk", "n")
    ):
        counts[item["pk"]]["invited"] = item["n"]
    for item in (
        Response.objects.filter(wave_id__in=ids)
        .filter(invitations.STARTED)
        .values("wave_id")
        .annotate(started=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False)))
    ):
        counts[item["wave_id"]].update(started=item["started"], completed=item["completed"])
    today = timezone.localdate()
    rows = [(w, counts[w.pk], badges.wave_state(w, today)) for w in waves]
    return render(request, "surveys/wave_list.html", {"rows": rows})


def _save_wave(actor: audit.Actor, form: WaveForm) -> Wave:
    wave = form.save(commit=False)
    if wave.pk is None and getattr(actor.user, "pk", None):
        wave.created_by = actor.user
    audit.save(actor, wave, m2m={"clusters": form.cleaned_data["clusters"]})
    return wave


@login_required
@require_http_methods(["GET", "POST"])
def wave_create(request):
    access.check_surveys(request.user)
    return editing.edit(
        request,
        WaveForm,
        save=_save_wave,
        success_url=lambda wave: reverse("surveys:wave-detail", args=[wave.pk]),
        cancel_url=reverse("surveys:wave-list"),
        title=_("New wave"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def wave_edit(request, pk):
    wave = access.wave_for(request.user, Wave.objects, pk)
    return editing.edit(
        request,
        WaveForm,
        instance=wave,
        save=_save_wave,
        success_url=reverse("surveys:wave-detail", args=[wave.pk]),
        title=_("Wave %(name)s") % {"name": wave.name},
    )


def _cluster_choices(rows, counts, key) -> list[tuple[str, str]]:
    return [
        (
            r.code,
            f"{r.code} – {r.name} · "
            + (_("%(n)d to mail") % {"n": counts.get(r.code, {}).get(key, 0)}),
        )
        for r in rows
    ]


@login_required
def wave_detail(request, pk):
    wave = access.wave_for(request.user, Wave.objects, pk)
    rows, total = invitations.tracking(wave)
    counts = invitations.mailing_counts(wave)
    slowest = invitations.slowest_first(rows)
    overall = total.started_rate
    send_form = ClustersForm(choices=_cluster_choices(rows, counts, "unsent"))
    remind_form = ClustersForm(
        choices=[
            (
                r.code,
                f"{r.code} – "
                + (
                    _("%(rate)s started, %(n)d to remind")
                    % {
                        "rate": format_percent(r.started_rate, 1),
                        "n": counts.get(r.code, {}).get("to_remind", 0),
                    }
                ),
            )
            for r in slowest
        ],
        initial={
            "clusters": [
                r.code
                for r in slowest
                if overall is not None and r.started_rate is not None and r.started_rate < overall
            ]
        },
    )
    today = timezone.localdate()
    return render(
        request,
        "surveys/wave_detail.html",
        {
            "wave": wave,
            "rows": rows,
            "total": total,
            "is_open": wave.is_open(today),
            "is_closed": wave.is_closed(today),
            "state": badges.wave_state(wave, today),
            "unsent": sum(c["unsent"] for c in counts.values()),
            "to_remind": sum(c["to_remind"] for c in counts.values()),
            "send_form": send_form,
            "remind_form": remind_form,
            "mailings": wave.mailings.select_related("sent_by")[:20],
            "without_email": invitations.without_email(wave)[:200],
            "without_email_count": wave.invitations.filter(email="").count(),
            "uploads": imports.recent_uploads(wave),
        },
    )


@login_required
@require_POST
def wave_generate(request, pk):
    """Invitations for the whole sample: the first POST says how many and for how many
    clusters and writes nothing; the confirmed POST generates them. With nothing to
    make or fill in, there is nothing to confirm."""
    wave = access.wave_for(request.user, Wave.objects, pk)
    plan = None
    if not confirm.confirmed(request) and not wave.is_closed(timezone.localdate()):
        plan = invitations.preview(wave)
    if plan and (plan["created"] or plan["email_filled"]):
        n = plan["created"]
        clusters = ngettext("%(n)s cluster", "%(n)s clusters", plan["clusters"]) % {
            "n": format_number(plan["clusters"])
        }
        return confirm.ask(
            request,
            title=_("Generate invitations"),
            question=ngettext(
                "Make %(n)s new invitation for %(clusters)s?",
                "Make %(n)s new invitations for %(clusters)s?",
                n,
            )
            % {"n": format_number(n), "clusters": clusters},
            details=[
                ngettext(
                    "%(n)s of them has no e-mail address: send it by mail merge.",
                    "%(n)s of them have no e-mail address: send them by mail merge.",
                    plan["no_email"],
                )
                % {"n": format_number(plan["no_email"])},
                ngettext(
                    "%(n)s member company already has an invitation; it is kept.",
                    "%(n)s member companies already have an invitation; they are kept.",
                    plan["existing"],
                )
                % {"n": format_number(plan["existing"])},
                plan["email_filled"]
                and ngettext(
                    "%(n)s e-mail address missing so far is filled in from the member registry.",
                    "%(n)s e-mail addresses missing so far are filled in from the member registry.",
                    plan["email_filled"],
                )
                % {"n": format_number(plan["email_filled"])},
                _("Each invitation gets a personal link; an invitation is not deleted."),
            ],
            button=_("Yes, make the invitations"),
            cancel_url=reverse("surveys:wave-detail", args=[wave.pk]),
            danger=False,
        )
    try:
        counts = invitations.generate(editing.actor(request), wave)
    except ValidationError as exc:
        _messages_for(request, exc)
    else:
        messages.success(
            request,
            _(
                "Invitations: %(created)d new, %(existing)d already there, %(no_email)d new "
                "without an e-mail address."
            )
            % counts,
        )
        if counts.get("email_filled"):
            messages.info(
                request,
                _("%(n)d e-mail addresses filled in from the member registry.")
                % {"n": counts["email_filled"]},
            )
    return redirect("surveys:wave-detail", wave.pk)


def _chosen_clusters(request, wave) -> list[str]:
    codes = [c.code for c in invitations.wave_clusters(wave)]
    form = ClustersForm(request.POST, choices=[(c, c) for c in codes])
    return form.cleaned_data["clusters"] if form.is_valid() else []


def _mailing(request, pk, action, done_message, pending, ask):
    """A mailing (or its record) acts only on a POST that confirms it; the first POST
    shows how many it concerns (`pending(wave, clusters)`, a queryset) and asks."""
    wave = access.wave_for(request.user, Wave.objects, pk)
    clusters = _chosen_clusters(request, wave) or None
    if not confirm.confirmed(request) and not wave.is_closed(timezone.localdate()):
        n = pending(wave, clusters).count()
        if n:
            title, question, button = ask(n)
            return confirm.ask(
                request,
                title=title,
                question=question,
                details=[
                    _("Clusters: %(clusters)s.")
                    % {"clusters": ", ".join(clusters) if clusters else _("all")},
                    _("This cannot be undone."),
                ],
                button=button,
                cancel_url=reverse("surveys:wave-detail", args=[wave.pk]),
                keep=["clusters"],
            )
    try:
        count = action(editing.actor(request), wave, clusters)
    except ValidationError as exc:
        _messages_for(request, exc)
    else:
        messages.success(request, done_message % {"n": count})
    return redirect("surveys:wave-detail", wave.pk)


@login_required
@require_POST
def wave_send(request, pk):
    return _mailing(
        request,
        pk,
        invitations.send,
        _("%(n)d invitations sent."),
        invitations.to_send,
        lambda n: (
            _("Send the invitations"),
            ngettext("Send %(n)s invitation by e-mail?", "Send %(n)s invitations by e-mail?", n)
            % {"n": format_number(n)},
            _("Yes, send them"),
        ),
    )


@login_required
@require_POST
def wave_remind(request, pk):
    return _mailing(
        request,
        pk,
        invitations.remind,
        _("%(n)d reminders sent."),
        invitations.to_remind,
        lambda n: (
            _("Send reminders"),
            ngettext("Send %(n)s reminder by e-mail?", "Send %(n)s reminders by e-mail?", n)
            % {"n": format_number(n)},
            _("Yes, send them"),
        ),
    )


@login_required
@require_POST
def wave_mark_sent(request, pk):
    return _mailing(
        request,
        pk,
        invitations.mark_sent,
        _("%(n)d invitations recorded as sent by mail merge."),
        invitations.unsent,
        lambda n: (
            _("Record as sent by mail merge"),
            ngettext(
                "Record %(n)s invitation as sent by mail merge?",
                "Record %(n)s invitations as sent by mail merge?",
                n,
            )
            % {"n": format_number(n)},
            _("Yes, record them as sent"),
        ),
    )


@login_required
@require_POST
def wave_close(request, pk):
    wave = access.wave_for(request.user, Wave.objects, pk)
    today = timezone.localdate()
    if not confirm.confirmed(request) and not wave.is_closed(today) and wave.opens_on <= today:
        n = invitations.open_links(wave)
        return confirm.ask(
            request,
            title=_("Close %(wave)s now") % {"wave": wave.name},
            question=ngettext(
                "Close the wave now? %(n)s personal link of a questionnaire not completed "
                "stops working at once.",
                "Close the wave now? %(n)s personal links of questionnaires not completed "
                "stop working at once.",
                n,
            )
            % {"n": format_number(n)},
            details=[_("This cannot be undone: a closed wave does not open again.")],
            button=_("Yes, close the wave now"),
            cancel_url=reverse("surveys:wave-detail", args=[wave.pk]),
        )
    try:
        changed = invitations.close(editing.actor(request), wave)
    except ValidationError as exc:
        _messages_for(request, exc)
    else:
        if changed:
            messages.success(request, _("The wave is closed: the links no longer work."))
        else:
            messages.info(request, _("The wave was already closed."))
    return redirect("surveys:wave-detail", wave.pk)


@login_required
def wave_mail_merge_xlsx(request, pk):
    wave = access.wave_for(request.user, Wave.objects, pk)
    return xlsx_response(f"invitations-{wave.pk}.xlsx", [invitations.mail_merge_sheet(wave)])


@login_required
def wave_mail_merge_csv(request, pk):
    """Semicolon-separated UTF-8 with BOM: what Excel in Belgium opens as columns."""
    wave = access.wave_for(request.user, Wave.objects, pk)
    return csv_response(
        f"invitations-{wave.pk}.csv",
        invitations.MAIL_MERGE_HEADERS,
        invitations.mail_merge_rows(wave),
    )


@login_required
def wave_tracking_xlsx(request, pk):
    wave = access.wave_for(request.user, Wave.objects, pk)
    rows, total = invitations.tracking(wave)
    return xlsx_response(f"response-{wave.pk}.xlsx", [invitations.tracking_sheet(rows, total)])


# -- A cluster's own response rate ---------------------------------------------------


@login_required
def cluster_tracking(request, code):
    cluster = access.get_cluster_for_user(
        request.user, Cluster.objects, code, "surveys.view_cluster_results"
    )
    waves = member_waves(Wave.objects.filter(clusters=cluster)).select_related("questionnaire")
    rows = [(wave, invitations.tracking(wave, [cluster.code])[0][0]) for wave in waves]
    return render(
        request,
        "surveys/tracking_cluster.html",
        {
            "cluster": cluster,
            "rows": rows,
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


# -- Imports -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, pk):
    wave = access.wave_for(request.user, Wave.objects, pk)
    clusters = list(invitations.wave_clusters(wave))
    form = ResponseUploadForm(request.POST or None, request.FILES or None, clusters=clusters)
    if request.method == "POST" and form.is_valid():
        read = tabular.read_upload(form)
        if read is not None:
            data, table = read
            upload = form.cleaned_data["file"]
            source = form.cleaned_data["source"] or imports.detect_source(table.headers)
            if not source:
                form.add_error(
                    "source",
                    _("Is this a LimeSurvey or a Kobo export? Its columns do not say: choose."),
                )
            else:
                key = imports.store_upload(
                    wave,
                    data,
                    upload.name,
                    {
                        "source": source,
                        "cluster": form.cleaned_data["cluster"],
                        "uploaded_by": request.user.get_full_name() or request.user.username,
                    },
                    table,
                )
                return redirect("surveys:response-import-detail", wave.pk, key)
    return render(
        request,
        "surveys/import_upload.html",
        {"wave": wave, "form": form, "uploads": imports.recent_uploads(wave)},
    )


def _upload_for(request, pk, key, perm=MANAGE):
    wave = access.wave_for(request.user, Wave.objects, pk, perm)
    try:
        meta, table = imports.read_upload_table(wave, key)
    except (FileNotFoundError, TableError):
        raise Http404 from None
    chosen = None
    if meta.get("cluster"):
        chosen = invitations.wave_clusters(wave, [meta["cluster"]]).first()
        if chosen is None:
            raise Http404
    return wave, meta, table, imports.source_module(meta["source"]), chosen


@login_required
def import_detail(request, pk, key):
    """The preview and dry run; after the commit, its result."""
    wave, meta, table, source, chosen = _upload_for(request, pk, key)
    committed = meta.get("state") == "committed"
    upload = Upload(wave, key, meta, source, chosen)
    result = None if committed else RESPONSES.plan(table, upload, request.user)
    layout = result.layout if result else imports.layout_of(table, wave, source, chosen)
    raw = request.user.has_perm(RAW)
    return render(
        request,
        "imports/import_detail.html",
        {
            "name": meta["name"],
            "source": dict(Response.Source.choices)[source.SOURCE],
            "owner": wave.name,
            "state_label": _("imported") if committed else "",
            "scope": (
                _("every row about %(code)s") % {"code": chosen.code}
                if chosen
                else _("cluster per row")
            ),
            "done_url": RESPONSES.done_url(upload),
            "commit_url": reverse("surveys:response-import-commit", args=[wave.pk, key]),
            "another_url": reverse("surveys:response-import", args=[wave.pk]),
            "parts": RESPONSES.parts,
            "table_class": "data compact",
            "wave": wave,
            "meta": meta,
            "key": key,
            "table": table,
            "chosen": chosen,
            "result": result,
            "layout": layout,
            "shown": result.rows[:SHOWN_ROWS] if result else [],
            "preview": table.rows[:10] if raw else None,
            "show_preview": raw and bool(table.rows),
            "raw": raw,
            "can_commit": result is not None and result.can_commit,
            "committed": committed,
            "committed_note": meta.get("committed_by", ""),
            "report": meta.get("report", {}),
        },
    )


@login_required
@require_POST
def import_commit(request, pk, key):
    wave, meta, table, source, chosen = _upload_for(request, pk, key)
    if meta.get("state") == "committed":
        messages.info(request, _("This file was imported already."))
        return redirect("surveys:response-import-detail", wave.pk, key)
    upload = Upload(wave, key, meta, source, chosen)
    result = RESPONSES.commit(table, upload, editing.actor(request))
    if not result.can_commit:
        for error in result.layout.errors:
            messages.error(request, error)
        return redirect("surveys:response-import-detail", wave.pk, key)
    meta.update(
        state="committed",
        committed_at=timezone.now().isoformat(),
        committed_by=request.user.get_full_name() or request.user.username,
        report={
            "counts": result.counts,
            "rejected": [{"row": o.number, "reason": o.reason} for o in result.rejected],
        },
    )
    imports.write_meta(wave, key, meta)
    messages.success(request, wizard.committed_message(result.counts))
    return redirect("surveys:response-import-detail", wave.pk, key)


@login_required
def import_rejected(request, pk, key):
    """The rejected rows as they were, with a reason column (raw answers: evaluator)."""
    wave, meta, table, source, chosen = _upload_for(request, pk, key, RAW)
    if meta.get("state") == "committed":
        wanted = {r["row"]: r["reason"] for r in meta.get("report", {}).get("rejected", [])}
    else:
        upload = Upload(wave, key, meta, source, chosen)
        wanted = {o.number: o.reason for o in RESPONSES.plan(table, upload, request.user).rejected}
    sheet = wizard.rejected_sheet(table, wanted)
    return xlsx_response(wizard.rejected_filename(meta["name"]), [sheet])
