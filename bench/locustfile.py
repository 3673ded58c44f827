"""The load mix: Department staff reading pages and a consumer system calling the API.

    locust -f bench/locustfile.py --headless -u 20 -r 20 -t 60s --host http://127.0.0.1:8000

bench/run.py starts the portal under gunicorn on the national data set and runs this.
"""

import re

from locust import HttpUser, between, task

from bench.generate import PASSWORD, USERS

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class PortalUser(HttpUser):
    wait_time = between(0.5, 1.5)  # a person reading, then clicking on
    username = USERS["reviewer"]

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/accounts/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="log in",
            catch_response=True,
        ) as response:
            if response.url.rstrip("/").endswith("/accounts/login"):
                response.failure("the login was refused")


class Staff(PortalUser):
    weight = 3

    @task(3)
    def home(self):
        self.client.get("/", name="home dashboard")

    @task(2)
    def review_board(self):
        self.client.get("/districts/review-board/?period=2025-H1", name="review board")

    @task(2)
    def dossiers(self):
        self.client.get("/awards/", name="dossier list")

    @task(1)
    def award_stats(self):
        self.client.get("/awards/stats/?round=2024", name="award stats")

    @task(1)
    def clc_stats(self):
        self.client.get("/clc/stats/?year=2024", name="CLC stats")


class ConsumerSystem(PortalUser):
    weight = 1
    username = USERS["consumer"]

    @task(2)
    def city_status(self):
        self.client.get("/api/v1/indicator-status/?period=2025", name="indicator status, city")

    @task(2)
    def district_status(self):
        self.client.get(
            "/api/v1/indicator-status/?period=2025&district=760", name="indicator status, district"
        )

    @task(1)
    def award_stats(self):
        self.client.get("/api/v1/award-stats/?round=2024", name="award stats API")

    @task(1)
    def clc_stats(self):
        self.client.get("/api/v1/clc-stats/?year=2024", name="CLC stats API")
