from rest_framework.routers import SimpleRouter


class PortalRouter(SimpleRouter):
    """DRF's router, with Django's path converters for the row in a path.

    A row looked up by its id takes the ``int`` converter: ``/obligations/x/exceptions/`` matches
    no route and answers 404, instead of reaching a view that would compare "x" with an integer
    column, and the schema gives the id as an integer. A row looked up by another field (a GSO or
    indicator code) takes ``str``: anything up to the next slash. A viewset may name its own
    converter with ``lookup_value_converter``.
    """

    def __init__(self, **kwargs):
        super().__init__(use_regex_path=False, **kwargs)

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        default = "int" if lookup_field in ("pk", "id") else "str"
        return self._base_pattern.format(
            lookup_prefix=lookup_prefix,
            lookup_url_kwarg=getattr(viewset, "lookup_url_kwarg", None) or lookup_field,
            lookup_value=getattr(viewset, "lookup_value_converter", None) or default,
        )
