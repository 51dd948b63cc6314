"""Danish hyphenation of the questionnaires' compounds (issue 20 item 3): a word is broken
only where Danish allows it ("mis-triv-sel", never "mi-strivsel"; "grund-ejer-for-eninger",
never "grunde-jerfore-ninger"), in the HTML's soft hyphens and in the PDF Typst lays out;
headings are never hyphenated."""

from __future__ import annotations

import json
import re
import subprocess
from importlib import resources

import pytest

from samspil.reports.hyphenate import break_points, hyphenate_word
from samspil.reports.typst_pdf import _body, _runs, font_folder

# Compounds of the bundled questionnaires with the break points Danish allows ("|"): by
# the parts of the compound or by syllables; " / " gives a second allowed division.
ALLOWED = [
    "mis|triv|sel",
    "grund|ejer|for|en|ing|er / grund|ejer|fo|re|nin|ger",
    "ci|vil|sam|fun|det / ci|vil|sam|fund|et",
    "kom|mu|nal|di|rek|tø|rer",
    "fri|vil|lig|cen|tre",
    "er|hvervs|ud|vik|ling",
    "kli|ma|af|tryk|ket",
    "æl|dre|om|rå|det",
    "ud|gifts|pres|set",
    "so|ci|al|om|rå|de",
    "sam|ar|bejds|af|ta|ler",
    "borg|mes|te|ren / borg|mest|er|en",
    "idræts|for|en|ing|er / idræts|fo|re|nin|ger",
    "kom|mu|nal|po|li|ti|ke|re",
    "for|valt|nin|gen / for|valt|ning|en",
    "for|en|ings|li|vet / fo|re|nings|li|vet",
    "bo|lig|for|en|ing|er / bo|lig|fo|re|nin|ger",
    "be|bo|er|for|en|ing|er / be|boer|fo|re|nin|ger",
    "sund|heds|om|rå|det",
    "ud|ar|bej|del|se",
    "han|di|cap|or|ga|ni|sa|tio|ner",
    "vel|færds|op|ga|ver",
    "lo|kal|sam|fun|det / lo|kal|sam|fund|et",
    "kul|tur|in|sti|tu|tio|ner",
    "for|vent|nings|kløft",
    "ar|bejds|kraft",
    "æl|dre|ple|jen",
]


def allowed_points(written: str) -> tuple[str, set[int]]:
    """'mis|triv|sel' -> ('mistrivsel', {3, 7}); the points of every division given."""
    points: set[int] = set()
    for division in written.split(" / "):
        pieces = division.split("|")
        at = 0
        for piece in pieces[:-1]:
            at += len(piece)
            points.add(at)
    return written.split(" / ")[0].replace("|", ""), points


WORDS = [allowed_points(w) for w in ALLOWED]


def test_allowed_points_reads_the_list_as_written():
    assert allowed_points("mis|triv|sel") == ("mistrivsel", {3, 7})
    assert allowed_points("for|valt|nin|gen / for|valt|ning|en") == (
        "forvaltningen",
        {3, 7, 10, 11},
    )


@pytest.mark.parametrize(("word", "allowed"), WORDS, ids=[w for w, _ in WORDS])
def test_each_compound_is_broken_only_where_danish_allows(word, allowed):
    assert set(break_points(word)) <= allowed, hyphenate_word(word).replace("\u00ad", "-")


def test_the_known_bad_breaks_are_gone():
    assert hyphenate_word("mistrivsel").replace("\u00ad", "-") == "mis-triv-sel"
    broken = hyphenate_word("grundejerforeninger").replace("\u00ad", "-")
    assert not broken.startswith("grunde-") and "jerfore" not in broken
    assert broken.startswith("grund-ejer-for")


def _layout(tmp_path, body: str, words: object) -> list[str]:
    """The report template's rules (up to its cover) and ``body``, laid out by Typst;
    the pages' text."""
    import typst

    template = (resources.files("samspil.reports") / "static" / "report.typ").read_text("utf-8")
    rules = template[: template.index("// -- cover")]
    (tmp_path / "t.typ").write_text(rules + body, encoding="utf-8")
    (tmp_path / "data.json").write_text(
        json.dumps({"title": "T", "subtitle": "", "authors": []}), encoding="utf-8"
    )
    (tmp_path / "words.json").write_text(json.dumps(words), encoding="utf-8")
    pdf = typst.compile(
        str(tmp_path / "t.typ"), font_paths=[font_folder()], ignore_system_fonts=True
    )
    (tmp_path / "t.pdf").write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def _breaks(page: str) -> tuple[str, set[int]]:
    """A word set one piece a line: the word, and where its lines were broken."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    lines = [line for line in lines if not line.isdigit()]  # the page number
    word, points = "", set()
    for line in lines:
        piece = re.sub(r"[\u00ad-]$", "", line)
        if word:
            points.add(len(word))
        word += piece
    return word, points


def test_the_pdf_breaks_the_compounds_only_where_danish_allows(tmp_path):
    body = '#for w in json("words.json") { block(width: 2pt, runs(w)); pagebreak(weak: true) }'
    pages = _layout(tmp_path, body, [_body(word) for word, _ in WORDS])
    assert len(pages) == len(WORDS)
    for (word, allowed), page in zip(WORDS, pages, strict=True):
        set_as, points = _breaks(page)
        assert set_as == word
        assert points <= allowed, f"{word} broken at {sorted(points - allowed)}"
    mistrivsel = dict(zip([w for w, _ in WORDS], pages, strict=True))["mistrivsel"]
    assert "mi\u00ad" not in mistrivsel and "mi-" not in mistrivsel


def test_headings_are_never_hyphenated(tmp_path):
    body = (
        '#for w in json("words.json") { block(width: 2pt, heading(level: 2, runs(w)));'
        " pagebreak(weak: true) }\n"
        '#heading(level: 1, runs(json("words.json").first()))'
    )
    titles = ["Kommunaldirektørernes samarbejdsaftaler", "Udgiftspresset på socialområdet"]
    pages = _layout(tmp_path, body, [_runs(t) for t in titles])
    text = "\n".join(pages)
    assert "\u00ad" not in text and not re.search(r"\w-\n", text)
    assert "Kommunaldirektørernes" in text and "samarbejdsaftaler" in text
