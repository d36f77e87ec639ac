"""Shared fixtures: a small tree with two grassroots organisations and users in each role."""

import pytest

pytest_plugins = ["neuguong.core.tests.fixtures"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the figures cache is keyed on table ids, which SQLite may
    hand out again after a test's rollback."""
    from django.core.cache import cache

    from neuguong.reports.selectors import forget_recent_figures

    cache.clear()
    forget_recent_figures()
    yield
