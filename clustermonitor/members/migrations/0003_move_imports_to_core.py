# ImportBatch and ImportMapping moved to core (core/imports); their tables stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0002_importbatch_options_feeschedule_feetier_contribution_and_more'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ImportBatch'),
                migrations.DeleteModel(name='ImportMapping'),
            ],
            database_operations=[],
        ),
    ]
