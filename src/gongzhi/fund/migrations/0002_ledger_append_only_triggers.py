"""Database triggers that refuse UPDATE and DELETE of ledger entries and lines: a correction is a
reversing entry, and a stray SQL statement cannot rewrite a fund's history."""

from django.db import migrations


def up(apps, schema_editor):
    from gongzhi.fund import db_guards

    db_guards.install(schema_editor.connection)


def down(apps, schema_editor):
    from gongzhi.fund import db_guards

    db_guards.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("fund", "0001_initial")]

    operations = [migrations.RunPython(up, down)]
