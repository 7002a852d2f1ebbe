"""Plugins for the whole suite: `pytester` (to test the suite's own plugins) and the check
that a test run leaves no process running behind it."""

pytest_plugins = ["pytester", "tests.support.leftovers"]
