"""Tests that run samspil in processes of their own: the environment those processes get."""

from __future__ import annotations

import os


def process_env(settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without samspil's own settings (``SAMSPIL_*`` and
    ``DATABASE_URL``, which a test command may have set), and ``settings`` on top."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMSPIL_", "DATABASE_URL"))}
    env.update(settings)
    return env
