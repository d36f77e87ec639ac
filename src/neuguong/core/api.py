"""Shared pieces of every app's API: Vietnamese messages and paging. The API root itself (auth, error
handlers) is `neuguong.portal.api`; apps add routers, wired by `neuguong.api_urls`."""

from ninja import Schema

from neuguong.core.errors import BusinessError

MSG_NOT_FOUND = "Không tìm thấy."
MSG_UNAUTHENTICATED = "Cần mã truy cập hợp lệ (Authorization: Bearer ...)."
MSG_INVALID = "Dữ liệu không hợp lệ."
MAX_PAGE_SIZE = 500


class PageParams(Schema):
    page: int = 1
    page_size: int = 50


def paginate_queryset(queryset, params: PageParams) -> tuple[list, int]:
    """Validate paging and slice: {"items", "count"} is built by the caller from what this returns."""
    if params.page < 1:
        raise BusinessError("Số trang phải từ 1 trở lên.", field="page")
    if not 1 <= params.page_size <= MAX_PAGE_SIZE:
        raise BusinessError(f"Cỡ trang phải từ 1 đến {MAX_PAGE_SIZE}.", field="page_size")
    count = queryset.count()
    start = (params.page - 1) * params.page_size
    return list(queryset[start : start + params.page_size]), count
