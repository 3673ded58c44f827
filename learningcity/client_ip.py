"""The client's address, for login lockouts (django-axes) and rate limits (django-ratelimit).

Behind a reverse proxy every request comes from the proxy's address (REMOTE_ADDR). When
settings.CLIENT_IP_META_KEY names the request.META key in which that proxy passes the client's
address (docker-compose.yml's nginx sets X-Real-IP: ``HTTP_X_REAL_IP``), that value is used, and
REMOTE_ADDR when the header is missing (a probe calling a web process directly).

Set CLIENT_IP_META_KEY only where every request passes through that proxy, which overwrites the
header: a client reaching the portal directly could otherwise choose its own address.
"""

from django.conf import settings


def client_ip(request) -> str:
    key = getattr(settings, "CLIENT_IP_META_KEY", "")
    address = request.META.get(key, "").strip() if key else ""
    return address or request.META.get("REMOTE_ADDR", "")
