"""The harness itself: the demo is there once per module and a report compiles from it."""

from django.contrib.auth import get_user_model

from districts.models import AdministrativeUnit

from .conftest import page_text, yearly_report


def test_the_demo_is_loaded_once_per_module(demo, db):
    assert AdministrativeUnit.objects.filter(level="district").count() == 22
    assert get_user_model().objects.filter(username="quan1").exists()


def test_a_yearly_report_compiles_from_the_demo(
    as_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    admin = get_user_model().objects.get(username="admin")
    sheets, text = yearly_report(admin, 2024, django_capture_on_commit_callbacks)
    assert sheets and "2024" in text
    assert "2024" in page_text(as_user("chuyenvien").get("/indicators/?period=2024"))
