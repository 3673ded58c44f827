"""Indicators computed from the community learning centres and the award dossiers, added when
the clc and awards apps landed.

Adding indicators is not a breaking change for approved submissions: their values keep their
meaning, they simply have none for the new indicators.
"""

from django.db import migrations

NEW = [
    ("BB2", "BB2.4", "Số trung tâm học tập cộng đồng", "Community learning centres", "count",
     "sum", "", "clc_centres"),
    ("BB2", "BB2.5", "Số trung tâm học tập cộng đồng điểm", "Model community learning centres",
     "count", "sum", "", "clc_model_centres"),
    ("BB2", "BB2.6", "Tỷ lệ trung tâm học tập cộng đồng có báo cáo hoạt động năm được chấp nhận",
     "Community learning centres whose yearly report is accepted", "percent", "weighted_mean",
     "Tổng số trung tâm học tập cộng đồng", "clc_reports"),
    ("BB6", "BB6.3", "Số hồ sơ đề nghị khen thưởng được tiếp nhận trong đợt thi đua của năm",
     "Award nomination dossiers received in the year's round", "count", "sum", "",
     "dossiers_received"),
    ("BB6", "BB6.4", "Số hồ sơ được khen thưởng trong đợt thi đua của năm",
     "Award nomination dossiers granted in the year's round", "count", "sum", "",
     "dossiers_awarded"),
]


def add(apps, schema_editor):
    Framework = apps.get_model("indicators", "Framework")
    Area = apps.get_model("indicators", "Area")
    Indicator = apps.get_model("indicators", "Indicator")
    framework = Framework.objects.filter(is_current=True).first()
    if framework is None:
        return
    for area_code, code, name, name_en, unit, aggregation, denominator, computed in NEW:
        area = Area.objects.filter(group__framework=framework, code=area_code).first()
        if area is None:  # removed by the Department since
            continue
        order = Indicator.objects.filter(area=area).count() + 1
        Indicator.objects.get_or_create(
            area=area,
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "unit": unit,
                "aggregation": aggregation,
                "denominator_label": denominator,
                "computed": computed,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_load_framework")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
