"""Settings of the benchmark runs: the portal's own, plus the floor view's URL.

The database comes from DATABASE_URL (bench/run.py points it at the data set of each scale) and
PORTAL_PROVINCE_CODE says whose portal it is: "79" for the city, empty for the whole country.
"""

from learningcity.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
