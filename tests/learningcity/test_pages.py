import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from districts.models import AdministrativeUnit
from tests.factories import DEFAULT_PASSWORD


def test_anonymous_visitor_is_sent_to_the_vietnamese_login_page(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Tên đăng nhập" in html


def test_login_shows_the_22_districts(client, hcmc, officer_1):
    response = client.post(
        "/accounts/login/",
        {"username": officer_1.username, "password": DEFAULT_PASSWORD},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tổng quan chương trình" in html
    assert html.count('class="card district-card') == 22
    assert "Thành phố Thủ Đức" in html and "Huyện Cần Giờ" in html


def test_wrong_password_shows_a_clear_error(client, officer_1):
    response = client.post(
        "/accounts/login/", {"username": officer_1.username, "password": "sai-mat-khau"}
    )
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(client, officer_1):
    client.force_login(officer_1)
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_language_switch_to_english_and_back(client, hcmc, officer_1):
    client.force_login(officer_1)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Programme overview" in html
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Tổng quan chương trình" in client.get("/").content.decode()


def log_in(client, user):
    return client.post(
        "/accounts/login/", {"username": user.username, "password": DEFAULT_PASSWORD}, follow=True
    )


def test_signing_in_brings_the_users_saved_language(client, hcmc, officer_1):
    officer_1.language = "en"
    officer_1.save()
    html = log_in(client, officer_1).content.decode()
    assert '<html lang="en">' in html and "Programme overview" in html
    assert client.cookies["django_language"].value == "en"


def test_a_language_chosen_before_signing_in_becomes_the_users(client, hcmc, officer_1):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = log_in(client, officer_1).content.decode()
    assert '<html lang="en">' in html
    officer_1.refresh_from_db()
    assert officer_1.language == "en"  # their notices and e-mails follow too


def test_an_unknown_language_cookie_gives_way_to_the_users_language(client, hcmc, officer_1):
    client.cookies["django_language"] = "<script>alert(1)</script>"
    html = log_in(client, officer_1).content.decode()
    assert '<html lang="vi">' in html and client.cookies["django_language"].value == "vi"
    officer_1.refresh_from_db()
    assert officer_1.language == "vi"


def test_a_refused_sign_in_changes_no_language(client, officer_1):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    client.post("/accounts/login/", {"username": officer_1.username, "password": "sai"})
    officer_1.refresh_from_db()
    assert officer_1.language == "vi"


def test_district_list_search_and_sort(client, hcmc, reviewer):
    client.force_login(reviewer)
    html = client.get("/districts/", {"q": "thu duc"}).content.decode()
    assert "Thành phố Thủ Đức" in html and "Quận 1<" not in html
    html = client.get("/districts/", {"sort": "-wards"}).content.decode()
    assert html.index("Thành phố Thủ Đức") < html.index("Huyện Cần Giờ")
    empty = client.get("/districts/", {"q": "khong co quan nay"}).content.decode()
    assert "Không có quận, huyện nào khớp" in empty


def test_district_detail_lists_its_wards(client, hcmc, reviewer):
    client.force_login(reviewer)
    html = client.get("/districts/769/").content.decode()
    assert html.count("<tr><td>") == 34
    assert client.get("/districts/99999/").status_code == 404


@pytest.mark.parametrize("url", ["/", "/districts/", "/districts/760/"])
def test_page_query_count_does_not_grow_with_rows(client, hcmc, reviewer, url):
    client.force_login(reviewer)
    client.get(url)  # first use creates the current reporting period
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    call_command("load_admin_units", "--province", "01", "48", stdout=io.StringIO())
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


def test_home_shows_the_districts_a_page_at_a_time(client, hcmc, reviewer, settings):
    client.force_login(reviewer)
    html = client.get("/").content.decode()
    assert html.count("district-card") == 22 and "Trang 1/" not in html  # the city: one page
    settings.PORTAL_PROVINCE_CODE = ""  # the whole country: HCMC, Hà Nội and Đà Nẵng here
    call_command("load_admin_units", "--province", "01", "48", stdout=io.StringIO())
    districts = AdministrativeUnit.objects.districts().count()
    wards = AdministrativeUnit.objects.wards().count()
    html = client.get("/").content.decode()
    assert html.count("district-card") == 48 and "Trang 1/2" in html
    figures = html.replace(".", "")  # thousands are grouped with dots in Vietnamese
    assert f">{districts}<" in figures and f">{wards}<" in figures
    last = client.get("/", {"page": 2}).content.decode()
    assert last.count("district-card") == districts - 48


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_vendored_assets_are_referenced_locally(client, officer_1):
    client.force_login(officer_1)
    html = client.get("/").content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "http://" not in html and "https://" not in html


def test_vietnamese_even_when_the_browser_asks_for_english(client, db):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html and "Đăng nhập" in html
