"""Page navigation for hand-built result pages (what the `pager` macro reads)."""


class PageNav:
    """Mixin for a dataclass with `page` and `pages`: the pager's prev/next fields."""

    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
