import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcity.settings.base")
application = get_wsgi_application()

# Load every view now, then keep what start-up made (some 170,000 objects) out of the garbage
# collector's full passes: otherwise each full pass walks them all and the request that triggers
# it waits 100 ms or more (seen as the national benchmark's p95, twice the median).
get_resolver().resolve("/")
gc.collect()
gc.freeze()
