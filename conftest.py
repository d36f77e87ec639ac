"""Shared fixtures: a small tree with two grassroots organisations and users in each role."""

import pytest
from hypothesis import settings

pytest_plugins = ["neuguong.core.tests.fixtures"]

# No per-example deadline for any property test: timed assertions do not belong in unit tests, and on a
# shared 2-core machine a 200 ms deadline failed `test_fold_is_idempotent…` at 580 ms.
settings.register_profile("neuguong", deadline=None)
settings.load_profile("neuguong")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the figures cache is keyed on table ids, which SQLite may
    hand out again after a test's rollback."""
    from django.core.cache import cache

    from neuguong.reports.selectors import forget_recent_figures

    cache.clear()
    forget_recent_figures()
    yield
