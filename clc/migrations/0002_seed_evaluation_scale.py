"""The default evaluation scale and criteria sheet; the Department edits both in the admin.

Running this again (a migration rolled back and re-applied) only adds what is missing, and never
changes a row the Department edited.

No national rating scale for community learning centres exists, so the scale follows the one
for learning units (TT 22/2020/TT-BGDĐT): Tốt 85–100, Khá 70–84, Trung bình 50–69, Không đạt
below 50. The five criteria add up to 100 points.
"""

from django.db import migrations

RATING_BANDS = [
    ("tot", "Tốt", "Good", 85),
    ("kha", "Khá", "Fair", 70),
    ("trung-binh", "Trung bình", "Average", 50),
    ("khong-dat", "Không đạt", "Not met", 0),
]
CRITERIA = [
    ("TC1", "Tổ chức, quản lý và cơ sở vật chất", "Organisation, management and facilities", 20),
    (
        "TC2",
        "Hoạt động giáo dục: số lớp, chủ đề và người tham gia",
        "Educational activities: classes, topics and participants",
        30,
    ),
    (
        "TC3",
        "Ứng dụng công nghệ thông tin và chuyển đổi số",
        "Use of IT and digital transformation",
        15,
    ),
    (
        "TC4",
        "Huy động nguồn lực và phối hợp với Hội Khuyến học, các đoàn thể",
        "Mobilising resources; working with the Association for Encouraging Learning",
        15,
    ),
    (
        "TC5",
        "Hiệu quả và tác động đối với cộng đồng",
        "Results and impact on the community",
        20,
    ),
]


def seed(apps, schema_editor):
    RatingBand = apps.get_model("clc", "RatingBand")
    Criterion = apps.get_model("clc", "Criterion")
    for code, name, name_en, min_points in RATING_BANDS:
        RatingBand.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "min_points": min_points}
        )
    for order, (code, name, name_en, max_points) in enumerate(CRITERIA, start=1):
        Criterion.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "max_points": max_points, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("clc", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
