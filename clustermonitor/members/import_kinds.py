"""The kinds of file import that share one experience (upload, preview, column mapping
remembered per cluster, dry run with a verdict per row, one-transaction commit,
rejected rows as .xlsx): member lists, contributions, and later attendee lists and
collaborations. The views in members/views.py serve them all."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clustermonitor.members import contribution_import, importing
from clustermonitor.members.forms import FIELD_LABELS, UploadForm


@dataclass(frozen=True)
class ImportKind:
    kind: str
    title: str
    labels: dict
    upload_form: type[forms.Form]
    suggest: Callable  # (table, remembered mapping) -> mapping
    plan: Callable  # (table, batch, user) -> plan with .rows, .counts, .rejected, .missing
    commit: Callable  # (table, batch, actor) -> plan
    done_url: Callable  # (batch) -> where the user goes afterwards
    required_any: tuple[str, ...]  # at least one of these fields must be mapped

    def options(self, cleaned_data: dict) -> dict:
        return {
            k: v
            for k, v in cleaned_data.items()
            if k not in ("file", "reference_date", "full_list")
        }


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


def _activity(batch):
    from clustermonitor.activities.models import Activity

    return Activity.objects.get(pk=batch.options["activity"])


def _attendee_kind() -> ImportKind:
    from clustermonitor.activities import attendee_import
    from clustermonitor.activities.forms import AttendeeUploadForm

    return ImportKind(
        kind="attendees",
        title=_("Import an attendee list"),
        labels=attendee_import.LABELS,
        upload_form=AttendeeUploadForm,
        suggest=attendee_import.suggest_mapping,
        plan=lambda table, b, user: attendee_import.plan(table, _activity(b), b.mapping, user=user),
        commit=lambda table, b, actor: attendee_import.commit(
            table, _activity(b), b.mapping, actor=actor
        ),
        done_url=lambda b: reverse("activities:activity-detail", args=[b.options["activity"]]),
        required_any=("enterprise_number", "organisation", "name"),
    )


KINDS = {
    "members": ImportKind(
        kind="members",
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
    ),
    "contributions": ImportKind(
        kind="contributions",
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
KINDS["attendees"] = _attendee_kind()


def _collaboration_kind() -> ImportKind:
    from clustermonitor.collaborations import importing as collaboration_import
    from clustermonitor.collaborations.forms import CollaborationUploadForm

    return ImportKind(
        kind="collaborations",
        title=_("Import a list of collaborations"),
        labels=collaboration_import.LABELS,
        upload_form=CollaborationUploadForm,
        suggest=collaboration_import.suggest_mapping,
        plan=lambda table, b, user: collaboration_import.plan(
            table, b.cluster, b.mapping, user=user
        ),
        commit=lambda table, b, actor: collaboration_import.commit(
            table, b.cluster, b.mapping, actor=actor
        ),
        done_url=lambda b: reverse("collaborations:collaboration-list", args=[b.cluster.code]),
        required_any=("title",),
    )


KINDS["collaborations"] = _collaboration_kind()
