"""What the study services share: the rights check and the messages more than one sub-domain gives."""

from typing import TYPE_CHECKING

from neuguong.access.scope import scope_for
from neuguong.core.errors import OutOfScope

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_NO_RIGHT = "Bạn không có quyền thực hiện thao tác này ở tổ chức này."
MSG_BAD_POSITION = "Chức vụ không hợp lệ."
MSG_NOT_INVITED = "Bạn không có trong danh sách được triệu tập của đợt học tập này."
MSG_NO_PERSON = "Tài khoản của bạn chưa gắn với hồ sơ đảng viên."


def require_write(actor: "User", path: str) -> None:
    if not scope_for(actor).can_write_path(path):
        raise OutOfScope(MSG_NO_RIGHT)
