"""Browser fixtures for all tests: Playwright driving Debian's chromium, and axe-core.

Registered for the whole suite by tests/conftest.py, so that one session-wide browser
serves tests/fieldwork and tests/coding_web alike (only one sync Playwright can run per process).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still work.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parents[1]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
# How long a browser action or expect() waits for its condition: a bound, not a window; a
# passing test never waits it out, and a busy machine (load 12 on 2 cores) may need it.
BROWSER_TIMEOUT_MS = 120_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run ./dev setup (installs Debian's chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        new_context = b.new_context

        def generous_context(**options):  # type: ignore[no-untyped-def]
            context = new_context(**options)  # every page of it waits as long as expect()
            context.set_default_timeout(BROWSER_TIMEOUT_MS)
            return context

        b.new_context = generous_context
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    # bypass_csp: axe-core is injected as an inline script, which our CSP forbids.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield pg
    context.close()


@pytest.fixture
def axe():  # type: ignore[no-untyped-def]
    """``axe(page)`` fails the test on any WCAG 2.1 A/AA violation axe-core finds."""
    return assert_accessible


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """Run axe-core on the page; fail on any WCAG 2.1 A/AA violation."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in the repository root")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not problems, "\n".join(problems)
