"""HTTPS through Caddy (issue 24 item 1): Caddy, with a certificate from its own local CA,
in front of `samspil serve` in production mode, all on loopback. http:// is redirected to
https://, HSTS is sent, and a respondent's page save goes through (CSRF over HTTPS).

Needs Debian's caddy package (`./dev setup` installs it); skipped without it."""

from __future__ import annotations

import http.client
import http.cookiejar
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.processes import process_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("caddy") is None, reason="needs caddy (Debian package)"),
]
ROOT = Path(__file__).resolve().parents[2]
ENGLISH = "navn,email,kommune\nAnna Testesen,anna@example.org,Aarhus\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _poll(check, what: str, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, ssl.SSLError, http.client.HTTPException):
            pass
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, object]]:
    web, http_port, https_port = _free_port(), _free_port(), _free_port()
    base = f"https://localhost:{https_port}"
    env = process_env(
        {
            "SAMSPIL_PRODUCTION": "1",
            "SAMSPIL_ALLOWED_HOSTS": "localhost",
            "SAMSPIL_BEHIND_PROXY": "1",
            "SAMSPIL_BASE_URL": base,
            "SAMSPIL_DATA_DIR": str(tmp_path / "data"),
            "SAMSPIL_EMAIL_BACKEND": "console",
            "PYTHONUNBUFFERED": "1",
        }
    )

    def samspil(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "samspil.cli", *args], env=env, capture_output=True,
            text=True, cwd=tmp_path, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    (tmp_path / "liste.csv").write_text(ENGLISH, encoding="utf-8")
    study = samspil("study", "create", "--instrument", "kd2024", "--name", "HTTPS",
                    "--controller", "Testuniversitetet", "--privacy-contact", "dpo@example.org",
                    "--signature", "Forskerne",
                    "--respondents", str(tmp_path / "liste.csv"), "--open").strip()  # fmt: skip
    link = re.search(rf"{re.escape(base)}/s/[^,\s]+", samspil("study", "links", study))
    assert link, "a personal link"
    caddy_home = tmp_path / "caddy"
    caddy_home.mkdir()
    (caddy_home / "Caddyfile").write_text(
        "{\n\tadmin off\n\tskip_install_trust\n\tlocal_certs\n"
        f"\thttp_port {http_port}\n\thttps_port {https_port}\n"
        f"\tstorage file_system {caddy_home / 'storage'}\n}}\n"
        f"localhost {{\n\tbind 127.0.0.1\n\treverse_proxy 127.0.0.1:{web}\n}}\n",
        encoding="utf-8",
    )
    logs = (tmp_path / "serve.log").open("w"), (tmp_path / "caddy.log").open("w")
    serve = subprocess.Popen(
        [sys.executable, "-m", "samspil.cli", "serve", "--port", str(web), "--workers", "1"],
        env=env, cwd=tmp_path, stdout=logs[0], stderr=subprocess.STDOUT,
    )  # fmt: skip
    caddy_env = dict(env, HOME=str(caddy_home), XDG_DATA_HOME=str(caddy_home / "data"),
                     XDG_CONFIG_HOME=str(caddy_home / "config"))  # fmt: skip
    caddy = subprocess.Popen(
        ["caddy", "run", "--config", str(caddy_home / "Caddyfile"), "--adapter", "caddyfile"],
        env=caddy_env, cwd=caddy_home, stdout=logs[1], stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        root = caddy_home / "storage" / "pki" / "authorities" / "local" / "root.crt"
        _poll(root.is_file, "Caddy's local certificate authority")
        context = ssl.create_default_context(cafile=str(root))
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect,
        )

        def ready() -> bool:
            with opener.open(f"{base}/healthz", timeout=10) as response:
                return bool(response.status == 200)

        _poll(ready, "samspil behind Caddy")
        yield {
            "base": base,
            "http": f"http://localhost:{http_port}",
            "link": link.group(0),
            "opener": opener,
            "samspil": samspil,
            "study": study,
            "tmp": tmp_path,
        }
    finally:
        for process in (caddy, serve):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def _open(opener, url: str, data: dict[str, object] | None = None, **headers: str):  # type: ignore[no-untyped-def]
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        return opener.open(request, timeout=30)
    except urllib.error.HTTPError as exc:  # 3xx with NoRedirect, 4xx
        return exc


def test_https_through_caddy_redirects_sends_hsts_and_saves_a_page(site):
    opener, base = site["opener"], site["base"]
    plain = _open(urllib.request.build_opener(NoRedirect), f"{site['http']}/studier/")
    assert plain.status in (301, 308)
    # Caddy's own redirect (Django never sees plain HTTP); with the test's high ports it
    # leaves the port out, in production it is 443 anyway.
    target = urllib.parse.urlsplit(plain.headers["Location"])
    assert (target.scheme, target.hostname, target.path) == ("https", "localhost", "/studier/")

    welcome = _open(opener, site["link"])
    assert welcome.status == 200
    assert welcome.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    html = welcome.read().decode()
    first = re.search(r'href="(/s/[^"]+/side/[a-z_]+/)"', html)
    assert first, "a link to the first page"
    page_url = base + first.group(1)
    page = _open(opener, page_url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    shown = re.findall(r'name="_shown" value="([a-z_]+)"', page)
    assert token and "udf_vigtigste" in shown
    saved = _open(
        opener,
        page_url,
        {
            "csrfmiddlewaretoken": token.group(1),
            "_shown": shown,
            "nav": "next",
            "udf_vigtigste": "Gemt over HTTPS",
        },
        Origin=base,
        Referer=page_url,
    )
    assert saved.status == 302, saved.read().decode()[:500]
    out = site["tmp"] / "export.csv"
    site["samspil"]("study", "export", site["study"], "--out", str(out))
    assert "Gemt over HTTPS" in out.read_text(encoding="utf-8")
