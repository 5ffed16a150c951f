"""The members' kinds of import (core.imports): member lists and contributions,
registered in MembersConfig.ready(). The wizard of core.imports serves them; what is
the members' own is here: the fields, the plan and commit, the end dates a full list
proposes (members/_import_*.html parts of the one import page)."""

import datetime

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clustermonitor.core.imports import registry
from clustermonitor.core.imports.registry import ImportKind
from clustermonitor.members import contribution_import, importing
from clustermonitor.members.forms import FIELD_LABELS, EndMembershipsForm, UploadForm
from clustermonitor.members.models import Membership

CHANGE = "members.change_members"
VIEW = "members.view_members"


class ContributionUploadForm(UploadForm):
    reference_date = forms.DateField(widget=forms.HiddenInput, required=False)
    full_list = None
    year = forms.IntegerField(
        label=_("year (when the file gives none)"),
        min_value=1990,
        max_value=2100,
        initial=lambda: datetime.date.today().year,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("payments or contributions")

    def clean_reference_date(self):
        return datetime.date.today()


KINDS = {
    "members": ImportKind(
        kind="members",
        permission=CHANGE,
        visible=VIEW,
        title=_("Import a member list"),
        labels=FIELD_LABELS,
        upload_form=UploadForm,
        suggest=importing.suggest_mapping,
        plan=lambda table, b, user: importing.plan(
            table, b.cluster, b.mapping, reference_date=b.reference_date, full_list=b.full_list
        ),
        commit=lambda table, b, actor: importing.commit(
            table,
            b.cluster,
            b.mapping,
            actor=actor,
            reference_date=b.reference_date,
            full_list=b.full_list,
        ),
        done_url=lambda b: reverse("members:member-list", args=[b.cluster.code]),
        required_any=("enterprise_number", "name"),
        scope=lambda b: _("full member list") if b.full_list else "",
        parts={"dry_run": "members/_import_missing.html", "committed": "members/_import_end.html"},
        extra_context=lambda b, committed: {"end_form": end_form(b) if committed else None},
    ),
    "contributions": ImportKind(
        kind="contributions",
        permission=CHANGE,
        visible=VIEW,
        title=_("Import contributions"),
        labels=contribution_import.LABELS,
        upload_form=ContributionUploadForm,
        suggest=contribution_import.suggest_mapping,
        plan=lambda table, b, user: contribution_import.plan(
            table, b.cluster, b.mapping, year=b.options.get("year"), user=user
        ),
        commit=lambda table, b, actor: contribution_import.commit(
            table, b.cluster, b.mapping, actor=actor, year=b.options.get("year")
        ),
        done_url=lambda b: (
            reverse("members:contribution-list", args=[b.cluster.code])
            + f"?year={b.options.get('year') or ''}"
        ),
        required_any=("enterprise_number", "name"),
    ),
}


def end_form(batch, data=None):
    """After a full member list: the members it lacks, to confirm their end date."""
    ids = batch.report.get("missing", []) if batch.report else []
    candidates = Membership.objects.filter(
        pk__in=ids, cluster=batch.cluster, end_date__isnull=True
    ).select_related("organisation")
    if not candidates.exists():
        return None
    return EndMembershipsForm(
        data, candidates=candidates, initial={"memberships": list(candidates)}
    )


def register_kinds() -> None:
    for kind in KINDS.values():
        registry.register(kind)
