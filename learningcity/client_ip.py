"""The client's address, for login lockouts (django-axes), rate limits (django-ratelimit) and the
networks allowed to read /metrics.

Behind a reverse proxy every request comes from the proxy's address (REMOTE_ADDR). When
settings.CLIENT_IP_META_KEY names the request.META key in which that proxy passes the client's
address (docker-compose.yml's nginx sets X-Real-IP: ``HTTP_X_REAL_IP``), that value is used, and
REMOTE_ADDR when the header is missing (a probe calling a web process directly).

Set CLIENT_IP_META_KEY only where every request passes through that proxy, which overwrites the
header: a client reaching the portal directly could otherwise choose its own address.
"""

from django.conf import settings

# The request.META keys of the headers in which proxies pass on the address of the client they
# forward. A request carrying one came through a proxy, whatever its REMOTE_ADDR says.
FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_FORWARDED",
    "HTTP_X_REAL_IP",
    "HTTP_X_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
)


def _from_configured_proxy(request) -> str:
    """The address CLIENT_IP_META_KEY's proxy passed on, or "" (none configured, or not set)."""
    key = getattr(settings, "CLIENT_IP_META_KEY", "")
    return request.META.get(key, "").strip() if key else ""


def client_ip(request) -> str:
    return _from_configured_proxy(request) or request.META.get("REMOTE_ADDR", "")


def known_client_ip(request) -> str | None:
    """The client's address where it is known, for decisions that trust it (who may read
    /metrics): CLIENT_IP_META_KEY's value when the configured proxy set it; REMOTE_ADDR for a
    request that carries no forwarding header (a direct connection); None for a request that
    came through a proxy the settings do not name (a forwarding header other than
    CLIENT_IP_META_KEY's): REMOTE_ADDR is then the proxy's, not the client's, and a proxy on
    loopback would otherwise make every client behind it local."""
    address = _from_configured_proxy(request)
    if address:
        return address
    if any(name in request.META for name in FORWARDING_HEADERS):
        return None
    return request.META.get("REMOTE_ADDR", "") or None
