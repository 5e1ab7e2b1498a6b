from django.db import migrations


def load(apps, schema_editor):
    from gongzhi.cases.defaults import load_defaults

    load_defaults(
        apps.get_model("cases", "Category"),
        apps.get_model("cases", "CategoryQuestion"),
        apps.get_model("cases", "TimeLimit"),
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
