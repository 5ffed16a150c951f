"""Builders for the billing tests: a cluster's billing settings and members with an
expected contribution."""

import datetime
from decimal import Decimal

from clustermonitor.billing.models import BillingSettings, VatRegime
from clustermonitor.members.models import Contact, Contribution
from tests.factories import enterprise_number, membership, organisation


def billing_settings(cluster, regime=VatRegime.STANDARD, **values) -> BillingSettings:
    number = enterprise_number(900 + cluster.pk)
    defaults = {
        "legal_name": f"{cluster.name} vzw",
        "enterprise_number": number,
        "vat_regime": regime,
        "vat_number": "" if regime == VatRegime.NOT_LIABLE else f"BE{number}",
        "exemption_note": "Vrijgesteld van btw, art. 44 § 2, 12° W.btw."
        if regime == VatRegime.EXEMPT
        else "",
        "iban": "BE48001123456727",
        "bic": "GEBABEBB",
        "street": "Kunstlaan 1",
        "postcode": "1000",
        "city": "Brussel",
        "email": "facturen@cluster.example",
        "payment_term_days": 30,
    }
    defaults.update(values)
    return BillingSettings.objects.create(cluster=cluster, **defaults)


def member_with_fee(i, cluster, year=2026, amount="1000.00", contact=True):
    org = organisation(i, street="Industrieweg", house_number=str(i), city="Gent", postcode="9000")
    member = membership(org, cluster, start=datetime.date(year - 1, 1, 1))
    if contact:
        Contact.objects.create(
            membership=member, name=f"Boekhouding {i}", role="boekhouding", email=f"b{i}@x.example"
        )
    return Contribution.objects.create(membership=member, year=year, amount=Decimal(amount))
