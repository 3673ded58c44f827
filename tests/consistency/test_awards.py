"""Dossiers received and awarded, in all and by nominee kind, per round: one figure wherever the
portal shows it (statistics page and its XLSX, public page, API, the yearly report's XLSX and
DOCX), equal to what the dossiers themselves say."""

import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from awards import selectors
from awards.models import Dossier, Round
from districts.selectors import portal_district_list

from .conftest import page_text, xlsx_rows, yearly_report

YEARS = (2024, 2025)
KINDS = ("individual", "household", "collective")
LABELS = {"individual": "Cá nhân", "household": "Hộ gia đình, dòng họ", "collective": "Tập thể"}
# What "received" means, written out here rather than read from the code under test: every
# status from "received" on. Drafts, submitted, returned and resubmitted ones are not received.
RECEIVED = {"received", "under_review", "recommended", "not_recommended", "awarded", "rejected"}
OFFICIAL_2024 = {
    "all": (103, 65),
    "individual": (30, 16),
    "household": (5, 1),
    "collective": (68, 48),
}


def from_the_models(year: int) -> dict[str, tuple[int, int]]:
    """{"all" or kind: (received, awarded)}, counted from the dossiers one by one."""
    received, awarded = Counter(), Counter()
    for kind, status in Dossier.objects.filter(round__year=year).values_list(
        "nominee_kind", "status"
    ):
        if status in RECEIVED:
            received[kind] += 1
            awarded[kind] += status == "awarded"
    counts = {kind: (received[kind], awarded[kind]) for kind in KINDS}
    counts["all"] = (sum(received.values()), sum(awarded.values()))
    return counts


@pytest.fixture
def expected(demo, db):
    counts = {year: from_the_models(year) for year in YEARS}
    assert counts[2024] == OFFICIAL_2024
    # The 2025 round is under way: some received, none awarded yet; drafts and returned
    # dossiers exist but are not received.
    assert counts[2025]["all"][0] > 0
    assert Dossier.objects.filter(round__year=2025).exclude(status__in=RECEIVED).exists()
    return counts


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


@pytest.mark.parametrize("year", YEARS)
def test_the_selectors_count_what_the_dossiers_say(expected, year):
    stats = selectors.round_stats(round=Round.objects.get(year=year))
    counts = {row.key: (row.received, row.awarded) for row in stats.by_kind}
    counts["all"] = (stats.received, stats.awarded)
    assert counts == expected[year]
    assert sum(row.received for row in stats.by_district) == stats.received
    assert sum(row.awarded for row in stats.by_field) == stats.awarded
    per_district = selectors.dossier_counts(
        district_ids=[d.pk for d in portal_district_list()], year=year
    )
    assert tuple(map(sum, zip(*per_district.values(), strict=True))) == expected[year]["all"]
    by_code = {row.key: (row.received, row.awarded) for row in stats.by_district}
    assert {d.code: per_district[d.pk] for d in portal_district_list()} == by_code


@pytest.mark.parametrize("year", YEARS)
def test_the_statistics_page_and_its_export(as_user, expected, year, django_assert_max_num_queries):
    client = as_user("chuyenvien")
    round_id = Round.objects.get(year=year).pk
    with django_assert_max_num_queries(20):
        response = client.get(f"/awards/stats/?round={round_id}")
    html = response.content.decode()
    shown = {}
    for kind in KINDS:
        cells = re.search(rf'<tr data-kind="{kind}"><td>[^<]*</td>(.*?)</tr>', html).group(1)
        shown[kind] = tuple(_number(c) for c in re.findall(r">([\d.,]+)<", cells))
    shown["all"] = tuple(
        _number(re.search(rf'id="stat-{name}">([^<]*)<', html).group(1))
        for name in ("received", "awarded")
    )
    assert shown == expected[year]
    text = page_text(response)
    assert "Hồ sơ đã tiếp nhận" in text and "Hồ sơ được khen thưởng" in text

    rows = xlsx_rows(client.get(f"/awards/stats/?round={round_id}&format=xlsx").content)
    exported = {row[0]: tuple(row[1:3]) for row in rows[1:]}
    assert {kind: exported[LABELS[kind]] for kind in KINDS} == {
        kind: expected[year][kind] for kind in KINDS
    }
    assert exported["Tổng số"] == expected[year]["all"]


@pytest.mark.parametrize("year", YEARS)
def test_the_api(as_user, expected, year):
    client = as_user("chuyenvien")
    answer = client.get(f"/api/v1/award-stats/?round={year}").json()
    counts = {row["key"]: (row["received"], row["awarded"]) for row in answer["by_kind"]}
    counts["all"] = (answer["received"], answer["awarded"])
    assert counts == expected[year]
    round_id = Round.objects.get(year=year).pk
    for kind in KINDS:
        listed = client.get(
            f"/api/v1/award-dossiers/?round={round_id}&status=awarded&kind={kind}"
        ).json()
        assert listed["count"] == expected[year][kind][1]


@pytest.mark.parametrize("year", YEARS)
def test_the_public_page(client, expected, year):
    round_id = Round.objects.get(year=year).pk
    text = page_text(client.get(f"/awards/public/{round_id}/"))
    received, awarded = expected[year]["all"]
    if not awarded:
        assert "Hồ sơ được khen thưởng:" not in text  # no decision yet: no count to state
        return
    assert f"Hồ sơ được khen thưởng: {awarded} trên {received} hồ sơ đã tiếp nhận" in text
    for kind in KINDS:
        kind_received, kind_awarded = expected[year][kind]
        assert f"{LABELS[kind]}: {kind_awarded}/{kind_received}" in text


@pytest.mark.parametrize("year", YEARS)
def test_the_yearly_report(
    as_user, expected, year, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    admin = get_user_model().objects.get(username="admin")
    sheets, text = yearly_report(admin, year, django_capture_on_commit_callbacks)
    received, awarded = expected[year]["all"]
    sentence = re.search(rf"năm {year}: Sở đã tiếp nhận (\d+) hồ sơ \([^)]*\); ([^.]*)\.", text)
    assert sentence and int(sentence.group(1)) == received
    if awarded:
        assert sentence.group(2).startswith(f"{awarded} hồ sơ được khen thưởng (")
    else:
        assert sentence.group(2) == "chưa có hồ sơ nào được khen thưởng"
    title = f"Khen thưởng năm {year} theo đối tượng"
    # One sheet per table; the report of a year has one round, so one table by nominee kind.
    (sheet,) = [sheet for sheet in sheets if sheet and sheet[0][0] == "Loại đối tượng"]
    table = {row[0]: tuple(row[1:3]) for row in sheet[1:]}
    tables = text[text.rindex(title) :]  # the DOCX's tables follow its paragraphs
    for kind in KINDS:
        assert table[LABELS[kind]] == expected[year][kind]
        kind_received, kind_awarded = expected[year][kind]
        assert f"{LABELS[kind]} | {kind_received} | {kind_awarded}" in tables
    assert table["Tổng số"] == expected[year]["all"]
    assert f"Tổng số | {received} | {awarded}" in tables
