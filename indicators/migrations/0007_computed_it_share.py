"""The share of community learning centres using IT is computed from the centres' reports, as
the centres' roll-up counts it, instead of being entered by the districts; and the stored city
figures keep the sums of entered indicators only (computed ones are read from the registers).

Approved values of the indicator stay in their submissions; they no longer make the city value.
"""

import importlib

from django.db import migrations

# The city figures' first filling, which the way back runs again.
add_up_approved_values = importlib.import_module(
    "indicators.migrations.0005_city_figures"
).add_up_approved_values

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


def backward(apps, schema_editor):
    """The share entered again, and every city figure added up from approved values, as the
    code before this migration reads them."""
    Indicator = apps.get_model("indicators", "Indicator")
    Indicator.objects.filter(code=IT_SHARE, computed="clc_it").update(computed="")
    add_up_approved_values(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_min_coverage")]
    operations = [migrations.RunPython(forward, backward)]
