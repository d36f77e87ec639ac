"""Seeded texts read like real ones: no word twice in a row (issue 13.6: "Bùi Đình Đình", "Học bù học bù")."""

import itertools
import random
import re

from neuguong.people.models import Sex
from neuguong.portal.demo import _name


def _doubled(text: str) -> bool:
    words = re.findall(r"\w+", text.lower())
    return any(a == b for a, b in itertools.pairwise(words))


def test_seeded_names_never_repeat_a_word():
    rng = random.Random(2026)
    names = [_name(rng, sex) for _ in range(5_000) for sex in (Sex.MALE, Sex.FEMALE)]
    assert not [name for name in names if _doubled(name)]


def test_a_makeup_session_called_hoc_bu_is_not_labelled_hoc_bu_twice(tree, login):
    from neuguong.study.tests.factories import make_campaign, make_session

    campaign = make_campaign(tree.staff, tree.root)
    make_session(tree.staff, campaign, title="Học bù", is_makeup=True)
    page = login(tree.staff).get(f"/hoc-tap/{campaign.pk}/").content.decode()
    session = page[page.index("<strong>Học bù</strong>") :]
    assert not session[: session.index("</li>")].count("học bù")
