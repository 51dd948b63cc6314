"""The command line is honest about errors: bad input exits 2 with a message, a bug shows
as a traceback, a closed pipe ends quietly, and --help answers without heavy imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from samspil import cli


def _samspil(*args: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from samspil.cli import main; sys.exit(main())",
        *args,
    ]


def test_a_closed_pipe_ends_quietly():
    process = subprocess.Popen(
        _samspil("codebook", "kd2024", "--format", "csv"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before anything was written (| head)
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_a_bug_is_not_disguised_as_bad_input(monkeypatch):
    def broken(args):  # type: ignore[no-untyped-def]
        raise ValueError("a bug, not the user's fault")

    monkeypatch.setattr(cli, "cmd_instruments", broken)
    with pytest.raises(ValueError, match="a bug"):
        cli.main(["instruments"])


def test_bad_input_exits_2_with_the_message(run_cli):
    code, _, err = run_cli("codebook", "no_such_instrument")
    assert code == 2 and "unknown instrument 'no_such_instrument'" in err


def test_help_imports_no_heavy_library():
    program = (
        "import sys\nfrom samspil.cli import main\ntry:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'scipy', 'numpy', 'django', 'sklearn', 'matplotlib',"
        " 'pydantic') if m in sys.modules]\nprint(heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.stderr.strip() == "[]"
    assert "report" in done.stdout and "study" in done.stdout and "coding" in done.stdout
