"""Shared fixtures: a small tree with two grassroots organisations and users in each role."""

pytest_plugins = ["neuguong.core.tests.fixtures"]
