from districts.models import AdministrativeUnit
from learningcity.choices import Role


def test_admin_change_is_recorded_with_who_changed_it(client, admin_user, district_1):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/districts/administrativeunit/{district_1.pk}/change/",
        {
            "level": "district",
            "kind": "urban_district",
            "code": "760",
            "name": "Quận Một",
            "parent": district_1.parent_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = AdministrativeUnit.history.filter(id=district_1.pk).latest()
    assert latest.name == "Quận Một"
    assert latest.history_user == admin_user
    assert latest.history_type == "~"


def test_role_changes_are_kept_in_the_user_history(officer_1, district_3):
    officer_1.unit = district_3
    officer_1.save()
    officer_1.role = Role.DEPARTMENT_REVIEWER
    officer_1.save()
    units = [h.unit_id for h in officer_1.history.order_by("history_date")]
    roles = [h.role for h in officer_1.history.order_by("history_date")]
    assert units[-2:] == [district_3.pk, district_3.pk]
    assert roles[0] == Role.DISTRICT_OFFICER and roles[-1] == Role.DEPARTMENT_REVIEWER
    assert "password" not in {f.name for f in officer_1.history.model._meta.fields}


def test_the_department_maintains_key_tasks_in_the_admin(client, admin_user, reviewer):
    from districts.models import KeyTask

    client.force_login(admin_user)
    task = KeyTask.objects.get(code="NV05")
    response = client.get(f"/admin/districts/keytask/{task.pk}/change/")
    assert response.status_code == 200 and "NV05" in response.content.decode()
    client.force_login(reviewer)
    assert client.get("/admin/districts/keytask/").status_code == 302
