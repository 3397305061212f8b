"""The event feed's pages: ``after`` the last id of a page, never an offset."""

from __future__ import annotations

from rest_framework.pagination import BasePagination
from rest_framework.utils.urls import replace_query_param

from loyalty.api.pagination import _CappedPageSize


class FeedPagination(_CappedPageSize, BasePagination):
    """
    ``next``: this list with ``after`` set to the page's last id, when more
    events are listed now (a consumer keeps polling its last ``after`` to get
    the events that arrive later). ``previous`` is always null.
    """

    def paginate_queryset(self, queryset, request, view=None):
        size = self.get_page_size(request)
        rows = list(queryset[: size + 1])
        self.request = request
        self.has_more = len(rows) > size
        self.page = rows[:size]
        return self.page

    def get_next_link(self):
        if not self.has_more or not self.page:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, "after", str(self.page[-1].id))

    def get_previous_link(self):
        return None

    def get_schema_operation_parameters(self, view):
        return [self.page_size_schema_parameter()]


