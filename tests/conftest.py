"""Fixtures shared by the whole suite."""

pytest_plugins = ["tests.browser", "tests.reports_fixtures"]
