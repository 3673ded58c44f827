"""The city's indicator framework (UNESCO's 3 groups and 12 areas), from indicators/data.

Running this again (a migration rolled back and re-applied) only adds what is missing, and never
changes a group, area, indicator or target the Department edited.
"""

import json
from pathlib import Path

from django.db import migrations

FRAMEWORK_FILE = Path(__file__).resolve().parent.parent / "data" / "framework.json"


def load(apps, schema_editor):
    Framework = apps.get_model("indicators", "Framework")
    IndicatorGroup = apps.get_model("indicators", "IndicatorGroup")
    Area = apps.get_model("indicators", "Area")
    Indicator = apps.get_model("indicators", "Indicator")
    Target = apps.get_model("indicators", "Target")
    data = json.loads(FRAMEWORK_FILE.read_text(encoding="utf-8"))
    framework, _ = Framework.objects.get_or_create(
        name=data["name"], version=data["version"], defaults={"is_current": True}
    )
    for g_order, group_data in enumerate(data["groups"], start=1):
        group, _ = IndicatorGroup.objects.get_or_create(
            framework=framework,
            code=group_data["code"],
            defaults={"name": group_data["name"], "name_en": group_data["name_en"], "order": g_order},
        )
        for a_order, area_data in enumerate(group_data["areas"], start=1):
            area, _ = Area.objects.get_or_create(
                group=group,
                code=area_data["code"],
                defaults={"name": area_data["name"], "name_en": area_data["name_en"], "order": a_order},
            )
            for i_order, item in enumerate(area_data["indicators"], start=1):
                indicator, _ = Indicator.objects.get_or_create(
                    area=area,
                    code=item["code"],
                    defaults={
                        "name": item["name"],
                        "name_en": item["name_en"],
                        "unit": item["unit"],
                        "aggregation": item["aggregation"],
                        "denominator_label": item.get("denominator_label", ""),
                        "computed": item.get("computed", ""),
                        "target_source": item.get("target_source", ""),
                        "order": i_order,
                    },
                )
                for year, value in item.get("targets", {}).items():
                    Target.objects.get_or_create(
                        indicator=indicator, year=int(year), defaults={"value": value}
                    )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
