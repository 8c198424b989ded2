"""Partnerships made from a suggestion were called "Voorstel: transport en logistiek", a name
that reached the members (invitation subject, mail, their page). They get the name meant for
members: "Transport en logistiek", with a number when the round already has that name."""
from django.db import migrations

PREFIX = "Voorstel: "


def rename(apps, schema_editor):
    Partnerschap = apps.get_model("partnerschappen", "Partnerschap")
    for partnerschap in Partnerschap.objects.filter(naam__startswith=PREFIX).order_by("pk"):
        rest = partnerschap.naam[len(PREFIX):].strip()
        naam = (rest[:1].upper() + rest[1:]) or partnerschap.naam
        taken = set(Partnerschap.objects.filter(ronde_id=partnerschap.ronde_id)
                    .exclude(pk=partnerschap.pk).values_list("naam", flat=True))
        candidate, number = naam, 1
        while candidate in taken:
            number += 1
            candidate = f"{naam} ({number})"
        Partnerschap.objects.filter(pk=partnerschap.pk).update(naam=candidate[:200])


class Migration(migrations.Migration):

    dependencies = [
        ("partnerschappen", "0002_gesprekken"),
    ]

    operations = [
        migrations.RunPython(rename, migrations.RunPython.noop),
    ]
