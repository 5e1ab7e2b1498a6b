"""Database triggers that refuse UPDATE of audit rows, and DELETE of rows younger than 180 days.

The application never updates or deletes audit rows (the model and queryset refuse too); the
triggers make the database itself refuse, so a stray SQL statement cannot rewrite history.
"""

from django.db import migrations


def up(apps, schema_editor):
    from gongzhi.core import db_guards

    db_guards.install(schema_editor.connection)


def down(apps, schema_editor):
    from gongzhi.core import db_guards

    db_guards.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(up, down)]
