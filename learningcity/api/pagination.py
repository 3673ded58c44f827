from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def page_of(self, rows, request, view=None) -> tuple[list, dict]:
        """``rows`` cut to the page asked for, and the page's count and links, for a body that
        carries more than the rows (a board's totals beside its district rows)."""
        page = self.paginate_queryset(rows, request, view=view)
        links = {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
        }
        return page, links


# The query parameters and fields of a body whose district rows come in pages.
PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="A page number within the district rows."),
    OpenApiParameter(
        "page_size", int, description="District rows per page: 50 unless asked, 500 at most."
    ),
]


class PageLinksSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Rows on all pages.")
    next = serializers.URLField(allow_null=True, help_text="The next page, if any.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, if any.")
