"""The bank statements of a cluster (docs/user-guide.md, "Bank statements"): its
accounts and statements, the upload of a CODA or camt.053 file, a statement's lines,
and the decision on a line that waits. Views check access and render; the services
write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, Q, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clustermonitor.accounts import access
from clustermonitor.banking import services
from clustermonitor.banking.forms import (
    AssignForm,
    BankAccountForm,
    IgnoreForm,
    StatementUploadForm,
)
from clustermonitor.banking.models import BankAccount, Statement, StatementLine
from clustermonitor.banking.parsers import StatementError
from clustermonitor.billing.models import Invoice
from clustermonitor.core import editing
from clustermonitor.core.imports import registry
from clustermonitor.core.paging import page_of
from clustermonitor.programmes.models import Cluster


def _statements_page(request, cluster, *, upload_form=None, account_form=None, status=200):
    statements = (
        Statement.objects.filter(account__cluster=cluster)
        .select_related("account")
        .annotate(
            waiting=Count("lines", filter=Q(lines__status=StatementLine.Status.UNMATCHED)),
            line_count=Count("lines"),
        )
        .order_by("-date", "-pk")
    )
    waiting = (
        services.lines_waiting(cluster)
        .select_related("statement", "statement__account")
        .order_by("value_date", "pk")
    )
    can_change = request.user.has_perm(access.BANKING_CHANGE, cluster)
    return render(
        request,
        "banking/statements.html",
        {
            "cluster": cluster,
            "accounts": BankAccount.objects.filter(cluster=cluster).order_by("iban"),
            "page": page_of(request, statements),
            "waiting": waiting[:50],
            "waiting_count": waiting.count(),
            "can_change": can_change,
            "upload_form": upload_form or StatementUploadForm(),
            "account_form": account_form or BankAccountForm(),
        },
        status=status,
    )


@login_required
def statements(request, code):
    cluster = access.banking_cluster(request.user, Cluster.objects, code)
    return _statements_page(request, cluster)


@login_required
@require_POST
def account_add(request, code):
    cluster = access.banking_cluster(request.user, Cluster.objects, code, access.BANKING_CHANGE)
    form = BankAccountForm(request.POST, instance=BankAccount(cluster=cluster))
    if form.is_valid():
        account = services.save_account(editing.actor(request), form.save(commit=False))
        messages.success(request, _("Bank account %(iban)s added.") % {"iban": account})
        return redirect("banking:statements", cluster.code)
    return _statements_page(request, cluster, account_form=form, status=400)


@login_required
@require_POST
def statement_import(request, code):
    cluster = access.banking_cluster(request.user, Cluster.objects, code, access.BANKING_CHANGE)
    kind = registry.get("bank-statement")
    form = kind.upload_form(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            result = kind.run(data, upload.name, cluster, editing.actor(request))
        except StatementError as error:
            form.add_error(
                "file", _("Not imported, nothing was written: %(error)s") % {"error": error}
            )
        else:
            counts = result.counts
            messages.success(
                request,
                _(
                    "%(new)d statement(s) imported, %(same)d imported before (unchanged): "
                    "%(matched)d line(s) matched, %(waiting)d waiting for a decision, "
                    "%(outgoing)d outgoing."
                )
                % {
                    "new": len(result.statements),
                    "same": len(result.unchanged),
                    "matched": counts.get("matched", 0),
                    "waiting": counts.get("unmatched", 0),
                    "outgoing": counts.get("outgoing", 0),
                },
            )
            if len(result.statements) == 1:
                return redirect("banking:statement-detail", result.statements[0].pk)
            return redirect("banking:statements", cluster.code)
    return _statements_page(request, cluster, upload_form=form, status=400)


@login_required
def statement_detail(request, pk):
    statement = access.statement_for(request.user, Statement.objects, pk)
    lines = statement.lines.select_related("invoice", "invoice__organisation").order_by("position")
    return render(
        request,
        "banking/statement.html",
        {"statement": statement, "cluster": statement.account.cluster, "lines": lines},
    )


def _open_invoices(cluster):
    return (
        Invoice.objects.filter(
            cluster=cluster, kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED
        )
        .select_related("organisation")
        .order_by("year", "sequence", "pk")
    )


@login_required
def line_detail(request, pk):
    line = access.statement_line_for(request.user, StatementLine.objects, pk)
    cluster = line.statement.account.cluster
    can_decide = (
        request.user.has_perm(access.BANKING_CHANGE, cluster)
        and line.status == StatementLine.Status.UNMATCHED
    )
    return render(
        request,
        "banking/line.html",
        {
            "line": line,
            "cluster": cluster,
            "can_decide": can_decide,
            "assign_form": AssignForm(invoices=_same_amount_first(_open_invoices(cluster), line)),
            "ignore_form": IgnoreForm(),
        },
    )


def _same_amount_first(invoices, line):
    """The invoices of the line's amount first (the likely ones), then the others."""
    return invoices.order_by(
        Case(When(total=line.amount, then=0), default=1), "year", "sequence", "pk"
    )


def _back(line):
    return redirect(reverse("banking:line-detail", args=[line.pk]))


@login_required
@require_POST
def line_assign(request, pk):
    line = access.statement_line_for(request.user, StatementLine.objects, pk, access.BANKING_CHANGE)
    cluster = line.statement.account.cluster
    invoices = _open_invoices(cluster)
    form = AssignForm(request.POST, invoices=invoices)
    if not form.is_valid():
        messages.error(request, _("Choose one of the cluster's open invoices."))
        return _back(line)
    invoice = access.invoice_of_cluster(invoices, cluster, form.cleaned_data["invoice"].pk)
    try:
        services.assign(editing.actor(request), line, invoice)
    except services.DecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Recorded as a payment of invoice %(number)s.") % {"number": invoice}
        )
    return _back(line)


@login_required
@require_POST
def line_ignore(request, pk):
    line = access.statement_line_for(request.user, StatementLine.objects, pk, access.BANKING_CHANGE)
    form = IgnoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm."))
        return _back(line)
    try:
        services.ignore(editing.actor(request), line)
    except services.DecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Marked as not a fee payment."))
    return _back(line)
