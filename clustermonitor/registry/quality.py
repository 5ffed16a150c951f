"""Data-quality checks on a cluster's members or the whole registry (issue 3 §6)."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from clustermonitor.registry.models import KboImport, Organisation


@dataclass
class Check:
    code: str
    label: str
    help: str
    organisations: list


def _latest_full_import():
    return (
        KboImport.objects.filter(kind=KboImport.Kind.FULL, state=KboImport.State.DONE)
        .exclude(extract_date=None)
        .order_by("-extract_date")
        .first()
    )


def checks(organisations) -> list[Check]:
    """The problems among `organisations` (a queryset), each with the organisations it
    concerns. Five queries whatever the size of the registry."""
    base = organisations.select_related("municipality").order_by("name")
    latest = _latest_full_import()
    unknown_in_kbo = []
    if latest is not None:
        unknown_in_kbo = list(
            base.exclude(enterprise_number=None).filter(
                Q(kbo_seen_at__isnull=True) | Q(kbo_seen_at__lt=latest.extract_date)
            )
        )
    # Count organisations, not the rows of a join the caller's queryset may carry (an
    # organisation with two memberships is not a duplicate of itself).
    groups = (
        Organisation.objects.filter(pk__in=organisations.values("pk"))
        .annotate(lname=Lower("name"))
        .values("lname", "postcode")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    duplicate_keys = {(g["lname"], g["postcode"]) for g in groups}
    duplicates = []
    if duplicate_keys:
        names = {k[0] for k in duplicate_keys}
        duplicates = [
            o
            for o in base.annotate(lname=Lower("name")).filter(lname__in=names)
            if (o.name.lower(), o.postcode) in duplicate_keys
        ]
    return [
        Check(
            "missing_number",
            _("Without enterprise number"),
            _("Belgian organisations need one; foreign ones and persons are flagged as such."),
            list(
                base.filter(enterprise_number=None).exclude(
                    no_number_reason__in=[
                        Organisation.NoNumber.FOREIGN,
                        Organisation.NoNumber.PERSON,
                    ]
                )
            ),
        ),
        Check(
            "unknown_in_kbo",
            _("Not found in the latest KBO import"),
            _("The number was not in the latest full extract: mistyped, or struck off."),
            unknown_in_kbo,
        ),
        Check(
            "ceased",
            _("Ceased enterprises"),
            _("The KBO lists them as stopped; end their memberships or correct the number."),
            list(base.filter(status=Organisation.Status.CEASED)),
        ),
        Check(
            "duplicates",
            _("Likely duplicates"),
            _("The same name and postcode more than once: merge or correct them."),
            duplicates,
        ),
        Check(
            "no_address",
            _("Without an address"),
            _(
                "No postcode or no municipality for a Belgian address: they are missing from "
                "the map."
            ),
            list(base.filter(Q(postcode="") | Q(country="BE", municipality__isnull=True))),
        ),
    ]
