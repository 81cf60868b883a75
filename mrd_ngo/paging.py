"""One page of a long list on a page that shows several lists (completeness, expiring board, detail pages).

Each list has its own page parameter (`missing_page`, `expired_page`...), so paging one list keeps
the others where they were; the links keep every other parameter of the address.
"""
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (counted already with the others): no second COUNT query."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def page_of(request, rows, *, param: str, per_page: int, anchor: str = "", count: int | None = None) -> Page:
    """The page of `rows` asked for by `?<param>=n` (the first one when absent or wrong, the last when too far).

    The page carries `links`: (number or "…", address) for the pager template `_pager.html`.
    """
    if count is None:
        paginator = Paginator(rows, per_page)
    else:
        paginator = CountedPaginator(rows, per_page, count=count)
    page = paginator.get_page(request.GET.get(param))
    fragment = f"#{anchor}" if anchor else ""

    def address(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}{fragment}"

    page.links = [
        (number, None if number == paginator.ELLIPSIS else address(number))
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    page.previous_link = address(page.previous_page_number()) if page.has_previous() else None
    page.next_link = address(page.next_page_number()) if page.has_next() else None
    return page
