"""Pages of long lists (``?seite=N``); a page that is not a number is the lifter's typo: 400."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

PAGE_PARAM = "seite"


class BadPage(ValueError):
    """The requested page does not exist; the message is for the lifter."""


def paginate(request: HttpRequest, items, per_page: int) -> Page:
    raw = request.GET.get(PAGE_PARAM, "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise BadPage(_("Die Seite muss eine positive ganze Zahl sein."))
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(int(raw))
    except EmptyPage:
        raise BadPage(
            _("Seite %(page)s gibt es nicht (es gibt %(n)s).")
            % {"page": raw, "n": paginator.num_pages}
        ) from None


def page_query(request: HttpRequest, number: int) -> str:
    """The current query string with another page number (keeps search and filters)."""
    query = request.GET.copy()
    query[PAGE_PARAM] = str(number)
    return query.urlencode()


def pager(request: HttpRequest, page: Page) -> dict:
    """What ``web/_pager.html`` needs: the page and the links to its neighbours."""
    return {
        "page": page,
        "prev_query": page_query(request, page.previous_page_number())
        if page.has_previous()
        else "",
        "next_query": page_query(request, page.next_page_number()) if page.has_next() else "",
    }
