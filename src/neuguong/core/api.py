"""Shared pieces of every app's API: Vietnamese messages, bounded integer types, error shapes and paging.
The API root itself (auth, error handlers, the documented error answers) is `neuguong.portal.api`; apps add
routers, wired by `neuguong.api_urls`.

Every integer parameter is bounded in its type (`Id`, `Year`, `PageParams`): out of range is a 422 in the
documented shape, never a database overflow (a 500). `ERROR_RESPONSES` are the 400, 401, 404 and 422 answers
every operation documents.
"""

from typing import Annotated

from ninja import Schema
from pydantic import Field

from neuguong.core.errors import BusinessError

MSG_NOT_FOUND = "Không tìm thấy."
MSG_UNAUTHENTICATED = "Cần mã truy cập hợp lệ (Authorization: Bearer ...)."
MSG_INVALID = "Dữ liệu không hợp lệ."
MAX_PAGE_SIZE = 500
MAX_PAGE = 1_000_000
# Primary keys are 64-bit on both databases: a larger number can match nothing (and overflowed: a 500).
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A year of the records we keep (core/dates.py: from 1930; plans up to 2100).
Year = Annotated[int, Field(ge=1930, le=2100)]


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class Problem(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[Problem]


ERROR_RESPONSES: dict[int, tuple[str, type[Schema]]] = {
    400: ("Yêu cầu bị từ chối theo quy tắc nghiệp vụ (lời nhắn tiếng Việt, kèm trường liên quan).", ErrorOut),
    401: ("Thiếu hoặc sai mã truy cập (Authorization: Bearer …), hoặc mã đã hết hạn, bị thu hồi.", ErrorOut),
    404: ("Không tìm thấy, hoặc nằm ngoài phạm vi của bạn (hai trường hợp trả lời như nhau).", ErrorOut),
    422: ("Tham số hoặc nội dung không đúng kiểu, vượt giới hạn.", ValidationErrorOut),
}


class PageParams(Schema):
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1
    page_size: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = 50


# The default of every list endpoint's `paging` (ninja fills it from the query string; never changed).
FIRST_PAGE = PageParams()


def paginate_queryset(queryset, params: PageParams) -> tuple[list, int]:
    """Validate paging and slice: {"items", "count"} is built by the caller from what this returns."""
    if params.page < 1:
        raise BusinessError("Số trang phải từ 1 trở lên.", field="page")
    if not 1 <= params.page_size <= MAX_PAGE_SIZE:
        raise BusinessError(f"Cỡ trang phải từ 1 đến {MAX_PAGE_SIZE}.", field="page_size")
    count = queryset.count()
    start = (params.page - 1) * params.page_size
    return list(queryset[start : start + params.page_size]), count
