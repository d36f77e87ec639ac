import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from neuguong.core.models import TimeStampedModel
from neuguong.core.text import fold, search_key, without_nul

from .numbers import DocumentType, format_number


class Classification(models.TextChoices):
    NONE = "", "Không mật"
    SECRET = "mat", "Mật"
    TOP_SECRET = "toi_mat", "Tối mật"
    ULTRA_SECRET = "tuyet_mat", "Tuyệt mật"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents held by an organisation in the user's readable subtrees.

        Members see the documents of their own organisation's ancestors too: those are what their
        commitments come from (a branch member reads the bloc's plan)."""
        from neuguong.access.scope import scope_for

        scope = scope_for(user)
        q = scope.read_q("organization__path")
        if scope.person_id and not scope.is_global:
            from neuguong.organizations.models import path_ids
            from neuguong.people.models import Person

            path = (
                Person.objects.filter(pk=scope.person_id).values_list("organization__path", flat=True).first()
            )
            if path:
                q |= Q(organization_id__in=path_ids(path))
        return self.filter(q)

    def search(self, query: str):
        key = search_key(query)
        if not key:
            return self
        number = without_nul(query).strip()[:64]
        return self.filter(Q(summary_folded__contains=key) | Q(number_text__icontains=number))


def _document_upload_to(instance, filename: str) -> str:
    # A random name: nothing of the user's file name reaches the storage path.
    return f"documents/{uuid.uuid4().hex}"


class Document(TimeStampedModel):
    """A Party document in the register (sổ văn bản): the source of plans, programs and commitments."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="tổ chức lưu giữ",
        on_delete=models.PROTECT,
        related_name="documents",
    )
    doc_type = models.CharField("loại văn bản", max_length=32, choices=DocumentType.choices)
    number = models.PositiveIntegerField("số")
    issuer = models.CharField("cơ quan ban hành (ký hiệu)", max_length=32)
    number_text = models.CharField("số, ký hiệu", max_length=64, editable=False, db_index=True)
    term_key = models.CharField(
        "nhiệm kỳ đánh số",
        max_length=32,
        help_text="Nhiệm kỳ của tổ chức lưu giữ chứa ngày ban hành; nếu chưa khai báo nhiệm kỳ, là năm ban hành.",
    )
    issued_on = models.DateField("ngày ban hành")
    summary = models.CharField("trích yếu", max_length=500)
    summary_folded = models.CharField(max_length=500, editable=False, db_index=True)
    signer = models.CharField("người ký", max_length=128, blank=True)
    recipients = models.TextField("nơi nhận", blank=True)
    classification = models.CharField(
        "độ mật", max_length=16, choices=Classification.choices, blank=True, default=""
    )
    file = models.FileField("tệp", upload_to=_document_upload_to, blank=True, max_length=255)
    file_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        ordering = ["-issued_on", "-id"]
        constraints = [
            # Numbered per issuing organisation and term: many organisations sign as «ĐU».
            models.UniqueConstraint(
                fields=["organization", "issuer", "doc_type", "term_key", "number"],
                name="document_unique_number",
            ),
            # Classified documents must never be stored (domain notes, section 3).
            models.CheckConstraint(condition=Q(classification=""), name="document_not_classified"),
        ]

    def __str__(self) -> str:
        return f"{self.number_text} — {self.summary[:80]}"

    def save(self, *args, **kwargs):
        from .numbers import ABBREVIATION

        self.number_text = format_number(self.number, ABBREVIATION[DocumentType(self.doc_type)], self.issuer)
        self.summary_folded = fold(self.summary)
        super().save(*args, **kwargs)

    @property
    def org_path(self) -> str:
        return self.organization.path

    @property
    def reference(self) -> str:
        """How the document is cited: 'Kế hoạch số 165-KH/ĐUK ngày 31/10/2019'."""
        return f"{self.get_doc_type_display()} số {self.number_text} ngày {self.issued_on:%d/%m/%Y}"

    @property
    def abbreviation(self) -> str:
        from .numbers import ABBREVIATION

        return ABBREVIATION[DocumentType(self.doc_type)]
