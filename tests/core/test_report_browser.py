"""Both demo reports' HTML in chromium: no sideways scrolling on a phone or a laptop
(wide tables scroll inside their own frame), and no axe-core violations."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("report", ["kd2024", "fc2015"])
def test_report_page_never_scrolls_sideways_and_passes_axe(browser, demo_reports, axe, report):
    url = (demo_reports[report].folder / "index.html").as_uri()
    for width, height in ((390, 844), (1280, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(url)
        sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert sizes[0] <= sizes[1], f"{report} at {width} px: page is {sizes[0]} px wide"
        frames = page.evaluate(
            """() => [...document.querySelectorAll('.frame')].filter(
                f => f.scrollWidth > f.clientWidth).length"""
        )
        if width == 390:
            assert frames > 0, "wide tables scroll inside their frame on a phone"
        assert page.evaluate("() => document.documentElement.lang") == "da"
        axe(page)
        context.close()
