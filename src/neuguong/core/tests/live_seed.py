"""Data for the live-server tests (run inside the server's database, printed as one JSON line)."""

import datetime as dt
import json

from neuguong.access.services import api_token_create
from neuguong.commitments.services import commitment_create
from neuguong.core.dates import local_today

from .factories import OrganizationFactory, PersonFactory, Role, UserFactory, grant

PASSWORD = "Matkhau@123-song"


def seed() -> None:
    root = OrganizationFactory(code="DUK", name="Đảng bộ Khối", abbreviation="ĐUK")
    staff = UserFactory(username="staff", password=PASSWORD)
    grant(staff, Role.STAFF, root)
    other = UserFactory(username="other", password=PASSWORD)
    grant(other, Role.STAFF, root)
    person = PersonFactory(full_name="Trần Hữu Thắng", organization=root)
    commitment = commitment_create(
        actor=staff,
        organization=root,
        title="Hoàn thành báo cáo quý",
        deadline=local_today() + dt.timedelta(days=30),
        responsible_person=person,
    )
    print(
        json.dumps(
            {
                "commitment": commitment.pk,
                "token": api_token_create(user=staff),
                "username": "staff",
                "other_username": "other",
                "password": PASSWORD,
            }
        )
    )
