"""The activities' kind of import (core.imports): an activity's attendee list,
registered in ActivitiesConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clustermonitor.activities import attendee_import
from clustermonitor.activities.forms import AttendeeUploadForm
from clustermonitor.core.imports import registry
from clustermonitor.core.imports.registry import ImportKind


def _activity(batch):
    from clustermonitor.activities.models import Activity

    return Activity.objects.get(pk=batch.options["activity"])


ATTENDEES = ImportKind(
    kind="attendees",
    permission="members.change_members",
    visible="members.view_members",
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


def register_kinds() -> None:
    registry.register(ATTENDEES)
