from rest_framework.routers import SimpleRouter


class PortalRouter(SimpleRouter):
    """DRF's router, with ids in paths made of digits.

    A row looked up by its id (``lookup_field`` "pk", no ``lookup_value_regex`` of its own) is
    routed only for a number: ``/obligations/x/exceptions/`` matches no route and answers 404,
    instead of reaching a view that would compare "x" with an integer column.
    """

    ID_PATTERN = r"[0-9]+"

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        if lookup_field not in ("pk", "id") or hasattr(viewset, "lookup_value_regex"):
            return super().get_lookup_regex(viewset, lookup_prefix)
        return self._base_pattern.format(
            lookup_prefix=lookup_prefix,
            lookup_url_kwarg=getattr(viewset, "lookup_url_kwarg", None) or lookup_field,
            lookup_value=self.ID_PATTERN,
        )
