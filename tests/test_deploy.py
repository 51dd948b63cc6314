"""deploy/ (issue 24 item 1): the systemd units pass `systemd-analyze verify` without a
warning, their commands are ones samspil accepts, and the environment template names only
documented settings and turns production mode on."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = sorted([*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")])
INSTALLED = "/opt/samspil/venv/bin/samspil"


def test_deploy_has_units_for_the_web_server_worker_and_backups():
    names = {unit.name for unit in UNITS}
    assert {"samspil-web.service", "samspil-worker.service", "samspil-backup.service"} <= names
    assert "samspil-backup.timer" in names
    assert (DEPLOY / "Caddyfile").is_file() and (DEPLOY / "samspil.env").is_file()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_units_verify_without_warnings(tmp_path):
    samspil = Path(sys.executable).with_name("samspil")
    assert samspil.is_file(), "the samspil script of this environment"
    for unit in UNITS:  # the installed path replaced by this environment's samspil
        text = unit.read_text(encoding="utf-8").replace(INSTALLED, str(samspil))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(tmp_path / u.name) for u in UNITS)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert (done.returncode, done.stderr.strip()) == (0, "")


def _exec_start(unit: str) -> list[str]:
    text = (DEPLOY / unit).read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


@pytest.mark.parametrize("unit", ["samspil-web.service", "samspil-worker.service"])
def test_unit_commands_are_accepted_by_samspil(unit):
    from samspil.cli import build_parser

    command = _exec_start(unit)
    assert command[0] == INSTALLED
    args = build_parser().parse_args(command[1:])
    if unit == "samspil-web.service":
        assert (args.host, args.worker) == ("127.0.0.1", False)  # loopback; own worker unit


def test_backup_unit_writes_into_the_backup_folder_and_deletes_old_backups(tmp_path):
    text = (DEPLOY / "samspil-backup.service").read_text(encoding="utf-8")
    assert 'samspil backup --out "/var/backups/samspil/samspil-' in text
    assert "SAMSPIL_BACKUP_KEEP_DAYS=30" in (DEPLOY / "samspil.env").read_text(encoding="utf-8")
    # Run the unit's clean-up command (systemd's $$ is a literal $) on a folder of archives.
    line = next(x for x in text.splitlines() if x.startswith("ExecStartPost="))
    command = shlex.split(line.removeprefix("ExecStartPost=").replace("$$", "$"))
    command = [part.replace("/var/backups/samspil", str(tmp_path)) for part in command]
    now = time.time()
    ages = {
        "samspil-a.tar.gz": 29.9,
        "samspil-b.tar.gz": 30.1,
        "samspil-c.tar.gz": 45,
        "notes.txt": 90,
    }
    for name, days in ages.items():
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (now - days * 86400, now - days * 86400))
    subprocess.run(
        command, check=True, env={"SAMSPIL_BACKUP_KEEP_DAYS": "30", "PATH": "/usr/bin:/bin"}
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "samspil-a.tar.gz"]


def test_environment_template_is_production_and_documented():
    documented = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    values = {}
    for line in (DEPLOY / "samspil.env").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    assert values["SAMSPIL_PRODUCTION"] == "1"
    assert values["SAMSPIL_BEHIND_PROXY"] == "1"
    assert values["SAMSPIL_DATA_DIR"] == "/var/lib/samspil"
    for name in values:
        if name != "SAMSPIL_BACKUP_KEEP_DAYS":  # read by the backup unit, not by samspil
            assert f"`{name}`" in documented, name


def test_caddy_proxies_to_the_loopback_port_the_web_unit_listens_on():
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    port = _exec_start("samspil-web.service")
    assert f"reverse_proxy 127.0.0.1:{port[port.index('--port') + 1]}" in caddy
    assert not re.search(r"^\s*log\b", caddy, re.M)  # no access log with personal links


@pytest.mark.skipif(shutil.which("caddy") is None, reason="needs caddy (Debian package)")
def test_the_shipped_caddyfile_is_valid_for_caddy(tmp_path):
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        ["caddy", "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile",
         "--validate"],
        capture_output=True, text=True, env={**env, "PATH": "/usr/bin:/bin"}, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"dial":"127.0.0.1:8000"' in done.stdout
