"""A paginator that finds a page's keys first and loads its rows with their relations after."""

import sys

from django.core.paginator import Paginator
from django.db.models import Count, Window


class KeysFirstPaginator(Paginator):
    """Pages ``object_list`` by primary key, then loads those rows as ``rows(queryset)`` says
    (its select_related and only).

    PostgreSQL joins before it sorts: a board search matching 5,000 tickets hashed all 21,000
    enterprises to show 50 of them. Here the filtered, ordered queryset only picks the page's
    keys, in a subquery of the statement that loads the page's rows and their relations, so
    the page still costs one query; a deep page walks an index for its keys.

    ``count_with_keys`` suits lists whose matches come from an index (a search): the keys and
    the total then come from one pass over the matches (``COUNT(*) OVER ()``) where a count
    and a page made two. Over a whole table a plain count is cheaper: leave it off.
    """

    def __init__(
        self, object_list, per_page, *, rows=lambda queryset: queryset, count_with_keys=False
    ):
        super().__init__(object_list, per_page)  # no orphans: pages hold per_page rows
        self.rows = rows
        self.count_with_keys = count_with_keys

    def _ordering(self):
        return self.object_list.query.order_by or self.object_list.model._meta.ordering

    def _keys(self):
        return self.object_list.values("pk")

    def _rows(self, keys):
        rows = self.rows(self.object_list.model._default_manager.filter(pk__in=keys))
        return rows.order_by(*self._ordering())

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return self._get_page(self._rows(self._keys()[bottom:top]), number, self)

    def get_page(self, number):
        if not self.count_with_keys:
            return super().get_page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if number < 1 or number > sys.maxsize // self.per_page:
            return super().get_page(number)  # Django's answer: the last page
        bottom = (number - 1) * self.per_page
        found = list(
            self._keys()
            .annotate(total=Window(Count("*")))
            .values_list("pk", "total")[bottom : bottom + self.per_page]
        )
        if not found:  # no match, or a page past the end: count, then show the last page
            return super().get_page(number)
        self.__dict__["count"] = found[0][1]  # Paginator.count is a cached_property
        return self._get_page(self._rows([pk for pk, _total in found]), number, self)
