"""The API root (/api/v1/): bearer-token auth and Vietnamese errors. Apps add routers (`neuguong.api_urls`).
Every operation documents its 400, 401, 404 and 422 answers (`core.api.ERROR_RESPONSES`), added here to the
OpenAPI in one place; schemathesis checks the answers against it (`make test-api`)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from neuguong.access.services import api_token_user
from neuguong.core.api import ERROR_RESPONSES, MSG_INVALID, MSG_NOT_FOUND, MSG_UNAUTHENTICATED
from neuguong.core.errors import BusinessError, OutOfScope


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = api_token_user(token[:200])
        if user is not None:
            request.user = user
        return user


class NeuGuongAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for status, (description, model) in ERROR_RESPONSES.items():
            name = model.__name__
            components.setdefault(name, model.model_json_schema(ref_template="#/components/schemas/{model}"))
            for definition in components[name].pop("$defs", {}).values():
                components.setdefault(definition["title"], definition)
            answer = {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
            }
            for operations in schema["paths"].values():
                for operation in operations.values():
                    operation["responses"].setdefault(str(status), answer)
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
