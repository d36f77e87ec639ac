# Commitments serve plan items (plans.PlanItem), and the status tallies count them per item.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0008_commitment_outcome"),
        ("organizations", "0004_typed_audit_actions"),
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="commitment",
            name="plan_item",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="commitments",
                to="plans.planitem",
                verbose_name="mục kế hoạch",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("plan_item__isnull", False)),
                fields=["plan_item", "deadline"],
                name="commitment_plan_item_idx",
            ),
        ),
        migrations.CreateModel(
            name="PlanItemTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(max_length=24)),
                ("past", models.BooleanField(default=False)),
                ("n", models.IntegerField()),
                ("plan_item_key", models.BigIntegerField()),
                ("month", models.PositiveIntegerField()),
                ("category", models.CharField(max_length=16)),
                (
                    "organization",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organizations.organization",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["organization", "plan_item_key"], name="plan_tally_org_item_idx")],
            },
        ),
        migrations.CreateModel(
            name="PlanTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(max_length=24)),
                ("past", models.BooleanField(default=False)),
                ("n", models.IntegerField()),
                ("plan_key", models.BigIntegerField()),
                ("period", models.PositiveIntegerField()),
                (
                    "organization",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organizations.organization",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["plan_key", "period", "organization"],
                        include=("status", "past", "n"),
                        name="plan_tally_plan_period_org_idx",
                    )
                ],
            },
        ),
    ]
