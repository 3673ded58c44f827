"""The city's 11 key tasks for late 2024 and 2025 (Sở GD&ĐT TP.HCM).

The Department maintains them in the admin after: running this again (a migration rolled back and
re-applied) only adds a missing task, and never changes one the Department edited.
"""

from django.db import migrations

KEY_TASKS = [
    (
        "NV01",
        "Đẩy mạnh tuyên truyền, phổ biến nâng cao nhận thức của người dân và toàn xã hội về học tập "
        "suốt đời, xây dựng thành phố học tập trong nền kinh tế số, xã hội số",
        "Communication to raise awareness of lifelong learning and of building a learning city "
        "in the digital economy and society",
    ),
    (
        "NV02",
        "Rà soát, tham mưu đề xuất xây dựng các cơ chế, chính sách hỗ trợ các đơn vị trong công "
        "tác xây dựng thành phố học tập",
        "Review and propose mechanisms and policies supporting units that build the learning city",
    ),
    (
        "NV03",
        "Nghiên cứu, đề xuất cơ chế, chính sách tạo điều kiện cho công nhân, người lao động được "
        "đào tạo, đào tạo lại, bồi dưỡng nâng cao trình độ, kỹ năng nghề nghiệp",
        "Propose policies so that workers can be trained, retrained and upskilled",
    ),
    (
        "NV04",
        "Đề xuất chính sách hỗ trợ người hết tuổi lao động, người nội trợ, người khuyết tật có "
        "điều kiện thuận lợi để học tập suốt đời",
        "Propose support so that people past working age, homemakers and people with "
        "disabilities can learn throughout life",
    ),
    (
        "NV05",
        "Đẩy mạnh chuyển đổi số và ứng dụng công nghệ thông tin trong công tác xây dựng xã hội "
        "học tập, thành phố học tập",
        "Digital transformation and use of IT in building the learning society and city",
    ),
    (
        "NV06",
        "Đánh giá kết quả hoạt động và nâng cao hiệu quả của trung tâm học tập cộng đồng, trung "
        "tâm học tập cộng đồng điểm",
        "Evaluate community learning centres and model centres and make them more effective",
    ),
    (
        "NV07",
        "Phối hợp với Hội Khuyến học Thành phố trong xây dựng xã hội học tập, thành phố học tập, "
        "mô hình học tập, trung tâm học tập cộng đồng",
        "Coordinate with the City Association for Encouraging Learning on the learning society, "
        "learning models and community learning centres",
    ),
    (
        "NV08",
        "Xây dựng quy chế phối hợp giữa các sở, ban, ngành, tổ chức chính trị - xã hội và tổ "
        "chức kinh tế, xã hội trong triển khai xây dựng thành phố học tập",
        "Draw up the coordination rules between departments, socio-political, economic and "
        "social organisations for building the learning city",
    ),
    (
        "NV09",
        "Triển khai thực hiện hiệu quả các tiêu chí, chỉ số trong Bộ tiêu chí xây dựng thành phố "
        "học tập của UNESCO",
        "Put into effect the criteria and indicators of UNESCO's learning-city framework",
    ),
    (
        "NV10",
        "Hoàn thành báo cáo kết quả thực hiện gửi UNESCO",
        "Complete the progress report to UNESCO",
    ),
    (
        "NV11",
        "Chuẩn bị hồ sơ đăng ký Giải thưởng Thành phố học tập của UNESCO năm 2026",
        "Prepare the application for the UNESCO Learning City Award 2026",
    ),
]


def seed(apps, schema_editor):
    KeyTask = apps.get_model("districts", "KeyTask")
    for order, (code, title, title_en) in enumerate(KEY_TASKS, start=1):
        KeyTask.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "title_en": title_en,
                "start_year": 2024,
                "end_year": 2025,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("districts", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
