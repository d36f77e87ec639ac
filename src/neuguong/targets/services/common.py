"""What the targets services share: the rights check, required text, file checks, rounding, messages."""

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from neuguong.access.scope import scope_for
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_text
from neuguong.core.uploads import check_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_NO_RIGHT = "Bạn không có quyền thực hiện thao tác này ở đơn vị này."
MSG_REQUIRED = "Trường «{label}» không được để trống."
MSG_AGENCY_OUTSIDE = "Cơ quan «{agency}» không thuộc phạm vi của cấp ủy ban hành chỉ tiêu."
MSG_YEAR = "Năm phải từ 2000 đến 2100."

TWO_PLACES = Decimal("0.01")


def require_write(actor: "User", path: str) -> None:
    if not scope_for(actor).can_write_path(path):
        raise OutOfScope(MSG_NO_RIGHT)


def required_text(value: str, label: str, field: str) -> str:
    value = normalize_text(value or "")
    if not value:
        raise BusinessError(MSG_REQUIRED.format(label=label), field=field)
    return value


def check_files(files: Sequence) -> None:
    for upload in files:
        check_upload(upload)
