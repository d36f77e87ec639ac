"""The document picker: find a registered document by its number (165-KH/ĐUK) or its summary, told apart
by date and holding organisation. Forms that link a document (a meeting's documents, …) use it."""

from collections.abc import Iterable

from neuguong.core.pickers import MAX_OPTIONS, PickerOption, register_picker

from .models import Document


def document_options(documents: Iterable[Document]) -> list[PickerOption]:
    return [
        PickerOption(
            str(document.pk),
            f"{document.number_text} — {document.summary[:120]}",
            f"ngày {document.issued_on:%d/%m/%Y} · {document.organization.name}",
        )
        for document in documents
    ]


def search_documents(user, query: str, params: dict[str, str]) -> list[PickerOption]:
    """Documents the user may see whose summary or number matches, newest first."""
    qs = Document.objects.visible_to(user).search(query).select_related("organization")
    return document_options(qs.order_by("-issued_on", "-id")[: MAX_OPTIONS + 1])


def register() -> None:
    register_picker(
        "document",
        search=search_documents,
        labels=document_options,
        placeholder="Gõ số, ký hiệu hoặc trích yếu, ví dụ: 165-KH…",
    )
