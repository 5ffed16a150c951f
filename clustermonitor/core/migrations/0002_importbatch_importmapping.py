# ImportBatch and ImportMapping moved here from members (core/imports): the state only,
# their tables (members_importbatch, members_importmapping) stay as they are. The
# content types follow, so that audit entries about them keep pointing at them.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ('importbatch', 'importmapping')


def move_content_types(apps, schema_editor, source='members', target='core'):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    AuditEntry = apps.get_model('core', 'AuditEntry')
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue  # a fresh database: post_migrate creates the new one
        new = ContentType.objects.using(db).filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=['app_label'])
            continue
        AuditEntry.objects.using(db).filter(content_type=old).update(content_type=new)
        old.delete()


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source='core', target='members')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0001_initial'),
        ('members', '0003_move_imports_to_core'),
        ('programmes', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(default='members', max_length=30)),
                        ('file', models.FileField(upload_to='imports/%Y/%m/')),
                        ('original_name', models.CharField(max_length=255, verbose_name='file')),
                        ('sha256', models.CharField(max_length=64)),
                        ('mapping', models.JSONField(default=dict)),
                        ('full_list', models.BooleanField(default=False, help_text='Members missing from a full list are proposed for an end date.', verbose_name='this is the full member list')),
                        ('reference_date', models.DateField(verbose_name='member from (when the file gives no date)')),
                        ('options', models.JSONField(blank=True, default=dict)),
                        ('state', models.CharField(choices=[('uploaded', 'uploaded'), ('checked', 'checked (dry run)'), ('committed', 'imported'), ('cancelled', 'cancelled')], default='uploaded', max_length=10)),
                        ('report', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('committed_at', models.DateTimeField(blank=True, null=True)),
                        ('cluster', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programmes.cluster')),
                        ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'members_importbatch',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportMapping',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=30)),
                        ('mapping', models.JSONField(default=dict)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('cluster', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programmes.cluster')),
                    ],
                    options={
                        'db_table': 'members_importmapping',
                        'constraints': [models.UniqueConstraint(fields=('cluster', 'kind'), name='unique_import_mapping')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
