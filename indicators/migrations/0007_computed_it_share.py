"""The share of community learning centres using IT is computed from the centres' reports, as
the centres' roll-up counts it, instead of being entered by the districts; and the stored city
figures keep the sums of entered indicators only (computed ones are read from the registers).

Approved values of the indicator stay in their submissions; they no longer make the city value.
"""

from django.db import migrations

IT_SHARE = "BB4.1"
COMPUTED = (
    "committee_set_up",
    "plan_issued",
    "interim_review_held",
    "clc_centres",
    "clc_model_centres",
    "clc_reports",
    "clc_it",
    "dossiers_received",
    "dossiers_awarded",
)


def forward(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    CityFigure = apps.get_model("indicators", "CityFigure")
    Indicator.objects.filter(
        area__group__framework__is_current=True,
        code=IT_SHARE,
        unit="percent",
        aggregation="weighted_mean",
        computed="",
    ).update(computed="clc_it")
    CityFigure.objects.filter(indicator__computed__in=COMPUTED).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_min_coverage")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
