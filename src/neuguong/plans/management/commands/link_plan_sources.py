"""Propose (and with --apply make) the links of commitments whose source is written as free text naming a
registered document ("KH 165-KH/ĐUK, mục II.3"): the source becomes that document and, when the document
is a plan whose item the text names (and the plan applies to the commitment's organisation), the
commitment serves that item. The free text stays as it was written. A dry run by default.

    python manage.py link_plan_sources            # print the proposals
    python manage.py link_plan_sources --apply    # make them (through commitments' service, audited)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.management.base import BaseCommand
from django.db.models import Q

from neuguong.core.errors import BusinessError
from neuguong.core.text import fold

if TYPE_CHECKING:
    from neuguong.commitments.models import Commitment
    from neuguong.documents.models import Document
    from neuguong.plans.models import PlanItem

# "165-KH/ĐUK", "165 - KH / ĐUK": a Party document number anywhere in the text.
NUMBER_IN_TEXT = re.compile(r"(\d{1,6})\s*-\s*([^\W\d_]{1,6})\s*/\s*([^\W_][\w\-]{0,31})")
# What names an item after the number: "mục II.3", "phần 2", "giải pháp 3", "II.3".
ITEM_IN_TEXT = re.compile(
    r"(?:mục|muc|phần|phan|điểm|diem)\s+([\w.\-]{1,24})|(giải pháp \d+|giai phap \d+)|\b([IVX]+(?:\.\d+)+|\d+(?:\.\d+)+)\b",
    re.I,
)


@dataclass
class Proposal:
    commitment: Commitment
    document: Document | None
    item: PlanItem | None
    problem: str = ""

    def line(self) -> str:
        c = self.commitment
        head = f"#{c.pk} «{c.title[:60]}» — nguồn «{c.source_note}»"
        if self.problem:
            return f"{head}: {self.problem}"
        assert self.document is not None  # a proposal without a problem names its document
        target = self.document.reference
        if self.item is not None:
            target += f", {self.item.label}"
        return f"{head} → {target}"


def _item_of(plan, text: str):
    """The plan's item the text names, if exactly one does."""
    items = list(plan.items.all())
    by_number = {fold(item.number): item for item in items if item.number}
    for match in ITEM_IN_TEXT.finditer(text):
        token = fold(next(group for group in match.groups() if group)).strip(" .")
        for candidate in (token, token.removeprefix("muc ").strip()):
            if candidate in by_number:
                return by_number[candidate]
    return None


class Command(BaseCommand):
    help = "Đề xuất (và với --apply thì ghi) liên kết nguồn nhiệm vụ ghi tay với văn bản, mục kế hoạch đã vào sổ."

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Ghi các liên kết đề xuất (mặc định: chỉ in ra)."
        )

    def handle(self, *args, apply: bool = False, **options):
        from neuguong.commitments.models import Commitment, SourceKind
        from neuguong.documents.models import Document
        from neuguong.documents.numbers import parse_number

        from ...services import plan_item_link
        from ...system import system_actor

        documents: dict[str, list] = {}
        proposals: list[Proposal] = []
        candidates = (
            Commitment.objects.filter(
                plan_item__isnull=True, source_kind__in=(SourceKind.DOCUMENT, SourceKind.OTHER)
            )
            .exclude(source_note="")
            .filter(Q(source_type__isnull=True) | Q(source_type__app_label="documents"))
            .select_related("organization")
            .order_by("pk")
        )
        for commitment in candidates.iterator(chunk_size=2000):
            match = NUMBER_IN_TEXT.search(commitment.source_note)
            if match is None:
                continue
            try:
                canonical = str(parse_number(match.group(0)))
            except BusinessError:
                continue
            if canonical not in documents:
                documents[canonical] = list(
                    Document.objects.filter(number_text=canonical).select_related("plan__applies_to")
                )
            found = [
                d
                for d in documents[canonical]
                if d.organization_id in commitment.organization.ancestor_ids
                and (commitment.source_type_id is None or d.pk == commitment.source_id)
            ]
            if not found:
                problem = "chưa có văn bản này trong sổ văn bản" if not documents[canonical] else ""
                if problem:
                    proposals.append(Proposal(commitment, None, None, f"{canonical}: {problem}"))
                continue
            if len(found) > 1:
                proposals.append(
                    Proposal(commitment, None, None, f"{canonical}: nhiều văn bản cùng số, cần chọn tay")
                )
                continue
            document = found[0]
            plan = getattr(document, "plan", None)
            item = _item_of(plan, commitment.source_note[match.end() :]) if plan is not None else None
            if item is not None:
                try:
                    plan_item_link(item, commitment.organization, new_work=False)
                except BusinessError as exc:
                    proposals.append(Proposal(commitment, None, None, exc.message))
                    continue
            if item is None and commitment.source_type_id is not None:
                continue  # already linked to its document, and no item named: nothing to do
            proposals.append(Proposal(commitment, document, item))
        linkable = [p for p in proposals if not p.problem]
        for proposal in proposals:
            self.stdout.write(proposal.line())
        with_item = sum(1 for p in linkable if p.item is not None)
        self.stdout.write(
            f"{len(linkable)} đề xuất liên kết ({with_item} với mục kế hoạch, {len(linkable) - with_item} chỉ với "
            f"văn bản); {len(proposals) - len(linkable)} nguồn không xác định được."
        )
        if not apply:
            self.stdout.write("Chưa ghi gì (chạy thử). Chạy lại với --apply để ghi các liên kết trên.")
            return
        from neuguong.commitments.services import commitment_link_plan_item

        actor = system_actor()
        for proposal in linkable:
            commitment_link_plan_item(
                actor=actor,
                commitment=proposal.commitment,
                plan_item=proposal.item,
                document=proposal.document,
            )
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {len(linkable)} liên kết."))
