"""The API root (/api/v1/): bearer-token auth, Vietnamese errors, shared pagination. Apps add routers.

Every integer parameter is bounded in its type (`Id`, `Year`, `PageParams`): out of range is a 422 in the
documented shape, never a database overflow (a 500). Every operation documents its 400, 401, 404 and 422
answers (`ERROR_RESPONSES`, added to the OpenAPI in one place).
"""

from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer
from pydantic import Field

from neuguong.core.errors import BusinessError, OutOfScope

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


ERROR_RESPONSES = {
    400: ("Yêu cầu bị từ chối theo quy tắc nghiệp vụ (lời nhắn tiếng Việt, kèm trường liên quan).", ErrorOut),
    401: ("Thiếu hoặc sai mã truy cập (Authorization: Bearer …), hoặc mã đã hết hạn, bị thu hồi.", ErrorOut),
    404: ("Không tìm thấy, hoặc nằm ngoài phạm vi của bạn (hai trường hợp trả lời như nhau).", ErrorOut),
    422: ("Tham số hoặc nội dung không đúng kiểu, vượt giới hạn.", ValidationErrorOut),
}


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        from neuguong.access.services import api_token_user

        user = api_token_user(token[:200])
        if user is not None:
            request.user = user
        return user


class NeuGuongAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for status, (description, model) in ERROR_RESPONSES.items():
            components.setdefault(
                model.__name__, model.model_json_schema(ref_template="#/components/schemas/{model}")
            )
            for definition in components[model.__name__].pop("$defs", {}).values():
                components.setdefault(definition["title"], definition)
            for operations in schema["paths"].values():
                for operation in operations.values():
                    operation["responses"].setdefault(
                        str(status),
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/{model.__name__}"}
                                }
                            },
                        },
                    )
        return schema


api = NeuGuongAPI(
    title="Nêu Gương API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": MSG_NOT_FOUND}, status=404)


@api.exception_handler(OutOfScope)
def _forbidden_as_missing(request, exc):
    return api.create_response(request, {"detail": MSG_NOT_FOUND}, status=404)


@api.exception_handler(BusinessError)
def _business_error(request, exc: BusinessError):
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=400)


@api.exception_handler(DjangoValidationError)
def _django_validation(request, exc):
    return api.create_response(request, {"detail": "; ".join(exc.messages)}, status=400)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": MSG_UNAUTHENTICATED}, status=401)


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "payload")]
    return ".".join(parts)


def _problem_message(error: dict) -> str:
    name = _field_name(error.get("loc", []))
    context = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "greater_than_equal":
        return f"«{name}» phải lớn hơn hoặc bằng {context.get('ge')}."
    if kind == "less_than_equal":
        return f"«{name}» phải nhỏ hơn hoặc bằng {context.get('le')}."
    if kind.startswith("int_"):
        return f"«{name}» phải là số nguyên."
    if kind == "missing":
        return f"Thiếu «{name}»."
    return f"Giá trị không hợp lệ cho «{name}»."


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    problems = [
        {"field": _field_name(error.get("loc", [])), "message": _problem_message(error)}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": MSG_INVALID, "errors": problems}, status=422)


class PageParams(Schema):
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1
    page_size: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = 50


def paginate_queryset(queryset, params: PageParams) -> tuple[list, int]:
    """Validate paging and slice: {"items", "count"} is built by the caller from what this returns."""
    if params.page < 1:
        raise BusinessError("Số trang phải từ 1 trở lên.", field="page")
    if not 1 <= params.page_size <= MAX_PAGE_SIZE:
        raise BusinessError(f"Cỡ trang phải từ 1 đến {MAX_PAGE_SIZE}.", field="page_size")
    count = queryset.count()
    start = (params.page - 1) * params.page_size
    return list(queryset[start : start + params.page_size]), count
