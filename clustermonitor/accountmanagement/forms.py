"""Forms of issue 6: account management."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.accountmanagement.models import (
    AttentionPoint,
    LearningSession,
    SteeringGroupMeeting,
)
from clustermonitor.accounts.models import Role, User
from clustermonitor.core.fields import RecordsField
from clustermonitor.programmes.forms import DATE, ParentBoundForm
from clustermonitor.programmes.models import Cluster


def _person(user) -> str:
    return user.get_full_name() or user.username


def agency_users():
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=[Role.PROGRAMME_MANAGER, Role.ACCOUNT_MANAGER],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class AttentionPointForm(ParentBoundForm):
    parent_field = "cluster"

    class Meta:
        model = AttentionPoint
        fields = ["title", "detail", "follow_up_on", "owner"]
        widgets = {"follow_up_on": DATE, "detail": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, cluster: Cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        self.fields["owner"].queryset = agency_users()
        self.fields["owner"].label_from_instance = _person


class ReopenForm(forms.Form):
    follow_up_on = forms.DateField(label=_("follow up on"), widget=DATE)


class SteeringMeetingForm(ParentBoundForm):
    parent_field = "cluster"

    class Meta:
        model = SteeringGroupMeeting
        fields = ["date", "attended_by", "notes"]
        widgets = {
            "date": DATE,
            "attended_by": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"attended_by": RecordsField}

    def __init__(self, *args, cluster: Cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        self.fields["attended_by"].queryset = agency_users()
        self.fields["attended_by"].label_from_instance = _person
        if not self.instance.pk:
            self.initial.setdefault("date", datetime.date.today())


class LearningSessionForm(ParentBoundForm):
    class Meta:
        model = LearningSession
        fields = ["date", "title", "topic", "attendees", "note"]
        widgets = {
            "date": DATE,
            "attendees": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"attendees": RecordsField}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["attendees"].queryset = Cluster.objects.filter(programme=programme).order_by(
            "code"
        )
