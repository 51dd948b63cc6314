"""A canary for report renderers: an HTTP server on loopback that records every request,
a secret file that must never reach a report, and the markup an attacker puts in a report
definition to make the PDF engine read or fetch them (security issue 17, item 1)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SECRET = "KANARIE-HEMMELIGHED-7f3a"


@dataclass
class Canary:
    url: str
    secret_file: Path
    requests: list[str] = field(default_factory=list)

    def markup(self) -> str:
        """Markup that, if it reached the PDF engine as markup, would embed the secret file
        and fetch the canary."""
        return (
            f'<link rel="attachment" href="file://{self.secret_file}">'
            f'<img src="{self.url}/img.png"><img src="file://{self.secret_file}">'
            f'<style>@import url("{self.url}/style.css");</style>' + self.typst_markup()
        )

    def typst_markup(self) -> str:
        """Typst markup that, if read as markup, would set the secret file's text, embed
        it as an attachment and link the canary."""
        return (
            f'#read("{self.secret_file}") #image("{self.secret_file}") '
            f'#pdf.attach("{self.secret_file}") #link("{self.url}/link")[x]'
        )

    def assert_untouched(self, pdf: bytes) -> None:
        assert self.requests == [], f"the renderer fetched {self.requests}"
        assert b"/EmbeddedFile" not in pdf and b"/EmbeddedFiles" not in pdf
        assert SECRET.encode() not in pdf
        if pdf.startswith(b"%PDF"):  # its text streams are compressed: read them
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(pdf))
            assert SECRET not in "".join(page.extract_text() for page in reader.pages)
            assert not reader.attachments


@pytest.fixture
def canary(tmp_path: Path) -> Iterator[Canary]:
    secret = tmp_path / "secret_key"
    secret.write_text(SECRET, encoding="utf-8")
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(SECRET.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Canary(f"http://127.0.0.1:{server.server_address[1]}", secret, seen)
    finally:
        server.shutdown()
        server.server_close()
