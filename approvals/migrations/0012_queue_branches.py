"""Indexes in the order of the lists that read them, one per visibility branch (issue 12)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("approvals", "0011_supervision_rollup")]

    operations = [
        migrations.RemoveIndex(
            model_name='application',
            name='application_creator_status',
        ),
        migrations.RemoveIndex(
            model_name='application',
            name='application_person_status',
        ),
        migrations.RemoveIndex(
            model_name='application',
            name='application_business_status',
        ),
        migrations.RemoveIndex(
            model_name='reviewtask',
            name='task_queue_open',
        ),
        migrations.RemoveIndex(
            model_name='reviewtask',
            name='task_assignee_open',
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['created_by', '-updated_at', '-id'], name='application_creator_recent'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['person', '-updated_at', '-id'], name='application_person_recent'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['business', '-updated_at', '-id'], name='application_business_recent'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(condition=models.Q(('status', 'submitted')), fields=['received_on', 'submitted_at', 'id'], name='application_intake_queue'),
        ),
        migrations.AddIndex(
            model_name='reviewtask',
            index=models.Index(condition=models.Q(('status', 'open')), fields=['department', 'role', 'due_on', 'id'], name='task_queue_open'),
        ),
        migrations.AddIndex(
            model_name='reviewtask',
            index=models.Index(condition=models.Q(('status', 'open')), fields=['assignee', 'due_on', 'id'], name='task_assignee_open'),
        ),
    ]

