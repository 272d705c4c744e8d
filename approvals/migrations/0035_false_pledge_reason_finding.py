"""A licence revoked for a false pledge keeps the finding alone as its reason (issue 17): the words
"false pledge found at verification" are rendered in each reader's language where the reason is
shown, the false commitment saying so. Licences revoked before stored those words in the language
of the official who verified; they go, from the licence and its revoked certificates. Data only;
no field changes."""

from django.db import migrations


def keep_the_finding(apps, schema_editor):
    Commitment = apps.get_model("approvals", "Commitment")
    Licence = apps.get_model("approvals", "Licence")
    Document = apps.get_model("approvals", "Document")
    false = Commitment.objects.filter(status="false", licence__isnull=False).exclude(finding="")
    for licence_id, finding in false.values_list("licence_id", "finding").iterator():
        # Only a reason made of the finding with words before it (a pledge found false is the
        # revocation of a valid licence, so nothing else ended it).
        stored = {"status": "revoked", "status_reason__endswith": finding}
        Licence.objects.filter(pk=licence_id, **stored).update(status_reason=finding)
        Document.objects.filter(licence_id=licence_id, **stored).update(status_reason=finding)


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0034_sla_light_derived"),
    ]

    operations = [
        migrations.RunPython(keep_the_finding, migrations.RunPython.noop),
    ]
