"""Both demo reports' HTML in chromium: no sideways scrolling on a phone or a laptop
(wide tables scroll inside their own frame), and no axe-core violations."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("report", ["kd2024", "fc2015"])
def test_report_page_never_scrolls_sideways_and_passes_axe(browser, demo_reports, axe, report):
    url = (demo_reports[report].folder / "index.html").as_uri()
    for width, height in ((390, 844), (1280, 900)):
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height})
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


# Every line break inside a word of the elements' text, and whether a hyphen (a soft hyphen
# the browser shows, or a printed "-") stands at it; and the elements that overflow.
BREAKS_JS = """(selector) => {
  const letter = /\\p{L}/u;
  const found = {unhyphenated: [], hyphenated: 0, overflowing: []};
  for (const el of document.querySelectorAll(selector)) {
    if (el.scrollWidth > el.clientWidth + 1) found.overflowing.push(el.textContent);
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let prev = null, prevTop = null, between = '';
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        const c = node.data[i];
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        const rect = rects[rects.length - 1];  // after a soft hyphen the first is the hyphen
        if (!letter.test(c) || !rect || rect.width === 0) { between += c; continue; }
        if (prev !== null && rect.top > prevTop + 2 && !/\\s/.test(between)) {
          const word = (el.textContent.match(new RegExp('\\\\S*' + prev + '\\\\S*')) || [prev])[0];
          if (/[\\u00ad\\-\\u2010]/.test(between)) found.hyphenated += 1;
          else found.unhyphenated.push(word.replace(/\\u00ad/g, ''));
        }
        prev = c; prevTop = rect.top; between = '';
      }
    }
  }
  return found;
}"""


def _breaks(browser, url: str, width: int, selector: str) -> dict:  # type: ignore[type-arg]
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(url)
    found = page.evaluate(BREAKS_JS, selector)
    context.close()
    return found


def test_a_long_danish_word_in_a_narrow_heading_breaks_at_a_syllable_with_a_hyphen(
    browser, tmp_path
):
    """Debian's chromium has no Danish hyphenation dictionary (``hyphens: auto`` alone broke
    "udarbejdel se"), so the page carries soft hyphens: a long word breaks only at a
    syllable, with a hyphen, and overflows nothing."""
    from datetime import date

    from samspil.reports.document import Chapter, Grid, Item, Publication
    from samspil.reports.hyphenate import soft_hyphens
    from samspil.reports.render import report_html

    header = ["", "Ja", "Indgår som del af andre politikker", "Er under udarbejdelse", "Nej"]
    table = Grid([*header, "Ved ikke", "N (= 100 %)"], [["Socialopgaver", *["1,0"] * 6]])
    chapter = Chapter(
        "kap-1",
        "Kommunaldirektørundersøgelsen om udarbejdelse",
        ["Tekst."],
        [Item("t", "Tabel 1.1", "Kommunaldirektørforeningens udarbejdelse", grid=table)],
    )
    pub = Publication("Titel", "Datarapport", [], "", "Maj 2024", date.today(), "", [chapter])
    path = tmp_path / "index.html"
    path.write_text(soft_hyphens(report_html(pub, {})), encoding="utf-8")
    found = _breaks(browser, path.as_uri(), 320, "h1, h2, h3, th")
    assert not found["overflowing"], found
    assert not found["unhyphenated"], f"broken mid-word without a hyphen: {found}"
    assert found["hyphenated"] > 0, "the long words did need to break"


@pytest.mark.parametrize("report", ["kd2024", "fc2015"])
def test_report_headings_on_a_phone_break_words_only_with_a_hyphen(browser, demo_reports, report):
    url = (demo_reports[report].folder / "index.html").as_uri()
    found = _breaks(browser, url, 390, "h1, h2, h3, thead th")
    assert not found["overflowing"], found["overflowing"][:5]
    assert not found["unhyphenated"], f"broken mid-word without a hyphen: {found['unhyphenated']}"


# Per figure shown: the smallest font size of its SVG (in the SVG's units) times the scale
# the page shows it at (shown width / the SVG's own width), i.e. its smallest text in px.
FIGURE_TEXT_JS = """async () => {
  const out = [];
  for (const img of document.querySelectorAll('figure img')) {
    const box = img.getBoundingClientRect();
    if (box.width === 0) continue;  // the other layout of the figure, not shown
    const svg = atob(img.src.split(',')[1]);
    const sizes = [...svg.matchAll(/font-size="([\\d.]+)"/g)].map(m => parseFloat(m[1]));
    const viewBox = svg.match(/viewBox="0 0 ([\\d.]+)/)[1];
    out.push(Math.min(...sizes) * box.width / parseFloat(viewBox));
  }
  return out;
}"""


@pytest.mark.parametrize("report", ["kd2024"])
def test_figure_text_is_at_least_12_px_on_a_phone(browser, demo_reports, report):
    url = (demo_reports[report].folder / "index.html").as_uri()
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(url)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    smallest = page.evaluate(FIGURE_TEXT_JS)
    context.close()
    assert len(smallest) >= 10, "the figures are shown"
    assert min(smallest) >= 12, f"smallest figure text {min(smallest):.1f} px"
