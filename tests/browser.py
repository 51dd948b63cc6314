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


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    """A page 390 px wide, as a phone shows it (touch, mobile viewport)."""
    context = browser.new_context(bypass_csp=True, viewport=PHONE, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield pg
    pg.wait_for_load_state("networkidle")
    context.close()


def assert_no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"the page is {width}px wide on a {viewport}px screen"


def assert_mistake_shown(page, field_id: str, text: str = "") -> None:  # type: ignore[no-untyped-def]
    """The shared form's answer to a mistake: the Danish error summary at the top, its link
    to the field (``field_id``: the input, or a group's first option), the problem beside
    the field and named by it; the page axe-clean and without sideways scroll."""
    from playwright.sync_api import expect

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("Ret venligst følgende")
    link = summary.locator(f'a[href="#{field_id}"]')
    expect(link.first).to_be_visible()
    if text:
        expect(summary).to_contain_text(text)
    group = field_id.removesuffix("_0")  # a group of options: its first option
    problem = page.locator(f"#{group}-error")
    if problem.count():  # a field's own problem (a whole form's is in the summary only)
        expect(problem).to_be_visible()
        if not field_id.endswith("_0"):
            described = page.locator(f"#{field_id}").get_attribute("aria-describedby") or ""
            assert f"{group}-error" in described.split(), described
            expect(page.locator(f"#{field_id}")).to_have_attribute("aria-invalid", "true")
    link.first.click()
    expect(page.locator(f"#{field_id}")).to_be_in_viewport()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
