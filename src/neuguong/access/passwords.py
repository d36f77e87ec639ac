"""Password rules (AUTH_PASSWORD_VALIDATORS), applied wherever a password is set: the password change page,
`grant_role --password` (access.services.role_grant), and checked for the one-time passwords of account
batches. At least 12 characters; not a common password (Django's list of 20,000 and a few Vietnamese ones);
not built on the account's username or the member's name (an account «nguyenvanbinh1980» with the password
«NguyenVanBinh@1980» is the first thing anyone tries). Messages in Vietnamese."""

import re

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError

from neuguong.core.text import fold

MIN_LENGTH = 12
MSG_TOO_SHORT = "Mật khẩu quá ngắn: cần ít nhất {min_length} ký tự."
MSG_NAME_BASED = "Mật khẩu không được dựa trên tên đăng nhập hoặc họ tên của bạn."
MSG_COMMON_VI = "Mật khẩu này quá dễ đoán."
HELP = (
    "Ít nhất 12 ký tự; không dùng tên đăng nhập, họ tên hay mật khẩu phổ biến. "
    "Một câu ngắn dễ nhớ là mật khẩu tốt, ví dụ «Chi bo so 3 hop ngay 5»."
)
# Folded to letters only: what people type in Vietnamese when asked for a password.
COMMON_VIETNAMESE = frozenset(
    {
        "matkhau",
        "matkhaumoi",
        "anhyeuem",
        "emyeuanh",
        "vietnam",
        "dangcongsan",
        "dangcongsanvietnam",
        "dangvien",
        "hochiminh",
        "bacho",
        "xinchao",
        "quantri",
        "admin",
        "abcdef",
        "qwerty",
    }
)
_LETTERS = re.compile(r"[^a-z]")


def _letters(text: str) -> str:
    return _LETTERS.sub("", fold(text))


class LengthValidator(MinimumLengthValidator):
    """Django's minimum length (12), said in Vietnamese."""

    def __init__(self, min_length: int = MIN_LENGTH):
        super().__init__(min_length=min_length)

    def get_error_message(self):
        return MSG_TOO_SHORT.format(min_length=self.min_length)

    def get_help_text(self):
        return MSG_TOO_SHORT.format(min_length=self.min_length)


class NameBasedValidator:
    """Refuses a password whose letters contain the username or the member's full name (without accents or
    spaces), or their given name, or which is a common Vietnamese password with digits and signs added."""

    def validate(self, password, user=None):
        letters = _letters(password)
        if letters in COMMON_VIETNAMESE:
            raise ValidationError(MSG_COMMON_VI, code="password_too_common")
        if user is None:
            return
        candidates = []
        username = _letters(getattr(user, "username", "") or "")
        if len(username) >= 4:
            candidates.append(username)
        names = [getattr(user, "first_name", ""), getattr(user, "last_name", "")]
        person = getattr(user, "person", None) if getattr(user, "pk", None) else None
        if person is not None:
            names.append(person.full_name)
        for name in filter(None, names):
            parts = fold(name).split()
            whole = _letters(name)
            if len(whole) >= 4:
                candidates.append(whole)
            if parts and len(_letters(parts[-1])) >= 3 and len(parts) > 1:
                candidates.append(_letters(parts[-1]) + _letters(parts[0]))  # «binhnguyen»
        if any(candidate in letters for candidate in candidates):
            raise ValidationError(MSG_NAME_BASED, code="password_name_based")

    def get_help_text(self):
        return MSG_NAME_BASED
