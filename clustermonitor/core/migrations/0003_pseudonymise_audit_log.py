# Entries written before a model's personal fields were pseudonymised still hold contact
# names, e-mail addresses and phones in clear (and the mailings' entries an unkeyed
# digest): rewrite them to the keyed pseudonym the current code writes
# (core.audit_backfill; `clustermonitor pseudonymise_audit` runs the same). Idempotent; the
# audit log is not hash-chained, so no chain is to be kept.

from django.db import migrations


def pseudonymise(apps, schema_editor):
    from clustermonitor.core.audit_backfill import pseudonymise_entries

    pseudonymise_entries(
        apps.get_model('core', 'AuditEntry'),
        apps.get_model('contenttypes', 'ContentType'),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0002_importbatch_importmapping'),
    ]

    # Clear values cannot be put back: going back leaves the pseudonyms.
    operations = [migrations.RunPython(pseudonymise, migrations.RunPython.noop)]
