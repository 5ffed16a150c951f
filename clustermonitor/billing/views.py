"""A cluster's invoices (issue 18): the list (filtered by status and year, exported as
csv/xlsx), generating drafts from the expected contributions, issuing, crediting,
sending (after validating the Peppol document), reminders, the PDF and the UBL document,
and the cluster's billing settings. Read as the contributions are (the agency, the
evaluators, the cluster's own manager); changed by the cluster's manager and the
programme manager."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.billing import invoicing, pdf
from clustermonitor.billing.forms import BillingSettingsForm
from clustermonitor.billing.models import BillingSettings, Invoice, Reminder
from clustermonitor.core import confirm, editing
from clustermonitor.core.exporters import Sheet, csv_response, xlsx_response
from clustermonitor.core.paging import page_of
from clustermonitor.core.templatetags.format import format_money, format_number
from clustermonitor.programmes.models import Cluster

CHANGE = "members.change_members"


def _year(request, default=None):
    text = request.GET.get("year", "")
    if text.isdigit() and 1990 <= int(text) <= 2100:
        return int(text)
    return default


def _filtered(cluster, request):
    status = request.GET.get("status", "")
    if status not in Invoice.Status.values:
        status = ""
    year = _year(request)
    invoices = (
        Invoice.objects.filter(cluster=cluster)
        .select_related("organisation", "credited_invoice")
        .prefetch_related(Prefetch("reminders", queryset=Reminder.objects.order_by("level")))
        .annotate(line_count=Count("lines"))
        .order_by("-year", "kind", "-sequence", "-pk")
    )
    if status:
        invoices = invoices.filter(status=status)
    if year:
        invoices = invoices.filter(year=year)
    return invoices, {"status": status, "year": year}


def _export_rows(invoices):
    headers = [
        _("Number"),
        _("Kind"),
        _("Buyer"),
        _("Enterprise number"),
        _("Year"),
        _("Issued on"),
        _("Due on"),
        _("Structured communication"),
        _("Total excl. VAT"),
        _("VAT"),
        _("Total incl. VAT"),
        _("Status"),
        _("Paid on"),
        _("Sent on"),
        _("Reminders"),
    ]
    rows = [
        [
            i.number or _("draft"),
            i.get_kind_display(),
            i.organisation.name,
            i.organisation.enterprise_number_display,
            i.year,
            i.issued_on,
            i.due_on,
            i.reference_display,
            i.net_total,
            i.vat_total,
            i.total,
            i.get_status_display(),
            i.paid_on,
            i.sent_on,
            len(i.reminders.all()),
        ]
        for i in invoices
    ]
    return headers, rows


@login_required
def invoice_list(request, code):
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code)
    invoices, params = _filtered(cluster, request)
    export = request.GET.get("format", "")
    if export in ("csv", "xlsx"):
        headers, rows = _export_rows(invoices)
        name = f"invoices-{cluster.code}{'-' + str(params['year']) if params['year'] else ''}"
        if export == "csv":
            return csv_response(f"{name}.csv", headers, rows)
        return xlsx_response(
            f"{name}.xlsx",
            [
                Sheet(
                    _("Invoices"), headers, rows, number_formats={5: "dd/mm/yyyy", 6: "dd/mm/yyyy"}
                )
            ],
        )
    page = page_of(request, invoices)
    today = datetime.date.today()
    default_year = params["year"] or today.year
    return render(
        request,
        "billing/invoice_list.html",
        {
            "cluster": cluster,
            "page": page,
            "invoices": page.object_list,
            "params": params,
            "statuses": [("", _("all")), *Invoice.Status.choices],
            "years": range(cluster.start_date.year, max(cluster.end_date.year, today.year) + 1),
            "generate_year": default_year,
            "invoiceable": invoicing.invoiceable(cluster, default_year).count(),
            "has_settings": BillingSettings.objects.filter(cluster=cluster).exists(),
            "can_change": request.user.has_perm(CHANGE, cluster),
            "today": today,
        },
    )


def _back(code, year=None):
    url = reverse("billing:invoice-list", args=[code])
    return f"{url}?year={year}" if year else url


@login_required
@require_POST
def invoices_generate(request, code):
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code, CHANGE)
    year = _year(request, datetime.date.today().year)
    back = _back(code, year)
    if not confirm.confirmed(request):
        contributions = list(invoicing.invoiceable(cluster, year))
        payers = {c.paying_organisation_id for c in contributions}
        return confirm.ask(
            request,
            title=_("Generate invoices"),
            question=ngettext(
                "Generate %(n)s draft invoice for %(year)s?",
                "Generate %(n)s draft invoices for %(year)s?",
                len(payers),
            )
            % {"n": format_number(len(payers)), "year": year},
            details=[
                ngettext(
                    "From %(n)s expected contribution not invoiced yet.",
                    "From %(n)s expected contributions not invoiced yet.",
                    len(contributions),
                )
                % {"n": format_number(len(contributions))},
                _("Drafts get their number when they are issued."),
            ],
            button=_("Yes, generate them"),
            cancel_url=back,
            danger=False,
        )
    try:
        drafts = invoicing.generate(editing.actor(request), cluster, year)
    except invoicing.BillingError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(
        request,
        ngettext("%(n)d draft invoice generated.", "%(n)d draft invoices generated.", len(drafts))
        % {"n": len(drafts)},
    )
    return redirect(f"{back}&status=draft")


@login_required
@require_POST
def invoices_remind(request, code):
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code, CHANGE)
    today = datetime.date.today()
    due = [i for i in invoicing.overdue(today, cluster) if invoicing.reminder_due(i, today)]
    back = _back(code)
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=_("Send reminders"),
            question=ngettext(
                "Send %(n)s reminder by e-mail?", "Send %(n)s reminders by e-mail?", len(due)
            )
            % {"n": format_number(len(due))},
            details=[_("Each invoice gets a first, then a second reminder, each once.")],
            button=_("Yes, send them"),
            cancel_url=back,
        )
    counts = invoicing.send_reminders(editing.actor(request), today, cluster)
    messages.success(
        request,
        _("Reminders sent: %(first)d first, %(second)d second.") % counts,
    )
    if counts["no_contact"]:
        messages.warning(
            request,
            ngettext(
                "%(n)d overdue invoice has no contact with an e-mail address.",
                "%(n)d overdue invoices have no contact with an e-mail address.",
                counts["no_contact"],
            )
            % {"n": counts["no_contact"]},
        )
    return redirect(back)


@login_required
def invoice_detail(request, pk):
    invoice = access.invoice_for(request.user, Invoice.objects, pk)
    today = datetime.date.today()
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "cluster": invoice.cluster,
            "lines": invoice.lines.select_related("contribution__membership__organisation"),
            "payments": invoice.payments.all(),
            "reminders": invoice.reminders.all(),
            "credit_notes": invoice.credit_notes.all(),
            "errors": [f for f in invoice.findings if f.get("flag") == "fatal"],
            "warnings": [f for f in invoice.findings if f.get("flag") != "fatal"],
            "reminder_due": invoicing.reminder_due(invoice, today),
            "can_change": request.user.has_perm(CHANGE, invoice.cluster),
        },
    )


def _act(request, pk, *, title, question, button, action, done, danger=True):
    invoice = access.invoice_for(request.user, Invoice.objects, pk, CHANGE)
    back = reverse("billing:invoice-detail", args=[invoice.pk])
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=title,
            question=question
            % {
                "invoice": invoice.number or _("draft"),
                "total": format_money(invoice.total),
                "buyer": invoice.organisation.name,
            },
            button=button,
            cancel_url=back,
            danger=danger,
        )
    try:
        result = action(editing.actor(request), invoice)
    except invoicing.BillingError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return done(result, back)


@login_required
@require_POST
def invoice_issue(request, pk):
    def done(invoice, back):
        messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})
        return redirect(back)

    return _act(
        request,
        pk,
        title=_("Issue the invoice"),
        question=_(
            "Issue the invoice to %(buyer)s for %(total)s? It gets the next number "
            "and can then only be credited."
        ),
        button=_("Yes, issue it"),
        action=invoicing.issue,
        done=done,
        danger=False,
    )


@login_required
@require_POST
def invoice_cancel(request, pk):
    def done(invoice, back):
        messages.success(request, _("The draft is cancelled."))
        return redirect(back)

    return _act(
        request,
        pk,
        title=_("Cancel the draft"),
        question=_(
            "Cancel this draft invoice to %(buyer)s? Its contributions can be invoiced again."
        ),
        button=_("Yes, cancel it"),
        action=invoicing.cancel_draft,
        done=done,
    )


@login_required
@require_POST
def invoice_credit(request, pk):
    def done(note, back):
        messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
        return redirect(reverse("billing:invoice-detail", args=[note.pk]))

    return _act(
        request,
        pk,
        title=_("Credit the invoice"),
        question=_(
            "Credit invoice %(invoice)s to %(buyer)s in full (%(total)s)? "
            "Its contributions become expected again."
        ),
        button=_("Yes, credit it"),
        action=invoicing.credit,
        done=done,
    )


@login_required
@require_POST
def invoice_send(request, pk):
    def done(report, back):
        if report.is_valid:
            messages.success(request, _("Sent by e-mail with its PDF and its Peppol document."))
        else:
            messages.error(
                request,
                ngettext(
                    "Not sent: the Peppol document fails %(n)d rule (listed below).",
                    "Not sent: the Peppol document fails %(n)d rules (listed below).",
                    len(report.errors),
                )
                % {"n": len(report.errors)},
            )
        return redirect(back)

    return _act(
        request,
        pk,
        title=_("Send the invoice"),
        question=_(
            "Send %(invoice)s to the billing contact of %(buyer)s, "
            "after checking its Peppol document?"
        ),
        button=_("Yes, send it"),
        action=invoicing.send,
        done=done,
        danger=False,
    )


@login_required
@require_POST
def invoice_remind(request, pk):
    def done(reminder, back):
        if reminder is None:
            messages.info(request, _("No reminder is due for this invoice."))
        else:
            messages.success(
                request, _("%(level)s sent.") % {"level": reminder.get_level_display().capitalize()}
            )
        return redirect(back)

    return _act(
        request,
        pk,
        title=_("Send a reminder"),
        question=_("Remind %(buyer)s of invoice %(invoice)s (%(total)s)?"),
        button=_("Yes, send it"),
        action=invoicing.remind,
        done=done,
    )


@login_required
def invoice_pdf(request, pk):
    invoice = access.invoice_for(request.user, Invoice.objects, pk)
    if invoice.status == Invoice.Status.DRAFT:
        messages.error(request, _("A draft has no PDF: issue it first."))
        return redirect("billing:invoice-detail", pk=invoice.pk)
    response = HttpResponse(pdf.render(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response


@login_required
def invoice_ubl(request, pk):
    """The Peppol BIS Billing 3.0 document, to upload to an access point; a document
    that fails validation is not handed out (its page lists the failed rules)."""
    invoice = access.invoice_for(request.user, Invoice.objects, pk)
    if invoice.status == Invoice.Status.DRAFT:
        messages.error(request, _("A draft has no UBL document: issue it first."))
        return redirect("billing:invoice-detail", pk=invoice.pk)
    document = invoicing.ubl_document(invoice)
    report = invoicing.validate(editing.actor(request), invoice)
    if not report.is_valid:
        messages.error(request, _("The Peppol document fails validation: see the rules below."))
        return redirect("billing:invoice-detail", pk=invoice.pk)
    response = HttpResponse(document, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.xml"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def billing_settings(request, code):
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code, CHANGE)
    instance = BillingSettings.objects.filter(cluster=cluster).first() or BillingSettings(
        cluster=cluster, legal_name=cluster.executing_organisation or cluster.name
    )
    form = BillingSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        editing.save_form(editing.actor(request), form)
        messages.success(request, _("Billing settings saved."))
        return redirect("billing:invoice-list", code=cluster.code)
    return render(request, "billing/settings.html", {"cluster": cluster, "form": form})
