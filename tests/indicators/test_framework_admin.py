"""The framework in the admin and as a spreadsheet; new versions; read-only submissions."""

import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from indicators import selectors, services
from indicators.models import Area, Framework, Indicator, IndicatorGroup, Submission, Target
from indicators.resources import FrameworkResource, PortalXLSX, parse_targets
from learningcity.models import ReportingPeriod

COLUMNS = [
    "Mã nhóm",
    "Tên nhóm",
    "Mã lĩnh vực",
    "Tên lĩnh vực",
    "Mã chỉ số",
    "Tên chỉ số",
    "Tên chỉ số (tiếng Anh)",
    "Đơn vị tính",
    "Cách tổng hợp",
    "Chiều tốt",
    "Mẫu số",
    "Tự tính từ",
    "Giá trị cơ sở",
    "Năm cơ sở",
    "Chỉ tiêu",
    "Nguồn chỉ tiêu",
    "Thứ tự",
]
LOCKED_MESSAGE = "Create a new version of the framework instead."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """The admin in English, so that messages are checked in their source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def year_2025(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


@pytest.fixture
def framework(db):
    return selectors.current_framework()


def approve(officer, reviewer, period) -> Submission:
    submission = services.submission_open(user=officer, district=officer.unit, period=period)
    entries = {}
    for indicator in Indicator.objects.filter(computed="", area__group__framework__is_current=True):
        if indicator.is_ratio:
            entries[indicator.code] = services.Entry(numerator=50, denominator=100)
        else:
            entries[indicator.code] = services.Entry(value=10)
    services.values_save(user=officer, submission=submission, entries=entries)
    submission = services.submission_submit(user=officer, submission=submission)
    return services.submission_approve(user=reviewer, submission=submission)


def snapshot(framework) -> dict:
    """Everything the spreadsheet carries, by code."""
    return {
        "groups": list(
            IndicatorGroup.objects.filter(framework=framework).values_list(
                "code", "name", "name_en", "order"
            )
        ),
        "areas": list(
            Area.objects.filter(group__framework=framework)
            .order_by("group__order", "order")
            .values_list("group__code", "code", "name", "name_en", "order")
        ),
        "indicators": list(
            Indicator.objects.filter(area__group__framework=framework).values_list(
                "area__code",
                "code",
                "name",
                "name_en",
                "description",
                "unit",
                "aggregation",
                "direction",
                "denominator_label",
                "computed",
                "baseline",
                "baseline_year",
                "target_source",
                "order",
            )
        ),
        "targets": sorted(
            Target.objects.filter(indicator__area__group__framework=framework).values_list(
                "indicator__code", "year", "value"
            )
        ),
    }


def export_xlsx(framework=None) -> bytes:
    return PortalXLSX().export_data(FrameworkResource(framework=framework).export())


def edit(content: bytes, changes: dict[str, dict[str, object]], extra_rows=()) -> bytes:
    """``content`` with cells changed by indicator code and column name, rows appended."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        code = row[header.index("Mã chỉ số")].value
        for column, value in changes.get(code, {}).items():
            row[header.index(column)].value = value
    for extra in extra_rows:
        sheet.append([extra.get(column) for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_xlsx(content: bytes, user, *, dry_run=False, framework=None):
    dataset = PortalXLSX().create_dataset(content)
    return FrameworkResource(framework=framework).import_data(dataset, dry_run=dry_run, user=user)


def row_errors(result) -> dict[int, dict[str, list[str]]]:
    return {row.number + 1: row.error_dict for row in result.invalid_rows}  # Excel rows


def test_the_export_is_one_flat_sheet_with_natural_keys(framework):
    sheet = load_workbook(io.BytesIO(export_xlsx())).active
    assert sheet.title == "Bộ chỉ số"
    assert [cell.value for cell in sheet[1]] == COLUMNS == FrameworkResource.column_names()
    rows = {row[4]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 30
    assert rows["WB1.2"][:5] == (
        "WB",
        "Lợi ích rộng lớn của xây dựng thành phố học tập",
        "WB1",
        "Trao quyền cho cá nhân và gắn kết xã hội",
        "WB1.2",
    )
    assert rows["WB1.2"][7:12] == (
        "percent",
        "weighted_mean",
        "higher",
        "Người lớn trong gia đình, dòng họ, cộng đồng học tập",
        None,
    )
    assert rows["WB1.2"][14:] == ("2025:40; 2030:60", "QĐ 677/QĐ-TTg ngày 03/06/2022", 2)
    assert rows["FC1.1"][11] == "committee_set_up"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold  # the portal's XLSX look


def test_export_then_import_leaves_the_framework_equal(admin_user, framework):
    before = snapshot(framework)
    result = import_xlsx(export_xlsx(), admin_user)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 30 and result.totals["new"] == 0
    assert snapshot(framework) == before


def test_an_import_creates_and_updates_by_code(admin_user, framework):
    content = edit(
        export_xlsx(),
        {
            "WB2.2": {"Tên chỉ số (tiếng Anh)": "Lifelong Learning Week participants"},
            "BB5.2": {"Chỉ tiêu": "2025:72,5; 2027:78;2030:85", "Giá trị cơ sở": "60,5"},
            "BB6.2": {"Chỉ tiêu": None},
        },
        extra_rows=[
            {
                "Mã nhóm": "BB",
                "Tên nhóm": "Các trụ cột chính của xây dựng thành phố học tập",
                "Mã lĩnh vực": "BB7",
                "Tên lĩnh vực": "Học tập của người cao tuổi",
                "Mã chỉ số": "BB7.1",
                "Tên chỉ số": "Số câu lạc bộ người cao tuổi học tập",
                "Đơn vị tính": "Số lượng",  # a label works as well as the code
                "Cách tổng hợp": "sum",
                "Chiều tốt": "higher",
                "Chỉ tiêu": "2030:100",
            }
        ],
    )
    before = snapshot(framework)
    preview = import_xlsx(content, admin_user, dry_run=True)
    assert not preview.has_errors() and not preview.has_validation_errors(), row_errors(preview)
    assert preview.totals["new"] == 1 and preview.totals["update"] == 30
    assert snapshot(framework) == before  # a dry run writes nothing

    import_xlsx(content, admin_user)
    wb22 = Indicator.objects.get(area__group__framework=framework, code="WB2.2")
    assert wb22.name_en == "Lifelong Learning Week participants"
    bb52 = Indicator.objects.get(area__group__framework=framework, code="BB5.2")
    assert bb52.baseline == Decimal("60.5")
    assert [(t.year, t.value) for t in bb52.targets.order_by("year")] == [
        (2025, Decimal("72.5")),
        (2027, Decimal(78)),
        (2030, Decimal(85)),
    ]
    assert not Target.objects.filter(indicator__code="BB6.2").exists()
    new = Indicator.objects.select_related("area__group").get(code="BB7.1")
    assert (new.unit, new.area.code, new.area.group.code, new.order) == ("count", "BB7", "BB", 1)
    assert new.area.order == 7 and new.targets.get().year == 2030
    assert new.history.get().history_user == admin_user


def test_bad_rows_reject_the_whole_file_with_their_rows(admin_user, framework):
    content = edit(
        export_xlsx(),
        {
            "WB2.2": {"Tên chỉ số (tiếng Anh)": "changed"},
            "WB3.1": {"Đơn vị tính": "metres"},
            "BB1.1": {"Chỉ tiêu": "năm 2025: 70"},
            "BB1.2": {"Cách tổng hợp": "share_yes"},  # needs a yes/no unit
            "BB2.1": {"Tự tính từ": "weather"},
        },
        extra_rows=[
            {"Mã nhóm": "WB", "Mã lĩnh vực": "WB1", "Mã chỉ số": "WB2.2", "Tên chỉ số": "x"}
        ],
    )
    before = snapshot(framework)
    result = import_xlsx(content, admin_user)
    errors = row_errors(result)
    assert sorted(errors) == [6, 7, 8, 9, 32]  # WB3.1, BB1.1, BB1.2, BB2.1, the repeated code
    assert "metres" in errors[6]["Đơn vị tính"][0]
    assert "year:target" in errors[7]["Chỉ tiêu"][0]
    assert errors[8][NON_FIELD_ERRORS] == ["Only a yes/no indicator rolls up as a share of yes."]
    assert "weather" in errors[9]["Tự tính từ"][0]
    assert errors[32]["Mã chỉ số"] == ["The code WB2.2 is already on row 5."]
    assert snapshot(framework) == before


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(admin_user, framework):
    workbook = load_workbook(io.BytesIO(edit(export_xlsx(), {"WB3.1": {"Đơn vị tính": "m"}})))
    workbook.active.insert_rows(4, amount=2)  # WB3.1 moves from row 6 to row 8
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_xlsx(buffer.getvalue(), admin_user, dry_run=True)
    assert list(row_errors(result)) == [8]
    assert result.totals["update"] == 29 and result.totals["invalid"] == 1


def test_a_file_with_other_columns_is_refused(admin_user, framework):
    workbook = load_workbook(io.BytesIO(export_xlsx()))
    workbook.active["A1"] = "Nhóm"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_xlsx(buffer.getvalue(), admin_user)
    assert result.has_errors() and not result.rows
    message = str(result.base_errors[0].error)
    assert "Missing columns: Mã nhóm." in message and "Unknown columns: Nhóm." in message


def test_only_the_department_administrator_imports(officer_1, reviewer, framework):
    for user in (officer_1, reviewer, None):
        with pytest.raises(PermissionDenied):
            import_xlsx(export_xlsx(), user)


def test_a_used_framework_refuses_a_unit_change_by_import(
    admin_user, officer_1, reviewer, year_2025, framework
):
    approve(officer_1, reviewer, year_2025)
    assert framework.is_locked
    before = snapshot(framework)
    content = edit(
        export_xlsx(),
        {"WB2.2": {"Đơn vị tính": "percent"}, "WB3.1": {"Tên chỉ số": "Số lớp học về môi trường"}},
        extra_rows=[
            {
                "Mã nhóm": "WB",
                "Mã lĩnh vực": "WB3",
                "Mã chỉ số": "WB3.9",
                "Tên chỉ số": "Mới",
                "Đơn vị tính": "count",
            }
        ],
    )
    result = import_xlsx(content, admin_user)
    errors = row_errors(result)
    assert sorted(errors) == [5, 32]
    assert errors[5][NON_FIELD_ERRORS] == [
        "Approved data uses this framework version, so unit cannot change. " + LOCKED_MESSAGE
    ]
    assert LOCKED_MESSAGE in errors[32][NON_FIELD_ERRORS][0]
    assert snapshot(framework) == before  # not even the harmless rename

    # Names and targets do not change the meaning: they may still be corrected.
    content = edit(export_xlsx(), {"WB3.1": {"Tên chỉ số": "Số lớp học về môi trường"}})
    result = import_xlsx(content, admin_user)
    assert not result.has_validation_errors()
    assert Indicator.objects.get(code="WB3.1").name == "Số lớp học về môi trường"


def test_a_new_version_copies_the_framework_and_becomes_current(
    admin_user, officer_1, reviewer, year_2025, framework
):
    submission = approve(officer_1, reviewer, year_2025)
    before = snapshot(framework)
    new = services.framework_new_version(user=admin_user, framework=framework, version="2025.1")

    framework.refresh_from_db()
    assert new.is_current and not framework.is_current
    assert selectors.current_framework() == new
    assert (new.name, new.version) == (framework.name, "2025.1")
    assert new.groups.count() == 3
    assert Area.objects.filter(group__framework=new).count() == 12
    assert Indicator.objects.filter(area__group__framework=new).count() == 30
    assert snapshot(new) == before  # a faithful copy, targets included
    assert (
        len(before["targets"])
        == Target.objects.filter(indicator__area__group__framework=new).count()
    )
    assert snapshot(framework) == before
    assert list(framework.submissions.all()) == [submission]
    assert not new.is_locked and framework.is_locked

    # The copy may change what the old version could not.
    content = edit(export_xlsx(), {"WB2.2": {"Đơn vị tính": "percent"}})
    assert not import_xlsx(content, admin_user).has_validation_errors()
    assert Indicator.objects.get(area__group__framework=new, code="WB2.2").unit == "percent"
    assert Indicator.objects.get(area__group__framework=framework, code="WB2.2").unit == "count"

    with pytest.raises(ValidationError) as excinfo:
        services.framework_new_version(user=admin_user, framework=new, version="2025.1")
    assert "already exists" in excinfo.value.message_dict["version"][0]
    with pytest.raises(PermissionDenied):
        services.framework_new_version(user=reviewer, framework=new, version="2025.2")
    assert Framework.objects.get(is_current=True) == new


def test_an_import_may_target_another_version(admin_user, framework):
    new = services.framework_new_version(user=admin_user, framework=framework, version="2025.1")
    content = edit(export_xlsx(new), {"WB2.2": {"Tên chỉ số (tiếng Anh)": "Old version only"}})
    import_xlsx(content, admin_user, framework=framework)
    assert Indicator.objects.get(area__group__framework=framework, code="WB2.2").name_en == (
        "Old version only"
    )
    assert Indicator.objects.get(area__group__framework=new, code="WB2.2").name_en != (
        "Old version only"
    )


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        ("2025:70; 2030:90", {2025: Decimal(70), 2030: Decimal(90)}),
        ("2025: 72,5\n2030:80.25", {2025: Decimal("72.5"), 2030: Decimal("80.25")}),
        ("", {}),
        (None, {}),
    ],
)
def test_targets_are_read_from_one_cell(text, targets):
    assert parse_targets(text) == targets


@pytest.mark.parametrize("text", ["70", "2025=70", "2025:", "1999:5", "2025:1; 2025:2", "2025:x"])
def test_badly_written_targets_are_refused(text):
    with pytest.raises(ValueError):
        parse_targets(text)


# -- the admin ----------------------------------------------------------------------------------


def indicator_url(indicator, action="change") -> str:
    return f"/admin/indicators/indicator/{indicator.pk}/{action}/"


ADMIN_PAGES = [
    "/admin/indicators/",
    "/admin/indicators/framework/",
    "/admin/indicators/indicatorgroup/",
    "/admin/indicators/area/",
    "/admin/indicators/indicator/",
    "/admin/indicators/indicator/?area__group__framework__id__exact={framework}&unit=percent",
    "/admin/indicators/indicator/?q=c%C3%B4ng+d%C3%A2n",
    "/admin/indicators/indicator/import/",
    "/admin/indicators/indicator/export/",
    "/admin/indicators/indicator/{indicator}/change/",
    "/admin/indicators/indicator/{indicator}/history/",
    "/admin/indicators/framework/{framework}/change/",
    "/admin/indicators/submission/",
    "/admin/indicators/submission/{submission}/change/",
    "/admin/indicators/value/",
    "/admin/indicators/value/{value}/change/",
]


def page_urls(framework, submission) -> list[str]:
    ids = {
        "framework": framework.pk,
        "indicator": Indicator.objects.get(code="BB4.1").pk,
        "submission": submission.pk,
        "value": submission.values.first().pk,
    }
    return [url.format(**ids) for url in ADMIN_PAGES]


def test_admin_pages_load_for_the_administrator(
    client, admin_user, officer_1, reviewer, year_2025, framework
):
    submission = approve(officer_1, reviewer, year_2025)
    client.force_login(admin_user)
    for url in page_urls(framework, submission):
        response = client.get(url)
        assert response.status_code == 200, url
    changelist = client.get("/admin/indicators/indicator/").content.decode()
    assert "/admin/indicators/indicator/import/" in changelist
    assert "/admin/indicators/indicator/export/" in changelist
    frameworks = client.get("/admin/indicators/framework/").content.decode()
    assert "create_new_version" in frameworks and 'name="version"' in frameworks
    # Submissions and values are read-only here: no add, no save, no delete.
    for url in ("/admin/indicators/submission/add/", "/admin/indicators/value/add/"):
        assert client.get(url).status_code == 403
    page = client.get(f"/admin/indicators/value/{submission.values.first().pk}/change/")
    assert b'name="_save"' not in page.content
    assert client.post(f"/admin/indicators/submission/{submission.pk}/delete/").status_code == 403


@pytest.mark.parametrize("who", ["officer_1", "reviewer", "anonymous"])
def test_admin_pages_are_refused_to_everyone_else(
    client, request, who, officer_1, reviewer, year_2025, framework
):
    submission = approve(officer_1, reviewer, year_2025)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for url in page_urls(framework, submission):
        response = client.get(url)
        assert response.status_code == 302, url
        assert re.match(r"^/(admin|accounts)/login/\?next=", response["Location"]), url


def change_form_data(client, indicator) -> dict:
    """The change form's data as the admin would post it back unchanged."""
    response = client.get(indicator_url(indicator))
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
        for number, target in enumerate(formset.formset.forms):
            for name in target.fields:
                value = target.initial.get(name)
                if hasattr(value, "pk"):
                    value = value.pk
                data[f"{target.prefix}-{name}"] = "" if value is None else value
            data[f"{formset.formset.prefix}-{number}-indicator"] = indicator.pk
    return data


def test_the_change_form_refuses_a_unit_change_on_a_used_framework(
    client, admin_user, officer_1, reviewer, year_2025, framework
):
    client.force_login(admin_user)
    indicator = Indicator.objects.get(area__group__framework=framework, code="WB2.2")
    data = change_form_data(client, indicator)
    data["name_en"] = "Week participants"
    response = client.post(indicator_url(indicator), {**data})
    assert response.status_code == 302  # unused yet: saved
    indicator.refresh_from_db()
    assert indicator.name_en == "Week participants"

    approve(officer_1, reviewer, year_2025)
    page = client.get(indicator_url(indicator)).content.decode()
    assert "Approved data uses this framework version: its code, unit" in page  # said first
    data = change_form_data(client, indicator)
    response = client.post(indicator_url(indicator), {**data, "unit": "percent"})
    assert response.status_code == 200
    assert (
        "Approved data uses this framework version, so unit cannot change. " + LOCKED_MESSAGE
    ) in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.unit == "count"


def test_deleting_an_indicator_of_a_used_framework_is_refused(
    client, admin_user, officer_1, reviewer, year_2025, framework
):
    approve(officer_1, reviewer, year_2025)
    client.force_login(admin_user)
    indicator = Indicator.objects.get(area__group__framework=framework, code="WB2.2")
    response = client.get(indicator_url(indicator, "delete"), follow=True)
    assert response.redirect_chain[-1][0] == indicator_url(indicator)
    assert "its indicators cannot be deleted" in response.content.decode()
    response = client.post(
        "/admin/indicators/indicator/",
        {"action": "delete_selected", "_selected_action": [indicator.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "its indicators cannot be deleted" in response.content.decode()
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_deleting_an_unused_indicator_works(client, admin_user, framework):
    area = Area.objects.get(group__framework=framework, code="WB3")
    spare = Indicator.objects.create(area=area, code="WB3.9", name="Thử", unit="count")
    client.force_login(admin_user)
    response = client.post(indicator_url(spare, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not Indicator.objects.filter(pk=spare.pk).exists()


def test_the_admin_action_creates_a_new_version(client, admin_user, framework):
    client.force_login(admin_user)
    response = client.post(
        "/admin/indicators/framework/",
        {"action": "create_new_version", "_selected_action": [framework.pk], "version": "2026.1"},
        follow=True,
    )
    assert "Version 2026.1 was created" in response.content.decode()
    new = Framework.objects.get(is_current=True)
    assert new.version == "2026.1"
    assert Indicator.objects.filter(area__group__framework=new).count() == 30

    response = client.post(
        "/admin/indicators/framework/",
        {"action": "create_new_version", "_selected_action": [new.pk], "version": "2026.1"},
        follow=True,
    )
    assert "already exists" in response.content.decode()
    response = client.post(
        "/admin/indicators/framework/",
        {"action": "create_new_version", "_selected_action": [new.pk], "version": ""},
        follow=True,
    )
    assert Framework.objects.get(is_current=True).version not in ("2026.1", "2024.1")
    assert Framework.objects.count() == 3


def test_the_admin_exports_and_imports_the_framework(client, admin_user, framework):
    client.force_login(admin_user)
    response = client.post(
        "/admin/indicators/indicator/export/",
        {"format": "0", "resource": "0"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert re.search(
        r'filename="bo-chi-so-\d{4}-\d{2}-\d{2}\.xlsx"', response["Content-Disposition"]
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[1]] == COLUMNS
    assert sheet.max_row == 31

    changed = edit(content, {"WB2.2": {"Tên chỉ số (tiếng Anh)": "Through the admin"}})
    upload = SimpleUploadedFile("bo-chi-so.xlsx", changed)
    response = client.post(
        "/admin/indicators/indicator/import/",
        {"format": "0", "resource": "0", "framework": "", "import_file": upload},
    )
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    assert confirm is not None, response.context["result"].invalid_rows
    assert Indicator.objects.get(code="WB2.2").name_en != "Through the admin"  # preview only
    data = {name: confirm.initial.get(name) or "" for name in confirm.fields}
    response = client.post("/admin/indicators/indicator/process_import/", data)
    assert response.status_code == 302
    assert Indicator.objects.get(code="WB2.2").name_en == "Through the admin"


def test_the_admin_import_shows_row_errors_and_writes_nothing(
    client, admin_user, officer_1, reviewer, year_2025, framework
):
    approve(officer_1, reviewer, year_2025)
    client.force_login(admin_user)
    changed = edit(export_xlsx(), {"WB2.2": {"Đơn vị tính": "percent"}})
    response = client.post(
        "/admin/indicators/indicator/import/",
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("f.xlsx", changed)},
    )
    assert response.status_code == 200
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert LOCKED_MESSAGE in response.content.decode()
    assert Indicator.objects.get(code="WB2.2").unit == "count"

    response = client.post(
        "/admin/indicators/indicator/import/",
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("f.xlsx", b"%PDF-1.7 not a workbook"),
        },
    )
    assert response.status_code == 200
    assert "encountered while trying to read file" in response.content.decode()


def test_the_administrator_sets_the_coverage_a_city_value_needs(
    client, admin_user, officer_1, reviewer, year_2025, framework
):
    """Even once approved data locks the framework's indicators, the Department administrator
    sets its minimum coverage in the admin; a new version keeps it."""
    approve(officer_1, reviewer, year_2025)
    assert framework.is_locked and framework.min_coverage == 100
    client.force_login(admin_user)
    url = f"/admin/indicators/framework/{framework.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="min_coverage"' in page
    data = {"name": framework.name, "version": framework.version, "min_coverage": 60}
    assert client.post(url, data).status_code == 302
    framework.refresh_from_db()
    assert framework.min_coverage == 60
    response = client.post(url, {**data, "min_coverage": 101})
    assert response.status_code == 200 and 'name="min_coverage"' in response.content.decode()
    framework.refresh_from_db()
    assert framework.min_coverage == 60  # a share of the districts: at most 100
    new = services.framework_new_version(user=admin_user, framework=framework, version="2026.1")
    assert new.min_coverage == 60
