"""Reference data the awards app starts with: the emulation movement, the forms of commendation
the city uses for it, and the fields of activity. All of it is maintained in the admin after:
running this again (a migration rolled back and re-applied) only adds what is missing, and never
changes a row the Department edited."""

import datetime

from django.db import migrations

LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
IN_FORCE = datetime.date(2024, 1, 1)  # the Law's entry into force

MOVEMENT = {
    "name": "Cả nước thi đua xây dựng xã hội học tập, đẩy mạnh học tập suốt đời giai đoạn "
    "2023-2030",
    # Launched by the Prime Minister, chairman of the Central Emulation and Commendation Council,
    # on 10/06/2023; its implementation plan is Quyết định 1315/QĐ-TTg.
    "launched_by": "Thủ tướng Chính phủ",
    "launched_on": datetime.date(2023, 6, 10),
    "legal_basis": "Quyết định số 1315/QĐ-TTg ban hành Kế hoạch triển khai Phong trào",
    "start_year": 2023,
    "end_year": 2030,
}

FORMS = [
    (
        "BK-UBNDTP",
        "Bằng khen của Chủ tịch Ủy ban nhân dân Thành phố",
        "Diploma of merit of the Chairman of the City People's Committee",
        "Chủ tịch Ủy ban nhân dân Thành phố Hồ Chí Minh",
    ),
    (
        "GK-SGDDT",
        "Giấy khen của Giám đốc Sở Giáo dục và Đào tạo",
        "Certificate of merit of the Director of the Department of Education and Training",
        "Giám đốc Sở Giáo dục và Đào tạo",
    ),
]

FIELDS = [
    ("GD", "Giáo dục", "Education"),
    ("KH", "Khuyến học, khuyến tài", "Encouraging learning and talent"),
    ("VH", "Văn hóa", "Culture"),
    ("DN", "Doanh nghiệp", "Enterprises"),
    ("CD", "Cộng đồng dân cư", "Residential communities"),
]


def seed(apps, schema_editor):
    Movement = apps.get_model("awards", "Movement")
    CommendationForm = apps.get_model("awards", "CommendationForm")
    FieldOfActivity = apps.get_model("awards", "FieldOfActivity")
    Movement.objects.get_or_create(name=MOVEMENT["name"], defaults=MOVEMENT)
    for order, (code, name, name_en, conferred_by) in enumerate(FORMS, start=1):
        CommendationForm.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "conferred_by": conferred_by,
                "legal_source": LAW,
                "valid_from": IN_FORCE,
                "order": order,
            },
        )
    for order, (code, name, name_en) in enumerate(FIELDS, start=1):
        FieldOfActivity.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
