from django.db import migrations


class Migration(migrations.Migration):
    """Drop the columns that copied e-mail addresses and names into the trail."""

    dependencies = [("audit", "0003_move_copied_addresses")]

    operations = [
        migrations.RemoveField(model_name="auditevent", name="actor_email"),
        migrations.RemoveField(model_name="auditevent", name="target_repr"),
    ]
