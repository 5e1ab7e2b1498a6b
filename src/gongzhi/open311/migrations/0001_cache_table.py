"""The database cache's table (CACHES["default"] is a DatabaseCache unless REDIS_URL is set):
created here so `gongzhi migrate` is all an operator runs. Rate limits live there."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
